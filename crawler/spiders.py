"""The base every source's spider describes itself over: discovery through listing pages,
article parsing through the extraction chain, and the news-code rule.

Discovery is incremental: articles already stored are not fetched again, and an ordinary run stops
paginating at the first listing page that holds only stored articles, so a run with nothing new costs
one listing request per source. A backfill (`since`) walks on past stored articles until a listing
page holds only articles older than its date. An article is recognised as stored by its news code
where the article URL carries one (the «code» group of `article_url`), otherwise by its stored URL.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response, TextResponse
from sqlalchemy.exc import SQLAlchemyError
from w3lib.url import safe_url_string

from crawler.article import ArticlePage, Step
from crawler.dates import parse_day_bound, parse_jalali, parse_machine_date
from crawler.items import ArticleItem
from crawler.memory import KeysOnDisk
from crawler.storage import Store
from crawler.text import parse_int

logger = logging.getLogger(__name__)

# Provenance steps that mean the site's own markup did not give the field.
FALLBACK_STEPS = {"fallback", "text", "url_hash"}
_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_POSTID_CLASS = re.compile(r"\bpostid-(\d+)\b")
_POST_ID = re.compile(r"^post-(\d+)$")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def css_elements(selector: str) -> str:
    """A Scrapy selector without its «::attr(…)» / «::text» parts: the elements, as a browser selects them."""
    return re.sub(r"::(attr\([^)]*\)|text)", "", selector)


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


def link_key(url: str) -> bytes:
    """A URL as the crawl remembers every article link it has seen: 16 bytes, where a percent-encoded
    Persian slug takes 250 and more (a 100k-article crawl keeps 100k of them; collisions: 2⁻¹²⁸)."""
    return hashlib.blake2b(url.encode(), digest_size=16).digest()


def escapes_in_case(text: str, case: Callable[[str], str]) -> str:
    """The text with its percent-escapes in one letter case («%D8%A7» or «%d8%a7»): sites print
    them either way."""
    return _ESCAPE.sub(lambda m: case(m.group()), text)


def url_variants(url: str) -> set[str]:
    """The spellings under which a page's URL may have been stored: http or https, with or without
    «www.», with or without a trailing slash, percent-escapes in upper or lower case."""
    parts = urlsplit(safe_url_string(url))
    host = bare_host(parts.netloc)
    path = parts.path.rstrip("/")
    cases = {escapes_in_case(path, case) for case in (str.upper, str.lower)}
    return {urlunsplit((scheme, netloc, (spelled + slash) or "/", parts.query, ""))
            for scheme, netloc, slash, spelled in itertools.product(("https", "http"), (host, f"www.{host}"),
                                                                    ("", "/"), cases)}


@dataclass
class ListingAges:
    """How the articles of one listing page compare with a backfill's date, as their dates become known."""

    pending: int = 0
    older: int = 0
    recent: int = 0

    def count(self, published_at: datetime | None, since: datetime) -> None:
        # An undated article says nothing about where the listing has reached.
        if published_at is not None:
            if published_at < since:
                self.older += 1
            else:
                self.recent += 1

    @property
    def all_older(self) -> bool:
        return not self.pending and not self.recent and self.older > 0


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
    #: Where a listing page prints its articles' dates (a «datetime» attribute or Jalali text); with
    #: «-a since», a listing page whose newest date is older ends the walk.
    listing_dates: ClassVar[str] = ""
    #: CSS selectors by field: article, title, kicker, lead, body, date, views, news_code,
    #: category, tags, authors, images.
    selectors: ClassVar[dict[str, str]] = {}
    #: Parts of the body element that are not the article (share bars, related news, tag lists).
    drop_from_body: ClassVar[tuple[str, ...]] = ("script", "style", ".share", ".related", ".tags")
    #: Whether the site's pages need a browser: their links or text are written by JavaScript.
    render: ClassVar[bool] = False

    default_max_pages = 10

    def __init__(self, *args: Any, section: str | None = None, pages: str | int | None = None,
                 since: str | None = None, render: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if section is not None and section not in self.sections:
            raise ValueError(f"{self.name}: unknown section {section!r}; known: {', '.join(self.sections)}")
        self.section = section or next(iter(self.sections), None)
        self.since = parse_day_bound(since) if since else None
        # A backfill's bound is its date; an incremental run's, a page limit.
        self.max_pages = int(pages) if pages is not None else (None if self.since else self.default_max_pages)
        self.listing_ages: dict[str, ListingAges] = {}
        self.past_since = False
        # Article URLs requested and not parsed yet, with the listing pages waiting for their dates;
        # those parsed, with their dates in a backfill; every article URL a listing page linked to.
        # The last two grow with the crawl, so they hold link keys, not URLs, and on disk (crawler/memory.py).
        self.requested: dict[str, list[str]] = {}
        self.article_dates = KeysOnDisk()
        self.listed = KeysOnDisk()
        if render is not None:
            self.render = render.lower() in ("1", "true", "yes")
        self._article_url = re.compile(self.article_url)
        self._hosts = {bare_host(h) for h in self.hosts}
        self.allowed_domains = sorted(self._hosts)

    # -- what the site looks like ----------------------------------------------------------------

    @classmethod
    def handles_request(cls, request: scrapy.Request) -> bool:
        """Scrapy's lookup of the spider for a URL (`scrapy fetch`, `scrapy parse`): any host of the source."""
        return bare_host(request.url) in {bare_host(h) for h in cls.hosts}

    def owns_url(self, url: str) -> bool:
        return bare_host(url) in self._hosts

    def is_article_url(self, url: str) -> bool:
        return self.owns_url(url) and bool(self._article_url.search(url))

    def code_in_url(self, url: str) -> str:
        match = self._article_url.search(url)
        return (match.groupdict().get("code") or "") if match else ""

    def rendered_page_ready(self, request: scrapy.Request) -> str | None:
        """What a page rendered in the browser must show before it is read: an article's body, a listing's
        links. None for anything else (feeds, sitemaps): a browser would show those, not return them."""
        if request.callback == self.parse_article:
            return css_elements(self.selectors.get("body", ""))
        if request.callback in (None, self.parse):
            return css_elements(self.listing_links)
        return None

    def news_code_steps(self, page: ArticlePage) -> list[Step[str]]:
        """Where the news code comes from, in order: the URL, the printed «کد خبر», the CMS's post id."""
        def from_url() -> str:
            return self.code_in_url(page.response.url)

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

    @property
    def incremental(self) -> bool:
        """Whether to stop at the first listing page of stored articles. Not in a backfill, which walks
        down to its date, nor in a resumable job (JOBDIR): restarted after a kill, it must walk past
        the pages the killed run stored to reach those it had not."""
        return self.since is None and not self.settings.get("JOBDIR")

    def parse(self, response: Response, page: int = 1) -> Iterator[scrapy.Request]:
        """A listing page: its articles not stored yet, then the next listing page unless this one
        shows the crawl has reached what is stored (or, in a backfill, its date), or the page limit."""
        stats = self.crawler.stats
        stats.inc_value("listing/pages")
        if self.older_than_since(response):
            self.reach_since(response.url)
        if self.past_since:
            logger.info("%s: listing %s not followed: the backfill has reached %s", self.name, response.url,
                        self.since.date())
            return
        links = self.article_links(response)
        stats.inc_value("listing/article_links", len(links))
        if not links:
            stats.inc_value("listing/no_article_links")
            logger.warning("%s: listing %s links to no article: the listing layout may have changed",
                           self.name, response.url)
            yield from self.discovery_without_listing()
        keys = [link_key(url) for url in links]
        repeated = sum(key in self.listed for key in keys)
        self.listed.update(keys)
        yield from self.article_requests(response.url, links)
        ages = self.listing_ages[response.url]
        if links and repeated == len(links):
            # A site that answers any page number past its last page with the last page again.
            stats.inc_value("listing/repeated")
            logger.info("%s: %s lists only articles listed before; not paginating further", self.name, response.url)
            return
        if self.incremental and links and not ages.pending:
            stats.inc_value("listing/stopped_at_known")
            logger.info("%s: every article on %s is stored already; not paginating further", self.name, response.url)
            return
        self.check_past_since(response.url)
        next_url = self.next_page_url(response, page)
        if next_url and not self.past_since and (self.max_pages is None or page < self.max_pages):
            # After this page's articles, so that in a backfill their dates are known by the time
            # the next page is read.
            yield scrapy.Request(next_url, self.parse, cb_kwargs={"page": page + 1}, priority=-1)

    def discovery_without_listing(self) -> Iterator[scrapy.Request]:
        """Where else to find the newest articles when a listing page links to none (a feed, say)."""
        return iter(())

    def article_requests(self, listing: str, links: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the linked articles not stored yet. Every page that links to articles (a listing,
        a feed, a sitemap) goes through here, so that stored articles are never fetched again by a crawl."""
        keys = {url: link_key(url) for url in links}
        stored = self.stored_dates([url for url in links
                                    if url not in self.requested and keys[url] not in self.article_dates])
        self.crawler.stats.inc_value("listing/known_skipped", len(stored))
        ages = self.listing_ages[listing] = ListingAges()
        for url in links:
            if url in self.requested:  # by another page; its date is still to come
                self.requested[url].append(listing)
                ages.pending += 1
            elif keys[url] in self.article_dates or url in stored:
                if self.since:
                    ages.count(self.article_dates[keys[url]] if keys[url] in self.article_dates else stored[url],
                               self.since)
            else:
                self.requested[url] = [listing]
                ages.pending += 1
                yield scrapy.Request(url, self.parse_article, cb_kwargs={"link": url})

    def stored_dates(self, links: list[str]) -> dict[str, datetime]:
        """The links to articles already stored, with their publication instants. When the database
        cannot be read, none: every article is fetched, so the store names each one it cannot keep."""
        store = Store.for_crawler(self.crawler)
        codes = {link: code for link in links if (code := self.code_in_url(link))}
        spellings = {variant: link for link in links if link not in codes for variant in url_variants(link)}
        try:
            found = store.dates_by_code(self.name, list(codes.values())) if codes else {}
            dates = {link: found[code] for link, code in codes.items() if code in found}
            if spellings:
                found = store.dates_by_url(self.name, list(spellings))
                dates.update((spellings[url], moment) for url, moment in found.items())
        except SQLAlchemyError as error:
            self.crawler.stats.inc_value("store/lookup_failed")
            logger.error("%s: cannot read the database (%s): fetching every linked article",
                         self.name, str(error).splitlines()[0])
            return {}
        return dates

    def check_past_since(self, listing: str) -> None:
        """In a backfill: once a whole listing page is older than `since`, the pages after it are too."""
        if self.since and self.listing_ages[listing].all_older:
            self.reach_since(listing)

    def reach_since(self, listing: str) -> None:
        if not self.past_since:
            self.past_since = True
            self.crawler.stats.inc_value("listing/past_since")
            logger.info("%s: every article on %s is older than %s; not paginating further",
                        self.name, listing, self.since.date())

    def older_than_since(self, response: Response) -> bool:
        """Whether the dates this listing page prints (where its theme prints them) are all older than «since»."""
        if not self.since or not self.listing_dates or not isinstance(response, TextResponse):
            return False
        dates = [parse_machine_date(node.attrib.get("datetime")) or parse_jalali(" ".join(node.css("::text").getall()))
                 for node in response.css(self.listing_dates)]
        dates = [moment for moment in dates if moment]
        return bool(dates) and max(dates) < self.since

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

    def parse_article(self, response: Response, link: str | None = None) -> Iterator[ArticleItem]:
        """An article page; its date tells the listing pages that linked to it (`link`) where a
        backfill has reached."""
        item = self.read_article(response)
        if link is not None:
            published_at = item.published_at if item else None
            # Only a backfill compares dates; an incremental crawl keeps no date per article.
            self.article_dates[link_key(link)] = published_at if self.since else None
            for listing in self.requested.pop(link, ()):
                ages = self.listing_ages[listing]
                ages.pending -= 1
                if self.since:
                    ages.count(published_at, self.since)
                self.check_past_since(listing)
        if item is None:
            return
        if self.since and item.published_at and item.published_at < self.since:
            self.crawler.stats.inc_value("article/older_than_since")
            return
        yield item

    def read_article(self, response: Response) -> ArticleItem | None:
        stats = self.crawler.stats
        stats.inc_value("article/pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("article/not_article")
            logger.warning("%s: %s is not an HTML page (%s)", self.name, response.url,
                           response.headers.get("Content-Type", b"").decode(errors="replace"))
            return None
        page = ArticlePage(self, utf8_when_valid(response))
        if not page.is_article and not self.is_article_url(response.url):
            stats.inc_value("article/not_article")
            logger.warning("%s: %s is not an article page (no article metadata or markup)", self.name, response.url)
            return None
        item = page.item()
        self.count_provenance(item)
        return item

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
