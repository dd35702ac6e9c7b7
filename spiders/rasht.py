"""Rasht municipality (شهرداری رشت): WordPress (the host rasht.ir and the theme's markup are assumed).

News code: the WordPress post id; the theme drops the shortlink and the body classes, so it comes from
the article's id «post-ID».
Dates: the post's «date_gmt» (REST API), exact; on the HTML path, single posts print none and carry no
metadata, so the first Jalali date of the article's own text is used, date only («امروز سه شنبه ۱۰ اسفند
۱۴۰۰»; `own_text_dates`), with provenance "text": the site's usual step (declared in `usual_steps`), so
not counted as a fallback; a date next to the title, should the theme print one, goes first.
Discovery: its REST API; closed, the home page and «page/N/», the feed, WordPress core's «wp-sitemap.xml»
(robots.txt names none).
"""

from crawler.sources.discovery import Feed, Listing, Sitemap, WordPressApi
from crawler.sources.families import WORDPRESS
from crawler.sources.spider import NewsSpider

HOME = "https://rasht.ir/"


class RashtSpider(NewsSpider):
    name = "rasht"
    hosts = ("rasht.ir",)
    site_name = "شهرداری رشت"
    family = WORDPRESS
    # Not in its REST API: the kicker (a custom field), the images.
    discovery = (WordPressApi(HOME, page_fields=("kicker", "images")),
                 Listing(HOME, next_page=".posts-navigation .nav-previous a::attr(href)",
                         dates=".site-main article .entry-meta .posted-on"),
                 Feed(f"{HOME}feed/"), Sitemap(f"{HOME}wp-sitemap.xml"))
    selectors = {
        "kicker": "article .entry-header .post-kicker",
        # Editors fill the lead field with «.» when there is none; a CMS excerpt («[…]») is not one either.
        "lead": "article .entry-header .post-lead",
    }
    # The first date of a post's text is its day: usual here, not layout drift.
    own_text_dates = True
    usual_steps = {"published_at": ("text",)}
