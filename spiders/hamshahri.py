"""Hamshahri Online (همشهری آنلاین), the Tehran municipality's daily, on the Nastooh news CMS.

News code: the number in the article URL «/news/<code>/<slug>», also printed as «کد خبر».
"""

from crawler.sources.nastooh import NastoohSpider

BASE = "https://www.hamshahrionline.ir"


class HamshahriSpider(NastoohSpider):
    name = "hamshahri"
    hosts = ("www.hamshahrionline.ir", "hamshahrionline.ir")
    site_name = "همشهری آنلاین"
    sections = {
        "archive": f"{BASE}/archive",
        "city": f"{BASE}/service/City",
        "iran": f"{BASE}/service/Iran",
        "society": f"{BASE}/service/Society",
    }
    article_url = r"^https?://(www\.)?hamshahrionline\.ir/news/(?P<code>\d+)(/|$)"
    listing_links = "section.list .items li h3 a::attr(href), .news-list h3 a::attr(href)"
    next_page = "ul.pagination li a[rel=next]::attr(href), a[rel=next]::attr(href)"
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
    drop_from_body = ("script", "style", ".related", ".tags", ".share", ".item-code")
