"""The base every source's spider describes itself over: discovery through listing pages,
article parsing through the extraction chain, and the news-code rule.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.article import ArticlePage, Step
from crawler.dates import parse_day_bound
from crawler.items import ArticleItem
from crawler.text import parse_int

logger = logging.getLogger(__name__)

# Provenance steps that mean the site's own markup did not give the field.
FALLBACK_STEPS = {"fallback", "text", "url_hash"}
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
_POST_ID = re.compile(r"^post-(\d+)$")


def utf8_when_valid(response: TextResponse) -> TextResponse:
    """A page whose bytes are valid UTF-8 is read as UTF-8, whatever it declares: a template left at
    windows-1256 over UTF-8 content would otherwise turn every letter into mojibake, while Persian
    text really in windows-1256 is practically never valid UTF-8."""
    if response.body.isascii() or codecs.lookup(response.encoding).name == "utf-8":
        return response
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response
    return response.replace(encoding="utf-8")


def bare_host(url_or_host: str) -> str:
    host = urlsplit(url_or_host).hostname if "/" in url_or_host else url_or_host
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


class NewsSpider(scrapy.Spider):
    """A news site: where its listings are, what its article URLs look like, where each field sits.

    Subclasses set class constants; code in a subclass is only what is truly specific to its site.
    """

    #: Every host the source answers to (with or without «www.» is the same host).
    hosts: ClassVar[tuple[str, ...]] = ()
    #: The site's name, as titles append it («… - همشهری آنلاین»).
    site_name: ClassVar[str] = ""
    #: Listing URLs by section name, for «-a section=NAME»; the first is the default.
    sections: ClassVar[dict[str, str]] = {}
    #: Pattern of article URLs; a named group «code» holds the news code when the URL carries it.
    article_url: ClassVar[str] = ""
    #: Where a listing page links to its articles.
    listing_links: ClassVar[str] = "a::attr(href)"
    #: How to reach the next listing page: a link on the page, else the template's «{page}».
    next_page: ClassVar[str] = "a[rel=next]::attr(href), link[rel=next]::attr(href)"
    page_url: ClassVar[str] = ""
    #: CSS selectors by field: article, title, kicker, lead, body, date, views, news_code,
    #: category, tags, authors, images.
    selectors: ClassVar[dict[str, str]] = {}
    #: Parts of the body element that are not the article (share bars, related news, tag lists).
    drop_from_body: ClassVar[tuple[str, ...]] = ("script", "style", ".share", ".related", ".tags")

    default_max_pages = 10

    def __init__(self, *args: Any, section: str | None = None, pages: str | int | None = None,
                 since: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if section is not None and section not in self.sections:
            raise ValueError(f"{self.name}: unknown section {section!r}; known: {', '.join(self.sections)}")
        self.section = section or next(iter(self.sections), None)
        self.max_pages = int(pages) if pages is not None else self.default_max_pages
        self.since = parse_day_bound(since) if since else None
        self._article_url = re.compile(self.article_url)
        self._hosts = {bare_host(h) for h in self.hosts}
        self.allowed_domains = sorted(self._hosts)

    # -- what the site looks like ----------------------------------------------------------------

    def owns_url(self, url: str) -> bool:
        return bare_host(url) in self._hosts

    def is_article_url(self, url: str) -> bool:
        return self.owns_url(url) and bool(self._article_url.search(url))

    def news_code_steps(self, page: ArticlePage) -> list[Step[str]]:
        """Where the news code comes from, in order: the URL, the printed «کد خبر», the CMS's post id."""
        def from_url() -> str:
            match = self._article_url.search(page.response.url)
            return (match.groupdict().get("code") or "") if match else ""

        def post_id() -> str:
            shortlink = _SHORTLINK_ID.search(page.data.link("shortlink"))
            body_class = _POSTID_CLASS.search(page.response.css("body::attr(class)").get() or "")
            article_id = next(filter(None, map(_POST_ID.match, page.response.css("article::attr(id)").getall())), None)
            found = shortlink or body_class or article_id
            return found.group(1) if found else ""

        return [
            ("url", from_url),
            ("selector", lambda: str(parse_int(page.selected_text("news_code")) or "")),
            ("meta", post_id),
        ]

    # -- crawling --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.section:
            yield scrapy.Request(self.sections[self.section], self.parse)

    def parse(self, response: Response, page: int = 1) -> Iterator[scrapy.Request]:
        """A listing page: its articles, then the next listing page while the page limit allows."""
        self.crawler.stats.inc_value("listing/pages")
        links = self.article_links(response)
        if not links:
            self.crawler.stats.inc_value("listing/no_article_links")
            logger.warning("%s: listing %s links to no article: the listing layout may have changed",
                           self.name, response.url)
        for url in links:
            yield scrapy.Request(url, self.parse_article)
        next_url = self.next_page_url(response, page)
        if next_url and page < self.max_pages:
            yield scrapy.Request(next_url, self.parse, cb_kwargs={"page": page + 1})

    def article_links(self, response: Response) -> list[str]:
        if not isinstance(response, TextResponse):
            return []
        links = (response.urljoin(href.strip()) for href in response.css(self.listing_links).getall())
        return list(dict.fromkeys(url.split("#")[0] for url in links if self.is_article_url(url)))

    def next_page_url(self, response: TextResponse, page: int) -> str | None:
        href = response.css(self.next_page).get()
        if href:
            return response.urljoin(href.strip())
        if self.page_url:
            return response.urljoin(self.page_url.format(page=page + 1))
        return None

    def parse_article(self, response: Response) -> Iterator[ArticleItem]:
        stats = self.crawler.stats
        stats.inc_value("article/pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("article/not_article")
            logger.warning("%s: %s is not an HTML page (%s)", self.name, response.url,
                           response.headers.get("Content-Type", b"").decode(errors="replace"))
            return
        page = ArticlePage(self, utf8_when_valid(response))
        if not page.is_article and not self.is_article_url(response.url):
            stats.inc_value("article/not_article")
            logger.warning("%s: %s is not an article page (no article metadata or markup)", self.name, response.url)
            return
        item = page.item()
        self.count_provenance(item)
        if self.since and item.published_at and item.published_at < self.since:
            stats.inc_value("article/older_than_since")
            return
        yield item

    def count_provenance(self, item: ArticleItem) -> None:
        stats = self.crawler.stats
        fallbacks = []
        for field, step in item.provenance.items():
            stats.inc_value(f"extraction/{field}/{step}")
            if step in FALLBACK_STEPS:
                fallbacks.append(f"{field}←{step}")
        if fallbacks:
            stats.inc_value("extraction/fallback_items")
            logger.warning("%s: %s read with fallbacks (%s): the site's layout may have changed",
                           self.name, item.url, ", ".join(fallbacks))
