"""Omid Jonoob (امید جنوب), a news site of Ahvaz: WordPress with a Persian news theme, no SEO plugin.

News code: the printed «کد خبر : 14491», which is the WordPress post id (the shortlink «?p=14491» is the
fallback).
Dates: the post's «date_gmt» (REST API), exact; on the HTML path, the line under the title, «21 مهر 1401
- 10:37». The header prints today's date in three calendars on every page: it is never the article's
date.
Discovery: its REST API; closed, the home page and «page/N/», the feed, WordPress core's «wp-sitemap.xml»
(named in robots.txt).
"""

from crawler.sources.discovery import Feed, Listing, Sitemap, WordPressApi
from crawler.sources.families import WORDPRESS
from crawler.sources.spider import NewsSpider

HOME = "https://omidjonob.ir/"


class OmidJonoobSpider(NewsSpider):
    name = "omidjonoob"
    hosts = ("omidjonob.ir",)
    site_name = "امید جنوب"
    family = WORDPRESS
    # Not in its REST API: the kicker (a custom field), the view counter and the images.
    discovery = (WordPressApi(HOME, page_fields=("kicker", "view_count", "images")),
                 Listing(HOME, links=".news-list article h3.title a::attr(href)", dates=".news-list article .date"),
                 Feed(f"{HOME}feed/"), Sitemap(f"{HOME}robots.txt"))
    selectors = {
        "article": "article.single-news",
        "title": "article.single-news h1.news-title",
        "kicker": "article.single-news .news-head .kicker",
        "lead": "article.single-news .news-lead",
        "body": "article.single-news .news-content",
        "date": "article.single-news .news-info .news-date",
        "news_code": "article.single-news .news-info .news-code",
        "views": "article.single-news .news-head .views",
        "tags": "article.single-news .news-tags a",
        "images": "article.single-news .news-thumb img, article.single-news .news-content img",
    }
