"""The Nastooh news CMS (Hamshahri Online and several Iranian agencies): its article template.

Covers the template public scrapers of Nastooh sites agree on: container `.main-content`, title
`h1.title`, kicker `.uptitle`/`.rutitr`/`.kicker`, lead `.introtext`, body `.item-body .item-text` or
`div[itemprop=articleBody]`, date `.item-date span` («[weekday] day month year - HH:MM», sister sites
write «،» for «-»), code `.item-code span`, tags `.tags li` / `section.tags a[rel=tag]`, breadcrumb
`ol.breadcrumb li`. News code: the number in «/news/<code>/».
"""

from crawler.sources.spider import NewsSpider


class NastoohSpider(NewsSpider):
    article_url = r"^https?://[^/]+/news/(?P<code>\d+)(/|$)"
    selectors = {
        "article": ".main-content article, .main-content, article",
        "title": "h1.title, .item-title h1",
        "kicker": ".uptitle, .rutitr, .kicker",
        "lead": "p.introtext, .introtext, .item-summary",
        "body": ".item-body .item-text, div[itemprop=articleBody], .item-text",
        "date": ".item-date span, .item-date",
        "news_code": ".item-code span, .item-code",
        "category": "ol.breadcrumb li",
        "tags": ".tags li, section.tags a[rel~=tag]",
        "images": ".item-img img, .item-body img",
    }
