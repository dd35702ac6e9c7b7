"""Hamshahri Online (همشهری آنلاین), the Tehran municipality's daily, on the Nastooh news CMS.

News code: the number in the article URL «/news/<code>/<slug>», also printed as «کد خبر».
Discovery: the archive and the services' listings; the sitemap robots.txt names («/sitemap.xml»), counted once a
day for coverage and read by a backfill.
"""

from crawler.sources.discovery import Listing, Sitemap
from crawler.sources.families import NASTOOH
from crawler.sources.spider import NewsSpider

BASE = "https://www.hamshahrionline.ir"
LISTING = {"links": "section.list .items li h3 a::attr(href), .news-list h3 a::attr(href)",
           "next_page": "ul.pagination li a[rel=next]::attr(href), a[rel=next]::attr(href)"}


class HamshahriSpider(NewsSpider):
    name = "hamshahri"
    hosts = ("www.hamshahrionline.ir", "hamshahrionline.ir")
    site_name = "همشهری آنلاین"
    family = NASTOOH
    discovery = (*(Listing(f"{BASE}/{path}", section, **LISTING) for section, path in (
        ("archive", "archive"), ("city", "service/City"), ("iran", "service/Iran"), ("society", "service/Society"))),
        Sitemap(f"{BASE}/sitemap.xml"))
    article_url = r"^https?://(www\.)?hamshahrionline\.ir/news/(?P<code>\d+)(/|$)"
    selectors = {
        "article": ".main-content article, .main-content",
        "title": ".main-content h1.title",
        "kicker": ".main-content .uptitle",
        "lead": ".main-content p.introtext",
        "body": ".main-content .item-body .item-text",
        "date": ".main-content .item-date span",
        "news_code": ".main-content .item-code span",
        "category": "ol.breadcrumb li",
        "tags": ".main-content .tags li",
        "images": ".main-content .item-img img, .main-content .item-body img",
    }
