"""The base of WordPress news sites: listings «/page/N/», the RSS feed and the sitemaps, the markup
most WordPress news themes share, and the post id as the news code.

A site's spider names its home, its listing, and only its own selectors: the family's below are tried
after them, never hidden by them. The family's selectors cover WordPress core's markup (the_title(),
the_content(), the_tags(): `.entry-title`, `.entry-content`, `a[rel~=tag]`) and the news themes of
Iranian sites: TieLabs Sahifa and Jannah (`#the-post`, `.post-title`, `span.date.meta-item`,
`.tie-date`, `span.meta-views`, `.post-views`, `.tagcloud a`, `.post-tag a`), tagDiv Newspaper
(`.td-post-title h1`, `.td-post-content`, `.td-post-views`, `ul.td-tags a`), JNews (`h1.jeg_post_title`,
`.content-inner`, `.jeg_post_tags a`) and the Persian market themes (`.single-info`, `.contentsingle`,
`.post-view`, kickers `.rotitr`/`.rutitr`/`.rootitr`).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spiders import SitemapSpider

from crawler.dates import parse_machine_date
from crawler.spiders import NewsSpider

logger = logging.getLogger(__name__)


class WordPressSpider(NewsSpider, SitemapSpider):
    """A WordPress news site. The news code is its post id (shortlink «?p=ID», body class «postid-ID»,
    article id «post-ID»), unless the spider names a printed «کد خبر» in selectors["news_code"].

    Discovery: the listing from «sections» and its pages «page/N/», the feeds; with «-a since», also
    the sitemaps, so that a backfill reaches old posts without walking hundreds of listing pages.
    Sitemap entries and feed items dated before «since» are not fetched.
    """

    #: The site's home page; feeds and sitemaps are relative to it.
    home: ClassVar[str] = ""
    #: RSS feeds of the newest posts.
    feeds: ClassVar[tuple[str, ...]] = ("feed/",)
    #: Where the sitemaps are: «robots.txt» means those the site names there (WordPress core does).
    sitemaps: ClassVar[tuple[str, ...]] = ("robots.txt",)
    #: Sitemaps of posts, in the index of WordPress core («wp-sitemap-posts-post-1.xml») or of
    #: Yoast and Rank Math («post-sitemap2.xml»); pages, categories and authors are not news.
    sitemap_follow = [r"/(wp-sitemap-posts-post-\d+|post-sitemap\d*)\.xml$"]

    # Permalinks «/%postname%/» (a percent-encoded Persian slug) or a shortlink «/?p=ID».
    article_url = (r"^https?://[^/]+/(\?p=(?P<code>\d+)$|(?!(page|category|tag|author|feed|search|wp-\w+)/)"
                   r"[^/?#]+/$)")
    listing_links = ("main article .entry-title a::attr(href), #content article .entry-title a::attr(href),"
                     " .post-title a::attr(href)")
    # paginate_links() in the theme, or SEO plugins' <link rel=next>.
    next_page = "a.next.page-numbers::attr(href), a[rel=next]::attr(href), link[rel=next]::attr(href)"
    listing_dates = "main article time, #content article time"
    # What the_title(), the_content(), the_date(), the_category() and the_tags() print in most themes,
    # then the news themes' own markup.
    selectors: ClassVar[dict[str, str]] = {
        "article": "article.post, article.type-post, main article, #the-post",
        "title": "article h1.entry-title, article h1.post-title, .td-post-title h1, h1.jeg_post_title",
        "kicker": "article .rotitr, article .rutitr, article .rootitr, .entry-sub-title",
        "body": "article .entry-content, .td-post-content, .jeg_post .content-inner, .contentsingle",
        "date": "article .entry-meta .posted-on, article .post-date, #the-post span.date.meta-item",
        "views": "article .post-views-count, #the-post .meta-views, .td-post-views, .single-info .post-view",
        "category": "article .cat-links a, article a[rel='category tag']",
        "tags": "article .tags-links a, article a[rel=tag], #the-post .tagcloud a, ul.td-tags a, .jeg_post_tags a",
        "authors": "article .author.vcard a",
        "images": "article .post-thumbnail img, article .entry-content img",
    }
    # Furniture themes and plugins put inside the content: share bars (AddToAny, Jetpack), related
    # posts (Jetpack, YARPP), tag lists, short links, comments.
    drop_from_body: ClassVar[tuple[str, ...]] = (
        "script", "style", "noscript", ".sharedaddy", ".addtoany_share_save_container", ".share", ".related",
        ".jp-relatedposts", ".yarpp-related", ".tags", ".post-tags", ".tags-links", ".shortlink", "#comments",
        ".comments-area",
    )

    @property
    def sitemap_urls(self) -> list[str]:
        return [urljoin(self.home, path) for path in self.sitemaps]

    @property
    def sitemap_rules(self) -> list[tuple[str, str]]:
        return [(self.article_url, "parse_article")]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in NewsSpider.start(self):
            yield request
        if self.since:  # a backfill: the feed and the sitemaps reach old posts without every listing page
            for request in self.discovery_without_listing():
                yield request
            async for request in SitemapSpider.start(self):
                yield request

    def discovery_without_listing(self) -> Iterator[scrapy.Request]:
        """The feeds name the newest posts whatever the theme's listing looks like."""
        for feed in self.feeds:
            yield scrapy.Request(urljoin(self.home, feed), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS feed: each post newer than «since» (every post without it) not stored yet."""
        stats = self.crawler.stats
        items = []
        if isinstance(response, TextResponse):  # lxml's recovering parser: a stray «&» loses no item
            items = scrapy.Selector(response, type="xml").xpath("//channel/item")
        if not items:
            stats.inc_value("discovery/feed/empty")
            logger.warning("%s: feed %s has no items: has the site moved or closed its feed?", self.name, response.url)
        stats.inc_value("discovery/feed/items", len(items))
        links = [url for item in items
                 if self.is_article_url(url := (item.xpath("link/text()").get() or "").strip())
                 and self.recent_enough(item.xpath("pubDate/text()").get())]
        yield from self.article_requests(response.url, links)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Sitemap entries (sub-sitemaps and posts) last modified on or after «since», less the posts
        stored already; a sub-sitemap's «lastmod» is that of its newest post, so an older one holds
        nothing to fetch."""
        recent = [entry for entry in entries if self.recent_enough(entry.get("lastmod"))]
        self.crawler.stats.inc_value("discovery/sitemap/entries", len(recent))
        stored = self.stored_dates([entry["loc"] for entry in recent if self.is_article_url(entry.get("loc", ""))])
        self.crawler.stats.inc_value("listing/known_skipped", len(stored))
        yield from (entry for entry in recent if entry.get("loc") not in stored)

    def recent_enough(self, machine_date: str | None) -> bool:
        """Whether a feed or sitemap date may be on or after «since»; an undated entry may be."""
        moment = parse_machine_date(machine_date)
        if self.since and moment and moment < self.since:
            self.crawler.stats.inc_value("discovery/older_than_since")
            return False
        return True
