"""The base every source's spider describes itself over: discovery through listing pages, and
article pages handed to the extraction chain (crawler/extract/article.py) with the source's Site,
the description its class constants make (`describe`).

Discovery is incremental: articles already stored are not fetched again, and an ordinary run walks
the listing down to where it is known complete (crawler/sources/frontier.py), within a page budget, so a run
with nothing new costs one listing request per source. A backfill (`since`) walks on past stored
articles until a listing page holds only articles older than its date. An article is recognised as
stored by its news code where the article URL carries one (the «code» group of `article_url`),
otherwise by its stored URL.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

import scrapy
from scrapy.http import Response, TextResponse
from sqlalchemy.exc import SQLAlchemyError

from crawler.extract.article import ArticlePage
from crawler.extract.dates import parse_day_bound, parse_jalali, parse_machine_date
from crawler.extract.site import Site
from crawler.extract.urls import bare_host, url_variants
from crawler.items import ArticleItem
from crawler.run.memory import KeysOnDisk
from crawler.sources.frontier import Frontier, Place
from crawler.sources.revisits import revisit_requests
from crawler.store.database import Store

logger = logging.getLogger(__name__)
T = TypeVar("T")


def css_elements(selector: str) -> str:
    """A Scrapy selector without its «::attr(…)» / «::text» parts: the elements, as a browser selects them."""
    return re.sub(r"::(attr\([^)]*\)|text)", "", selector)


def link_key(url: str) -> bytes:
    """A URL as the crawl remembers every article link it has seen: 16 bytes, where a percent-encoded
    Persian slug takes 250 and more (a 100k-article crawl keeps 100k of them; collisions: 2⁻¹²⁸)."""
    return hashlib.blake2b(url.encode(), digest_size=16).digest()


SWITCH_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def parse_switch(name: str, value: str | bool) -> bool:
    if isinstance(value, bool):
        return value
    if value.lower() not in SWITCH_VALUES:
        raise ValueError(f"-a {name}={value}: give 1 or 0 (true/false, yes/no)")
    return SWITCH_VALUES[value.lower()]


def parse_pages(value: str | int) -> int:
    try:
        pages = int(value)
    except ValueError:
        pages = 0
    if pages < 1:
        raise ValueError(f"-a pages={value}: give a whole number of listing pages, 1 or more")
    return pages


def parse_since(value: str) -> datetime:
    """A backfill's date: Jalali or Gregorian, not in the future."""
    try:
        since = parse_day_bound(value)
    except ValueError:
        raise ValueError(f"-a since={value}: not a date (YYYY-MM-DD, Jalali like 1403-01-01 or Gregorian)") from None
    if since > datetime.now(since.tzinfo):
        raise ValueError(f"-a since={value}: {since.date()} is in the future")
    return since


@dataclass
class ListingAges:
    """A page that links to articles (a listing, a feed): how its articles compare with a backfill's
    date, and where in time the page sits, as their dates become known."""

    url: str = ""
    number: int = 1
    pending: int = 0
    older: int = 0
    recent: int = 0
    #: The dates of its articles known so far: stored ones when the page is read, the others as they are parsed.
    dates: list[datetime] = field(default_factory=list)

    def place(self, published_at: datetime | None) -> None:
        if published_at is not None:
            self.dates.append(published_at)

    @property
    def newest(self) -> datetime | None:
        return max(self.dates, default=None)

    @property
    def middle(self) -> datetime | None:
        """The page's median date (the lower one): where it sits in a newest-first walk, whatever a post
        pinned to the top of the listing, or one dated wrongly, says."""
        return sorted(self.dates)[(len(self.dates) - 1) // 2] if self.dates else None

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


@functools.cache
def _selector_layers(spider_class: type, field: str) -> tuple[str, ...]:
    layers = (vars(klass).get("selectors", {}).get(field) for klass in spider_class.__mro__)
    return tuple(dict.fromkeys(query for query in layers if query))


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
    #: category, tags, authors, images. Only the site's own: its CMS family's (the base class's) are
    #: tried after them, never hidden by them (see `selector_layers`).
    selectors: ClassVar[dict[str, str]] = {}
    #: The steps a field usually comes from on this site when they are generic ones, e.g.
    #: {"published_at": ("text",)}: they are the site's norm, not layout drift, so they are not counted
    #: as fallbacks.
    usual_steps: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: Whether the first date of an article's own text is its publication date on this site (elsewhere
    #: that date is an event's and needs evidence: «امروز …», «در تاریخ …»).
    own_text_dates: ClassVar[bool] = False
    #: Parts of the body element that are not the article (share bars, related news, tag lists).
    drop_from_body: ClassVar[tuple[str, ...]] = ("script", "style", ".share", ".related", ".tags")
    #: Whether the site's pages need a browser: their links or text are written by JavaScript.
    render: ClassVar[bool] = False

    #: The spider arguments (`-a NAME=VALUE`) a source takes; commands refuse any other name.
    arguments: ClassVar[tuple[str, ...]] = ("section", "pages", "since", "render")

    def __init__(self, *args: Any, section: str | None = None, pages: str | int | None = None,
                 since: str | None = None, render: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if section is not None and section not in self.sections:
            raise ValueError(f"{self.name}: unknown section {section!r}; known: {', '.join(self.sections)}")
        self.section = section or next(iter(self.sections), None)
        self.since = parse_since(since) if since else None
        self.pages = parse_pages(pages) if pages is not None else None
        self.listing_ages: dict[str, ListingAges] = {}
        self.past_since = False
        # Each newest-first walk of this run (crawler/sources/frontier.py), by name.
        self.frontiers: dict[str, Frontier] = {}
        # Article URLs requested and not parsed yet, with the pages waiting for their dates; those
        # parsed, with their dates in a backfill (it grows with the crawl, so it holds link keys, not
        # URLs, on disk: crawler/run/memory.py); the links of the last page read by each stretch of a walk.
        self.requested: dict[str, list[ListingAges]] = {}
        self.article_dates = KeysOnDisk()
        self.previous_page_links: dict[tuple[str, int], frozenset[bytes]] = {}
        if render is not None:
            self.render = parse_switch("render", render)
        self.site = self.describe()
        self.allowed_domains = sorted(self.site.hosts)

    @classmethod
    def check_arguments(cls, arguments: dict[str, str]) -> None:
        """Raises ValueError, saying what is wrong, unless the spider arguments would start a crawl."""
        # «_job»: the job id scrapyd passes to every crawl it runs.
        unknown = sorted(set(arguments) - set(cls.arguments) - {"_job"})
        if unknown:
            raise ValueError(f"unknown spider argument(s) {', '.join(f'-a {name}' for name in unknown)}; "
                             f"{cls.name} takes {', '.join(f'-a {name}' for name in cls.arguments)}")
        cls(**arguments)

    # -- what the site looks like ----------------------------------------------------------------

    @classmethod
    def handles_request(cls, request: scrapy.Request) -> bool:
        """Scrapy's lookup of the spider for a URL (`scrapy fetch`, `scrapy parse`): any host of the source."""
        return cls.describe().owns_url(request.url)

    @classmethod
    def describe(cls) -> Site:
        """The source as the page reader needs to know it (crawler/extract/site.py)."""
        fields = {name for klass in cls.__mro__ for name in vars(klass).get("selectors", {})}
        return Site(name=cls.name, site_name=cls.site_name, hosts=frozenset(map(bare_host, cls.hosts)),
                    article_url=re.compile(cls.article_url),
                    selectors={name: cls.selector_layers(name) for name in fields},
                    drop_from_body=tuple(cls.drop_from_body), usual_steps=dict(cls.usual_steps),
                    own_text_dates=cls.own_text_dates)

    def owns_url(self, url: str) -> bool:
        return self.site.owns_url(url)

    def is_article_url(self, url: str) -> bool:
        return self.site.is_article_url(url)

    def code_in_url(self, url: str) -> str:
        return self.site.code_in_url(url)

    def rendered_page_ready(self, request: scrapy.Request) -> str | None:
        """What a page rendered in the browser must show before it is read: an article's body, a listing's
        links. None for anything else (feeds, sitemaps): a browser would show those, not return them."""
        if request.callback == self.parse_article:
            return css_elements(", ".join(self.selector_layers("body")))
        if request.callback in (None, self.parse):
            return css_elements(self.listing_links)
        return None

    @classmethod
    def selector_layers(cls, field: str) -> tuple[str, ...]:
        """The field's selectors in the order they are tried: the site's own, then its CMS family's
        (each base class that declares `selectors`, nearest first)."""
        return _selector_layers(cls, field)

    def is_fallback(self, field: str, step: str) -> bool:
        """Whether a field read by this step means the site's markup missed it (layout drift)."""
        return self.site.is_fallback(field, step)

    # -- crawling --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.discovery():
            yield request
        for request in revisit_requests(self):  # stored articles due for a check (crawler/sources/revisits.py)
            yield request

    def discovery(self) -> Iterator[scrapy.Request]:
        """Where a run starts looking for new articles: the first page of the section's listing."""
        if self.section:
            yield scrapy.Request(self.sections[self.section], self.parse)

    @property
    def incremental(self) -> bool:
        """Whether the walk follows what is known complete (crawler/sources/frontier.py): joining it, it jumps to
        where a gap below resumes, or stops. Not in a backfill, which walks down to its date, nor in a
        resumable job (JOBDIR): restarted, it does not start at the first page, so it walks every
        page up to its page limit and records nothing."""
        return self.since is None and not self.settings.get("JOBDIR")

    @property
    def page_budget(self) -> int | None:
        """Listing pages a run may read: «-a pages», else LISTING_PAGE_BUDGET; a backfill's bound is its date."""
        if self.pages is not None:
            return self.pages
        return None if self.since else self.settings.getint("LISTING_PAGE_BUDGET", 10)

    def parse(self, response: Response, place: Place | None = None) -> Iterator[scrapy.Request]:
        """A listing page: its articles not stored yet, then the page `walk_on` says the walk goes to."""
        place = place or Place(self.section or "")
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
        keys = frozenset(map(link_key, links))
        repeated = keys == self.previous_page_links.get((place.walk, place.stretch))
        self.previous_page_links[(place.walk, place.stretch)] = keys
        yield from self.article_requests(response.url, links)
        next_url = self.next_page_url(response, place.number)
        if links and repeated:
            # A site that answers any page number past its last page with the last page again.
            stats.inc_value("listing/repeated")
            logger.info("%s: %s lists the articles of the page before it; not paginating further", self.name,
                        response.url)
            next_url = None
        following = self.walk_on(place, self.listing_ages[response.url], keys, next_url)
        if following:
            url, place = following
            yield self.listing_request(url, place)

    def walk_on(self, place: Place, page: ListingAges, links: frozenset[bytes],
                next_url: str | None) -> tuple[str, Place] | None:
        """Whether a newest-first walk (listing pages, an API's pages) goes on past the page at `place`,
        whose links went through `article_requests` (`links`: their link keys), and where: the next page
        (`next_url`, None at the end of the listing), the page where a gap below what is known complete
        resumes, or nowhere (the walk has joined what is complete, reached its date or horizon, or spent
        its page budget)."""
        frontier = self.frontier(place.walk)
        stretch = frontier.read(place, page, links, last=next_url is None)
        budget = self.page_budget
        budget_left = budget is None or frontier.pages_read < budget
        if not frontier.resumed_where_expected(place, page):
            self.crawler.stats.inc_value("listing/resume_moved")
            logger.warning("%s: %s, where the walk resumed, no longer lists the articles it ended with (deleted "
                           "from the site?): articles listed between may have been passed over", self.name, page.url)
        if self.incremental:
            joined = frontier.join(place, page, links)
            if joined is not None:
                if frontier.complete_below(joined):
                    self.crawler.stats.inc_value("listing/stopped_at_known")
                    logger.info("%s: %s reaches what is known complete; not paginating further", self.name, page.url)
                    return None
                if budget_left:
                    logger.info("%s: %s reaches what is known complete; resuming below it", self.name, page.url)
                    return frontier.resume(joined)
            # This page's dates are those of its stored articles; the page before it has had its new
            # articles parsed by now (they were requested before this page).
            elif any(frontier.past_horizon(read.middle) for read in stretch.pages[-2:]):
                logger.info("%s: %s is older than the horizon; not paginating further", self.name, page.url)
                return None
        elif self.since:
            self.check_past_since(page)
            if self.past_since:
                return None
        if next_url is None or not budget_left:
            return None
        return next_url, Place(place.walk, place.number + 1, place.stretch)

    def frontier(self, walk: str) -> Frontier:
        """The walk's segments known complete, read once per run."""
        if walk not in self.frontiers:
            horizon = self.settings.get("ARCHIVE_HORIZON")
            horizon = parse_day_bound(horizon) if horizon else None
            try:
                self.frontiers[walk] = Frontier.load(Store.for_crawler(self.crawler), self.name, walk, horizon)
            except SQLAlchemyError as error:
                self.crawler.stats.inc_value("store/lookup_failed")
                logger.error("%s: cannot read how far %s is complete (%s): walking it as if nothing were",
                             self.name, walk, str(error).splitlines()[0], extra={"spider": self})
                self.frontiers[walk] = Frontier(self.name, walk, [], horizon)
        return self.frontiers[walk]

    def closed(self, reason: str) -> None:
        """Records how far each walk is now known complete, and whether a gap remains (`frontier/behind`)."""
        stats = self.crawler.stats
        for frontier in self.frontiers.values():
            segments = frontier.finish()
            if self.settings.get("JOBDIR"):
                segments = frontier.segments  # a resumable job does not walk from the first page
            elif stats.get_value("store/failed"):
                logger.error("%s: articles were not stored: how far %s is complete stays as it was",
                             self.name, frontier.walk, extra={"spider": self})
                segments = frontier.segments
            else:
                try:
                    frontier.save(Store.for_crawler(self.crawler), segments)
                except SQLAlchemyError as error:
                    logger.error("%s: cannot record how far %s is complete (%s)", self.name, frontier.walk,
                                 str(error).splitlines()[0], extra={"spider": self})
                    segments = frontier.segments
            behind = frontier.behind(segments)
            stats.max_value("frontier/behind", int(behind))
            if behind:
                logger.warning("%s: %s", self.name, frontier.describe_gaps(segments))

    def listing_request(self, url: str, place: Place) -> scrapy.Request:
        """The request of a listing page after the first. After the articles of the page before it, so
        that in a backfill their dates are known by the time this page is read. A jump may lead to a
        page this run read already."""
        return scrapy.Request(url, self.parse, cb_kwargs={"place": place}, priority=-1,
                              dont_filter=place.stretch > 0)

    def discovery_without_listing(self) -> Iterator[scrapy.Request]:
        """Where else to find the newest articles when a listing page links to none (a feed, say)."""
        return iter(())

    def article_requests(self, listing: str, links: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the linked articles not stored yet. Every page that links to articles (a listing,
        a feed, a sitemap) goes through here, so that stored articles are never fetched again by a crawl."""
        keys = {url: link_key(url) for url in links}
        stored = self.stored_dates([url for url in links
                                    if url not in self.requested and keys[url] not in self.article_dates])
        self.count_known(stored)
        ages = self.listing_ages[listing] = ListingAges(listing)
        for url in links:
            if url in self.requested:  # by another page; its date is still to come
                self.requested[url].append(ages)
                ages.pending += 1
            elif keys[url] in self.article_dates or url in stored:
                published_at = self.article_dates[keys[url]] if keys[url] in self.article_dates else stored[url]
                ages.place(published_at)
                if self.since:
                    ages.count(published_at, self.since)
            else:
                self.requested[url] = [ages]
                ages.pending += 1
                yield from self.article_request(url)

    def count_known(self, stored: dict[str, datetime]) -> None:
        """Counts the stored articles linked (`listing/known_skipped`), each once however many pages link to
        it (a listing, the feed, a sitemap), and remembers them: a later link to one is not looked up again."""
        keys = [(link_key(url), moment) for url, moment in stored.items()]
        self.crawler.stats.inc_value("listing/known_skipped", sum(key not in self.article_dates for key, _ in keys))
        for key, moment in keys:
            self.article_dates[key] = moment

    def article_request(self, url: str) -> Iterator[scrapy.Request]:
        """The requests that read a linked article not stored yet: its page."""
        yield scrapy.Request(url, self.parse_article, cb_kwargs={"link": url})

    def refetch_requests(self, url: str, callback: Callable, errback: Callable, **cb_kwargs: Any
                         ) -> Iterator[scrapy.Request]:
        """The requests that read the article at `url` again now (`scrapy refetch`): its page."""
        yield scrapy.Request(url, callback, errback=errback, dont_filter=True, cb_kwargs=cb_kwargs)

    def stored_dates(self, links: list[str]) -> dict[str, datetime]:
        """The links to articles already stored, with their publication instants. When the database
        cannot be read, none: every article is fetched, so the store names each one it cannot keep."""
        codes = {link: code for link in links if (code := self.code_in_url(link))}
        spellings = {variant: link for link in links if link not in codes for variant in url_variants(link)}

        def lookup(store: Store) -> dict[str, datetime]:
            found = store.dates_by_code(self.name, list(codes.values())) if codes else {}
            dates = {link: found[code] for link, code in codes.items() if code in found}
            if spellings:
                found = store.dates_by_url(self.name, list(spellings))
                dates.update((spellings[url], moment) for url, moment in found.items())
            return dates

        return self.read_store(lookup, {})

    def read_store(self, lookup: Callable[[Store], T], unreadable: T) -> T:
        """What the lookup reads from the store; `unreadable` when the database cannot be read (logged
        and counted: the crawl then fetches every linked article, so the store names each one it cannot keep)."""
        try:
            return lookup(Store.for_crawler(self.crawler))
        except SQLAlchemyError as error:
            self.crawler.stats.inc_value("store/lookup_failed")
            logger.error("%s: cannot read the database (%s): fetching every linked article",
                         self.name, str(error).splitlines()[0], extra={"spider": self})
            return unreadable

    def check_past_since(self, page: ListingAges) -> None:
        """In a backfill: once a whole listing page is older than `since`, the pages after it are too."""
        if self.since and page.all_older:
            self.reach_since(page.url)

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
        """An article page, linked from the listings as `link`."""
        yield from self.article_read(link, self.read_article(response))

    def article_read(self, link: str | None, item: ArticleItem | None) -> Iterator[ArticleItem]:
        """The article read for a listed link (or None when its page was none): its date tells the
        listing pages that linked to it where a backfill has reached."""
        if link is not None:
            published_at = item.published_at if item else None
            # Only a backfill compares dates; an incremental crawl keeps no date per article.
            self.article_dates[link_key(link)] = published_at if self.since else None
            for ages in self.requested.pop(link, ()):
                ages.pending -= 1
                ages.place(published_at)
                if self.since:
                    ages.count(published_at, self.since)
                self.check_past_since(ages)
        if item is None:
            return
        if self.since and item.published_at and item.published_at < self.since:
            self.crawler.stats.inc_value("article/older_than_since")
            return
        yield item

    def read_article(self, response: Response) -> ArticleItem | None:
        page = self.article_page(response)
        if page is None:
            return None
        item = page.item()
        self.count_provenance(item)
        return item

    def article_page(self, response: Response) -> ArticlePage | None:
        """The fetched page as an article page, or None (logged and counted) when it is none."""
        stats = self.crawler.stats
        stats.inc_value("article/pages")
        if not isinstance(response, TextResponse):
            stats.inc_value("article/not_article")
            logger.warning("%s: %s is not an HTML page (%s)", self.name, response.url,
                           response.headers.get("Content-Type", b"").decode(errors="replace"))
            return None
        page = ArticlePage(self.site, response)
        refusal = page.not_an_article()
        item = None if refusal else page.item()
        refusal = refusal or page.not_an_article(item)
        if refusal:
            stats.inc_value("article/not_article")
            logger.warning("%s: %s is not an article page (%s)", self.name, response.url, refusal)
            return None
        return page

    def count_provenance(self, item: ArticleItem) -> None:
        stats = self.crawler.stats
        fallbacks = []
        for field, step in item.provenance.items():
            stats.inc_value(f"extraction/{field}/{step}")
            if self.is_fallback(field, step):
                fallbacks.append(f"{field}←{step}")
        if fallbacks:
            stats.inc_value("extraction/fallback_items")
            logger.warning("%s: %s read with fallbacks (%s): the site's layout may have changed",
                           self.name, item.url, ", ".join(fallbacks))
