"""Semnan municipality's news portal (پایگاه خبری شهرداری سمنان): WordPress, the Sahifa theme, Yoast SEO.

News code: the WordPress post id, from the shortlink «?p=ID» or else the body class «postid-ID»; the site
prints no «کد خبر».
Dates: the post's «date_gmt» (REST API), exact; on the HTML path, Yoast's metadata (UTC), else the meta
line under the title («۶ شهریور ۱۴۰۰», date only).
Discovery: its REST API; closed, the home page and «page/N/», the feed, Yoast's sitemaps (robots.txt).
"""

from crawler.sources.discovery import Feed, Listing, Sitemap, WordPressApi
from crawler.sources.families import WORDPRESS
from crawler.sources.spider import NewsSpider

HOME = "https://news.semnan.ir/"


class SemnanSpider(NewsSpider):
    name = "semnan"
    hosts = ("news.semnan.ir", "semnan.ir")
    site_name = "پایگاه خبری شهرداری سمنان"
    family = WORDPRESS
    # Not in its REST API: the kicker (a custom field), the view counter, the author's name and the images.
    discovery = (WordPressApi(HOME, page_fields=("kicker", "view_count", "authors", "images")),
                 Listing(HOME, links=".post-listing article h2.post-box-title a::attr(href)",
                         dates=".post-listing article .post-meta .tie-date", next_page="#tie-next-page a::attr(href)"),
                 Feed(f"{HOME}feed/"), Sitemap(f"{HOME}robots.txt"))
    selectors = {
        "article": "article#the-post",
        "title": "#the-post h1.post-title",
        # Sahifa's «روتیتر» opens the content, followed by the title again.
        "kicker": "#the-post .entry .rutitr",
        "body": "#the-post .entry",
        "date": "#the-post .post-meta .tie-date",
        "views": "#the-post .post-meta .post-views",
        "category": "#crumbs a",
        "tags": "#the-post .post-tag a",
        "images": "#the-post .single-post-thumb img, #the-post .entry img",
    }
    drop_from_body = (".rutitr", ".share-post")
