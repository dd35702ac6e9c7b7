"""CMS families as data: what every site of a family shares, so that a source says only what is its
own. A family gives its article-URL rule, its selectors (tried after the site's own, never hiding
them), what to drop from its bodies, its listings' markup, where its news code comes from when the
URL does not carry it, and its usual discovery strategies.

- **wordpress**: WordPress core's markup (the_title(), the_content(), the_tags(): `.entry-title`,
  `.entry-content`, `a[rel~=tag]`) and the news themes of Iranian sites: TieLabs Sahifa and Jannah
  (`#the-post`, `.post-title`, `span.date.meta-item`, `.tie-date`, `span.meta-views`, `.post-views`,
  `.tagcloud a`, `.post-tag a`), tagDiv Newspaper (`.td-post-title h1`, `.td-post-content`,
  `.td-post-views`, `ul.td-tags a`), JNews (`h1.jeg_post_title`, `.content-inner`, `.jeg_post_tags a`)
  and the Persian market themes (`.single-info`, `.contentsingle`, `.post-view`, kickers
  `.rotitr`/`.rutitr`/`.rootitr`). Permalinks «/%postname%/» or shortlinks «/?p=ID»; the post id is
  the news code (shortlink, body class «postid-ID», article id «post-ID»…). Discovery: the REST API,
  then the home page's listing «page/N/», the feed, the sitemaps robots.txt names.
- **nastooh** (Hamshahri Online and several agencies): container `.main-content`, title `h1.title`,
  kicker `.uptitle`/`.rutitr`/`.kicker`, lead `.introtext`, body `.item-body .item-text` or
  `div[itemprop=articleBody]`, date `.item-date span` («[weekday] day month year - HH:MM», sister sites
  write «،» for «-»), code `.item-code span`, tags `.tags li` / `section.tags a[rel=tag]`, breadcrumb
  `ol.breadcrumb li`. News code: the number in «/news/<code>/».
- **aspnet**: WebForms portals keep their server controls' ids («…_lblTitle», «…_lblNewsText») whatever
  the template, so the family reads them by the end of their id (`_lblTitle`/`_lblNewsTitle`/`_lblTitr`,
  `_lblRooTitr`, `_lblLead`, `_lblNewsText`/`_lblBody`, `_lblNewsDate`, `_lblVisit`), and the
  Sigma-style portal whose text sits in a `span.Content` inside a `td.Content` that wraps the whole
  template (`ShowPage.aspx?…&ID=<number|GUID>`, the `ID` being the only id). A list's dates
  (`…_rptNews_ctl00_lblDate`) are never the article's, so no selector ends in a bare `_lblDate`.
- **joomla**, **drupal**: no selectors of their own (the generic reading), their id rules: Joomla's
  article id (`id=N`, `/N-slug`), Drupal's node (`/node/N`).
- **generic**: no family selectors; every id rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urljoin

from crawler.extract.article import ArticlePage
from crawler.sources.discovery import ANY_LINK, REL_NEXT, Feed, Listing, Sitemap, Strategy, WordPressApi

# -- where a news code comes from when the URL does not carry it -------------------------------------

# Where WordPress prints a post's id whatever the theme: the shortlink «?p=ID», the body class «postid-ID»,
# the article id «post-ID», the REST link «/wp-json/wp/v2/posts/ID», the edit link «post.php?post=ID».
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
_POST_ID = re.compile(r"^post-(\d+)$")
_WHOLE_NUMBER = re.compile(r"^(\d+)$")
_REST_POST_ID = re.compile(r"/wp-json/wp/v2/posts/(\d+)/?$")
_EDIT_POST_ID = re.compile(r"post\.php\?post=(\d+)")
# A portal's «ID=» query parameter: a number, a GUID or a content key, kept as written.
_ID_PARAMETER = re.compile(r"[?&]id=([0-9a-z]+(?:-[0-9a-z]+)*)(?:&|#|$)", re.I)
# Drupal's node «/node/N»; Joomla's article «…&id=N» or «/N-slug».
_NODE_ID = re.compile(r"/node/(\d+)(?:[/?#]|$)")
_JOOMLA_ID = re.compile(r"(?:[?&]id=(\d+)(?::[^&#]*)?(?:&|#|$)|/(\d+)-[^/?#]+(?:\.html)?(?:[?#]|$))")


def wordpress_post_id(page: ArticlePage) -> str:
    css = page.response.css
    places = (  # (where, what), tried in order, each only when the ones before it hold nothing
        (lambda: [page.data.link("shortlink")], _SHORTLINK_ID),
        (lambda: css("body::attr(class)").getall(), _POSTID_CLASS),
        (lambda: css("article::attr(id)").getall(), _POST_ID),
        # The comment form, the REST API's alternate link and the edit link carry it whatever the theme.
        (lambda: css("input[name=comment_post_ID]::attr(value)").getall(), _WHOLE_NUMBER),
        (lambda: css("link[rel=alternate][type='application/json']::attr(href)").getall(), _REST_POST_ID),
        (lambda: css("a.post-edit-link::attr(href), link[rel=edit]::attr(href)").getall(), _EDIT_POST_ID),
    )
    for values, pattern in places:
        if found := next(filter(None, map(pattern.search, values())), None):
            return found.group(1)
    return ""


def _in_url(pattern: re.Pattern[str]) -> Callable[[ArticlePage], str]:
    def rule(page: ArticlePage) -> str:
        found = pattern.search(page.response.url) or pattern.search(page.url())
        return next((group for group in found.groups() if group), "") if found else ""

    return rule


#: The news-code rules by the name a source gives them: (provenance step, rule).
NEWS_CODE_RULES: Mapping[str, tuple[str, Callable[[ArticlePage], str]]] = MappingProxyType(
    {
        "label": ("label", ArticlePage.printed_news_code),  # a printed «کد خبر», «شناسه خبر», «کد مطلب»
        "wp_post_id": ("meta", wordpress_post_id),
        "url_id": ("url_id", _in_url(_ID_PARAMETER)),  # a portal's «?ID=»
        "node_id": ("url_id", _in_url(_NODE_ID)),
        "joomla_id": ("url_id", _in_url(_JOOMLA_ID)),
    }
)
# Every page of the five first sources was read with this chain, whatever its family: the accuracy
# score renders each story in every family's theme.
PORTAL_CHAIN = ("label", "wp_post_id", "url_id")

DEFAULT_DROP = ("script", "style", ".share", ".related", ".tags")


@dataclass(frozen=True)
class Family:
    """What the sites of a CMS share."""

    name: str
    #: Article URLs; a named group «code» holds the news code when the URL carries it ("": the source's own).
    article_url: str = ""
    selectors: Mapping[str, str] = field(default_factory=dict)
    drop_from_body: tuple[str, ...] = DEFAULT_DROP
    #: Where its listings link to articles, their «next» link, where they print dates ("" : any link, rel=next).
    listing_links: str = ""
    next_page: str = ""
    listing_dates: str = ""
    #: Names in NEWS_CODE_RULES, tried in order after the URL and the selectors.
    news_code: tuple[str, ...] = PORTAL_CHAIN
    #: The sub-sitemaps of a sitemap index that hold articles (patterns; none: every one).
    sitemap_follow: tuple[str, ...] = ()
    #: The discovery strategies of a site of the family at `home` (none: the source names its own).
    discovery: Callable[[str], tuple[Strategy, ...]] = lambda home: ()

    def listing(self, strategy: Listing) -> Listing:
        """A listing with the family's markup where the source names none."""
        return Listing(
            strategy.url,
            strategy.section,
            strategy.links or self.listing_links or ANY_LINK,
            strategy.next_page or self.next_page or REL_NEXT,
            strategy.page_url,
            strategy.dates or self.listing_dates,
        )


def wordpress_discovery(home: str) -> tuple[Strategy, ...]:
    return (WordPressApi(home), Listing(home), Feed(urljoin(home, "feed/")), Sitemap(urljoin(home, "robots.txt")))


WORDPRESS = Family(
    "wordpress",
    # Permalinks «/%postname%/» (a percent-encoded Persian slug) or a shortlink «/?p=ID».
    article_url=(
        r"^https?://[^/]+/(\?p=(?P<code>\d+)$|(?!(page|category|tag|author|feed|search|wp-\w+)/)"
        r"[^/?#]+/$)"
    ),
    # What the_title(), the_content(), the_date(), the_category() and the_tags() print in most themes,
    # then the news themes' own markup.
    selectors={
        "article": "article.post, article.type-post, main article, #the-post",
        "title": "article h1.entry-title, article h1.post-title, .td-post-title h1, h1.jeg_post_title",
        "kicker": "article .rotitr, article .rutitr, article .rootitr, .entry-sub-title",
        "body": "article .entry-content, .td-post-content, .jeg_post .content-inner, .contentsingle, "
        ".elementor-widget-theme-post-content",
        "date": "article .entry-meta .posted-on, article .post-date, #the-post span.date.meta-item",
        "views": "article .post-views-count, #the-post .meta-views, .td-post-views, .single-info .post-view",
        "category": "article .cat-links a, article a[rel='category tag']",
        "tags": "article .tags-links a, article a[rel=tag], #the-post .tagcloud a, ul.td-tags a, .jeg_post_tags a",
        "authors": "article .author.vcard a",
        "images": "article .post-thumbnail img, article .entry-content img",
    },
    # Furniture themes and plugins put inside the content: share bars (AddToAny, Jetpack), related
    # posts (Jetpack, YARPP), tag lists, short links, comments.
    drop_from_body=(
        "script",
        "style",
        "noscript",
        ".sharedaddy",
        ".addtoany_share_save_container",
        ".share",
        ".related",
        ".jp-relatedposts",
        ".yarpp-related",
        ".tags",
        ".post-tags",
        ".tags-links",
        ".shortlink",
        "#comments",
        ".comments-area",
    ),
    listing_links=(
        "main article .entry-title a::attr(href), #content article .entry-title a::attr(href),"
        " .post-title a::attr(href)"
    ),
    # paginate_links() in the theme, or SEO plugins' <link rel=next>.
    next_page="a.next.page-numbers::attr(href), a[rel=next]::attr(href), link[rel=next]::attr(href)",
    listing_dates="main article time, #content article time",
    # WordPress core's «wp-sitemap-posts-post-1.xml», Yoast's and Rank Math's «post-sitemap2.xml»: pages,
    # categories and authors are not news.
    sitemap_follow=(r"/(wp-sitemap-posts-post-\d+|post-sitemap\d*)\.xml$",),
    discovery=wordpress_discovery,
)

NASTOOH = Family(
    "nastooh",
    article_url=r"^https?://[^/]+/news/(?P<code>\d+)(/|$)",
    selectors={
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
    },
    # The printed code box sits at the end of the text.
    drop_from_body=(*DEFAULT_DROP, ".item-code"),
)

ASPNET = Family(
    "aspnet",
    selectors={
        "title": "span[id$=_lblTitle], span[id$=_lblNewsTitle], span[id$=_lblTitr]",
        "kicker": "span[id$=_lblRooTitr], span[id$=_lblRootitr]",
        "lead": "span[id$=_lblLead], span[id$=_lblSummary]",
        "body": "span[id$=_lblNewsText], span[id$=_lblBody], td.Content span.Content",
        "date": "span[id$=_lblNewsDate], span[id$=_lblPublishDate]",
        "views": "span[id$=_lblVisit], span[id$=_lblVisitCount]",
    },
    # Its templates write their classes capitalised.
    drop_from_body=("script", "style", ".Share", ".Comments"),
)

JOOMLA = Family("joomla", news_code=("label", "joomla_id"))
DRUPAL = Family("drupal", news_code=("label", "node_id"))
GENERIC = Family("generic", news_code=(*PORTAL_CHAIN, "node_id"))

FAMILIES: Mapping[str, Family] = MappingProxyType(
    {family.name: family for family in (WORDPRESS, NASTOOH, ASPNET, JOOMLA, DRUPAL, GENERIC)}
)
