"""The one spider every source is: a description (its class constants: hosts, CMS family, article-URL
rule, selectors, discovery strategies) wired to Scrapy. It asks each discovery strategy
(crawler/sources/discovery.py) for requests, puts every page of links through the same lookup of
stored articles, every newest-first walk through the same watermark and stop rule
(crawler/sources/frontier.py), and hands article pages to the page reader (crawler/extract/article.py)
with the source's Site, the description `describe` builds over its CMS family's defaults
(crawler/sources/families.py). It keeps no site- or family-specific branch.

Discovery is incremental: articles already stored are not fetched again, and an ordinary run walks
each walk down to where it is known complete, within a page budget, so a run with nothing new costs
one request per walk. A backfill (`since`) walks on past stored articles until a page holds only
articles older than its date. An article is recognised as stored by its news code where the article
URL carries one (the «code» group of `article_url`), otherwise by its stored URL.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from scrapy.spiders import SitemapSpider
from sqlalchemy.exc import SQLAlchemyError
from twisted.python.failure import Failure
from w3lib.url import canonicalize_url

from crawler.extract.article import ArticlePage
from crawler.extract.dates import parse_day_bound, parse_machine_date
from crawler.extract.site import Site
from crawler.extract.urls import bare_host, url_variants
from crawler.items import ArticleItem
from crawler.run.given_up import article_given_up
from crawler.run.memory import KeysOnDisk
from crawler.sources.coverage import (
    coverage_window_start,
    hole_failed,
    hole_requests,
    measure,
    parse_hole,
    sitemap_failed,
    sitemaps_due,
)
from crawler.sources.discovery import Listing, Sitemap, Strategy
from crawler.sources.families import GENERIC, NEWS_CODE_RULES, Family
from crawler.sources.frontier import Frontier, Place
from crawler.sources.revisits import revisit_requests
from crawler.stats import (
    ARTICLE_NOT_ARTICLE,
    ARTICLE_OLDER_THAN_SINCE,
    ARTICLE_PAGES,
    DISCOVERY_FEED_EMPTY,
    DISCOVERY_FEED_ITEMS,
    DISCOVERY_OLDER_THAN_SINCE,
    DISCOVERY_SITEMAP_ENTRIES,
    EXTRACTION_FALLBACK_ITEMS,
    FRONTIER_BEHIND,
    LISTING_ARTICLE_LINKS,
    LISTING_KNOWN_SKIPPED,
    LISTING_NO_ARTICLE_LINKS,
    LISTING_PAGES,
    LISTING_PAST_SINCE,
    LISTING_REPEATED,
    LISTING_RESUME_MOVED,
    LISTING_STOPPED_AT_KNOWN,
    SITEMAP_HOLES_FETCHED,
    SITEMAP_HOLES_LEFT,
    STORE_FAILED,
    STORE_LOOKUP_FAILED,
    extraction_step,
)
from crawler.store.database import Store

logger = logging.getLogger(__name__)
T = TypeVar("T")
#: Before every date: where a sitemap entry without «lastmod» sorts among the newest first.
NO_DATE = datetime.min.replace(tzinfo=timezone.utc)
S = TypeVar("S", bound=Strategy)


def css_elements(selector: str) -> str:
    """A Scrapy selector without its «::attr(…)» / «::text» parts: the elements, as a browser selects them."""
    return re.sub(r"::(attr\([^)]*\)|text)", "", selector)


def link_key(url: str) -> bytes:
    """A URL as the crawl remembers every article link it has seen: 16 bytes, where a percent-encoded
    Persian slug takes 250 and more (a 100k-article crawl keeps 100k of them; collisions: 2⁻¹²⁸). Canonical, as
    Scrapy's duplicate filter sees it: a listing's «/news/1/خبر» and a sitemap's «/news/1/%D8%AE%D8%A8%D8%B1» are
    one link."""
    return hashlib.blake2b(canonicalize_url(url).encode(), digest_size=16).digest()


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


def check_arguments(spider: Any, arguments: dict[str, str]) -> None:
    """Raises ValueError, saying what is wrong, unless the spider arguments (`-a`) would start a crawl of
    `spider`, a class naming the ones it takes in `arguments`."""
    # «_job»: the job id scrapyd passes to every crawl it runs.
    unknown = sorted(set(arguments) - set(spider.arguments) - {"_job"})
    if unknown:
        raise ValueError(
            f"unknown spider argument(s) {', '.join(f'-a {name}' for name in unknown)}; "
            f"{spider.name} takes {', '.join(f'-a {name}' for name in spider.arguments)}"
        )
    spider(**arguments)


class NewsSpider(SitemapSpider):
    """A news source, described by class constants (a tailored spider in spiders/, or an entry of the
    registry of sources: crawler/sources/registry.py). Code in a source is never needed."""

    #: Every host the source answers to (with or without «www.» is the same host).
    hosts: ClassVar[tuple[str, ...]] = ()
    #: The site's name, as titles append it («… - همشهری آنلاین»).
    site_name: ClassVar[str] = ""
    #: Its CMS family, whose defaults the fields below are layered over (crawler/sources/families.py).
    family: ClassVar[Family] = GENERIC
    #: The site's home page: where its family's strategies are, when it names none.
    home: ClassVar[str] = ""
    #: Where it discovers articles, in order (crawler/sources/discovery.py); () is its family's at `home`.
    discovery: ClassVar[tuple[Strategy, ...]] = ()
    #: Pattern of article URLs; a named group «code» holds the news code when the URL carries it ("": the family's).
    article_url: ClassVar[str] = ""
    #: Where the news code comes from when the URL does not carry it: names of families.NEWS_CODE_RULES
    #: (() : the family's).
    news_code: ClassVar[tuple[str, ...]] = ()
    #: CSS selectors by field: article, title, kicker, lead, body, date, views, news_code,
    #: category, tags, authors, images. Only the site's own: its CMS family's are tried after them,
    #: never hidden by them.
    selectors: ClassVar[dict[str, str]] = {}
    #: The steps a field usually comes from on this site when they are generic ones, e.g.
    #: {"published_at": ("text",)}: they are the site's norm, not layout drift, so they are not counted
    #: as fallbacks.
    usual_steps: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: Whether the first date of an article's own text is its publication date on this site (elsewhere
    #: that date is an event's and needs evidence: «امروز …», «در تاریخ …»).
    own_text_dates: ClassVar[bool] = False
    #: Parts of the body element that are not the article, added to the family's.
    drop_from_body: ClassVar[tuple[str, ...]] = ()
    #: Whether the site's pages need a browser: their links or text are written by JavaScript.
    render: bool = False
    #: Where an article is by its news code («https://…/news/{code}/»), for a site that numbers its articles
    #: in sequence: the codes missing inside the stored range are asked for there, and the range is its
    #: coverage's evidence (crawler/sources/coverage.py). "": its codes are not in sequence.
    code_url: ClassVar[str] = ""

    #: The spider arguments (`-a NAME=VALUE`) a source takes; commands refuse any other name. A strategy
    #: with a switch adds it («-a api=0»).
    arguments: ClassVar[tuple[str, ...]] = ("section", "pages", "since", "render")
    #: Listing URLs by section name, for «-a section=NAME» (the first is the default): its Listing strategies'.
    sections: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        switches = tuple(strategy.switch for strategy in cls.strategies() if strategy.switch)
        cls.arguments = (*NewsSpider.arguments, *dict.fromkeys(switches))
        cls.sections = {listing.section: listing.url for listing in cls.listings()}

    def __init__(
        self,
        *args: Any,
        section: str | None = None,
        pages: str | int | None = None,
        since: str | None = None,
        render: str | None = None,
        **kwargs: Any,
    ):
        switches = {strategy.switch: strategy.name for strategy in self.strategies() if strategy.switch}
        self.switched_off = {
            switches[name] for name in switches if name in kwargs and not parse_switch(name, kwargs.pop(name))
        }
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
        # Article links (link keys) requested and not parsed yet, with the pages waiting for their dates; those
        # parsed, with their dates in a backfill (it grows with the crawl, so it holds link keys, not
        # URLs, on disk: crawler/run/memory.py); the links of the last page read by each stretch of a walk.
        self.requested: dict[bytes, list[ListingAges]] = {}
        self.article_dates = KeysOnDisk()
        self.previous_page_links: dict[tuple[str, int], frozenset[bytes]] = {}
        # The article URLs the sitemaps list (link keys), how many of them were stored already, those fetched.
        self.sitemap_listed: set[bytes] = set()
        self.sitemap_stored = 0
        self.sitemap_fetched: set[str] = set()
        # The article URLs the sitemaps list as modified within COVERAGE_WINDOW, with whether each was stored.
        self.sitemap_recent: dict[str, bool] = {}
        # Whether a sitemap was read; the articles of the sitemap being read to fetch (sitemap_filter), asked for
        # once it is read.
        self.sitemaps_read = False
        self.sitemap_holes: list[str] = []
        # The news codes read by this run, and whether the holes of a range of sequential codes were asked for.
        self.codes_read: set[str] = set()
        self.holes_asked = False
        if render is not None:
            self.render = parse_switch("render", render)
        self.site = self.describe()
        self.allowed_domains = sorted(self.site.hosts)
        # What each strategy keeps in this run, by its name; the walks by theirs.
        self.runs = {strategy.name: strategy.new_run() for strategy in self.strategies()}
        self.walks = {strategy.walk: strategy for strategy in self.strategies() if strategy.walk}

    check_arguments = classmethod(check_arguments)

    # -- what the site looks like ----------------------------------------------------------------

    @classmethod
    def strategies(cls) -> tuple[Strategy, ...]:
        """Its discovery strategies in order, listings with the family's markup where the source names none."""
        strategies = cls.discovery or cls.family.discovery(cls.home)
        return tuple(cls.family.listing(s) if isinstance(s, Listing) else s for s in strategies)

    @classmethod
    def strategy(cls, kind: type[S]) -> S | None:
        """Its first strategy of this kind (its WordPressApi, say), or None."""
        return next((strategy for strategy in cls.strategies() if isinstance(strategy, kind)), None)

    @classmethod
    def listings(cls) -> tuple[Listing, ...]:
        return tuple(strategy for strategy in cls.strategies() if isinstance(strategy, Listing))

    @property
    def listing(self) -> Listing | None:
        """The listing of the section this run walks."""
        return next((listing for listing in self.listings() if listing.section == self.section), None)

    @classmethod
    def handles_request(cls, request: scrapy.Request) -> bool:
        """Scrapy's lookup of the spider for a URL (`scrapy fetch`, `scrapy parse`): any host of the source."""
        return cls.describe().owns_url(request.url)

    @classmethod
    def describe(cls) -> Site:
        """The source as the page reader needs to know it (crawler/extract/site.py)."""
        family = cls.family
        fields = dict.fromkeys([*cls.selectors, *family.selectors])
        return Site(
            name=cls.name,
            site_name=cls.site_name,
            hosts=frozenset(map(bare_host, cls.hosts)),
            article_url=re.compile(cls.article_url or family.article_url or r"(?!)"),
            selectors={name: cls.selector_layers(name) for name in fields},
            drop_from_body=tuple(dict.fromkeys([*family.drop_from_body, *cls.drop_from_body])),
            usual_steps=dict(cls.usual_steps),
            own_text_dates=cls.own_text_dates,
            news_code_rules=tuple(NEWS_CODE_RULES[name] for name in cls.news_code or family.news_code),
        )

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
        walk = self.walks.get(request.cb_kwargs["place"].walk) if "place" in request.cb_kwargs else None
        if request.callback == self.parse and isinstance(walk, Listing):
            return css_elements(walk.links)
        return None

    @classmethod
    def selector_layers(cls, field: str) -> tuple[str, ...]:
        """The field's selectors in the order they are tried: the site's own, then its CMS family's."""
        layers = (cls.selectors.get(field), cls.family.selectors.get(field))
        return tuple(dict.fromkeys(query for query in layers if query))

    def is_fallback(self, field: str, step: str) -> bool:
        """Whether a field read by this step means the site's markup missed it (layout drift)."""
        return self.site.is_fallback(field, step)

    def switched_on(self, strategy: Strategy) -> bool:
        """Whether this run uses the strategy («-a api=0» turns the REST API off)."""
        return strategy.name not in self.switched_off

    # -- the sitemaps (Scrapy's SitemapSpider reads them) -----------------------------------------

    @functools.cached_property
    def sitemaps_due(self) -> bool:
        """Whether this ordinary run reads the sitemaps, to count them (crawler/sources/coverage.py)."""
        return sitemaps_due(self)

    @property
    def sitemap_urls(self) -> list[str]:  # type: ignore[override]  # computed where SitemapSpider has a class attribute; never set
        return [strategy.url for strategy in self.strategies() if isinstance(strategy, Sitemap)]

    @property
    def sitemap_rules(self) -> list[tuple[str, str]]:  # type: ignore[override]  # computed where SitemapSpider has a class attribute; never set
        return [(self.describe().article_url.pattern, "parse_article")]

    @property
    def sitemap_follow(self) -> list[str]:  # type: ignore[override]  # computed where SitemapSpider has a class attribute; never set
        return [
            rule
            for strategy in self.strategies()
            if isinstance(strategy, Sitemap)
            for rule in strategy.follow or self.family.sitemap_follow or ("",)
        ]

    # -- crawling --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.discovery_requests():
            yield request
        for request in revisit_requests(self):  # stored articles due for a check (crawler/sources/revisits.py)
            yield request

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    def idle(self) -> None:
        """Once discovery is done: the codes still missing inside the range, now that its new articles are
        read (crawler/sources/coverage.py), and what each strategy knows the walks missed (a REST API declaring
        more posts than are stored)."""
        if self.holes_asked:
            return
        self.holes_asked = True
        requests = [*hole_requests(self), *(r for strategy in self.strategies() for r in strategy.hole_requests(self))]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def parse_hole(self, response: Response, code: str) -> Iterator[ArticleItem]:
        yield from parse_hole(self, response, code)

    def hole_failed(self, failure: Failure) -> None:
        hole_failed(self, failure)

    def discovery_requests(self, after: Strategy | None = None) -> Iterator[scrapy.Request]:
        """Where a run starts looking for new articles: each strategy in order (after `after`, when it gave
        up), until one that leads and answers (a REST API: the others wait until the site refuses it)."""
        strategies = self.strategies()
        for strategy in strategies[strategies.index(after) + 1 if after else 0 :]:
            requests = list(strategy.start(self))
            yield from requests
            if strategy.leads and requests:
                return

    @property
    def incremental(self) -> bool:
        """Whether the walk follows what is known complete (crawler/sources/frontier.py): joining it, it jumps to
        where a gap below resumes, or stops. Not in a backfill, which walks down to its date, nor in a
        resumable job (JOBDIR): restarted, it does not start at the first page, so it walks every
        page up to its page limit and records nothing."""
        return (
            self.since is None
            and not self.settings.get("JOBDIR")
            and not any(strategy.unsettles_walks(self) for strategy in self.strategies())
        )

    @property
    def page_budget(self) -> int | None:
        """Listing pages a run may read: «-a pages», else LISTING_PAGE_BUDGET; a backfill's bound is its date."""
        if self.pages is not None:
            return self.pages
        return None if self.since else self.settings.getint("LISTING_PAGE_BUDGET", 10)

    def parse(self, response: Response, place: Place | None = None) -> Iterator[scrapy.Request]:
        """A page of a newest-first walk (a listing page, a REST API's page of posts): its strategy reads it."""
        place = place or Place(self.section or "")
        yield from self.walks[place.walk].parse(self, response, place)

    def parse_for(self, response: Response, strategy: str, step: str, **kwargs: Any) -> Iterator[Any]:
        """An answer only its strategy reads (`step`: its method), such as a REST API's names of tags."""
        yield from getattr(self.strategy_named(strategy), step)(self, response, **kwargs)

    def failed_for(self, failure: Failure) -> Iterator[Any]:
        """A request of a strategy that failed: its meta «failed» names the strategy and its method."""
        strategy, step = failure.request.meta["failed"]  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
        yield from getattr(self.strategy_named(strategy), step)(self, failure)

    def strategy_named(self, name: str) -> Strategy:
        return next(strategy for strategy in self.strategies() if strategy.name == name)

    def walk_page(self, response: Response, place: Place, walk: Strategy) -> Iterator[scrapy.Request]:
        """A walk's page: its articles not stored yet, then the page `walk_on` says the walk goes to."""
        stats = self.crawler.stats
        stats.inc_value(LISTING_PAGES)
        if self.since and walk.older_than_since(self, response):
            self.reach_since(response.url)
        if self.past_since:
            assert self.since is not None  # only a backfill gets past its «since»
            logger.info(
                "%s: listing %s not followed: the backfill has reached %s", self.name, response.url, self.since.date()
            )
            return
        links = walk.article_links(self, response)
        stats.inc_value(LISTING_ARTICLE_LINKS, len(links))
        if not links:
            stats.inc_value(LISTING_NO_ARTICLE_LINKS)
            logger.warning(
                "%s: listing %s links to no article: the listing layout may have changed", self.name, response.url
            )
            for strategy in self.strategies():
                yield from strategy.without_listing(self)
        keys = frozenset(map(link_key, links))
        repeated = keys == self.previous_page_links.get((place.walk, place.stretch))
        self.previous_page_links[(place.walk, place.stretch)] = keys
        yield from self.article_requests(response.url, links, walk)
        next_url = walk.next_url(self, response, place.number)
        if links and repeated:
            # A site that answers any page number past its last page with the last page again.
            stats.inc_value(LISTING_REPEATED)
            logger.info(
                "%s: %s lists the articles of the page before it; not paginating further", self.name, response.url
            )
            next_url = None
        following = self.walk_on(place, self.listing_ages[response.url], keys, next_url)
        if following:
            url, place = following
            yield walk.page_request(self, url, place)

    def walk_on(
        self, place: Place, page: ListingAges, links: frozenset[bytes], next_url: str | None
    ) -> tuple[str, Place] | None:
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
            self.crawler.stats.inc_value(LISTING_RESUME_MOVED)
            logger.warning(
                "%s: %s, where the walk resumed, no longer lists the articles it ended with (deleted "
                "from the site?): articles listed between may have been passed over",
                self.name,
                page.url,
            )
        if self.incremental:
            joined = frontier.join(place, page, links)
            if joined is not None:
                if frontier.complete_below(joined):
                    self.crawler.stats.inc_value(LISTING_STOPPED_AT_KNOWN)
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
                self.crawler.stats.inc_value(STORE_LOOKUP_FAILED)
                logger.error(
                    "%s: cannot read how far %s is complete (%s): walking it as if nothing were",
                    self.name,
                    walk,
                    str(error).splitlines()[0],
                    extra={"spider": self},
                )
                self.frontiers[walk] = Frontier(self.name, walk, [], horizon)
        return self.frontiers[walk]

    def closed(self, reason: str) -> None:
        """Records how far each walk is now known complete, and whether a gap remains (`frontier/behind`)."""
        stats = self.crawler.stats
        for frontier in self.frontiers.values():
            segments = frontier.finish()
            if self.settings.get("JOBDIR"):
                segments = frontier.segments  # a resumable job does not walk from the first page
            elif stats.get_value(STORE_FAILED):
                logger.error(
                    "%s: articles were not stored: how far %s is complete stays as it was",
                    self.name,
                    frontier.walk,
                    extra={"spider": self},
                )
                segments = frontier.segments
            else:
                try:
                    frontier.save(Store.for_crawler(self.crawler), segments)
                except SQLAlchemyError as error:
                    logger.error(
                        "%s: cannot record how far %s is complete (%s)",
                        self.name,
                        frontier.walk,
                        str(error).splitlines()[0],
                        extra={"spider": self},
                    )
                    segments = frontier.segments
            behind = frontier.behind(segments)
            stats.max_value(FRONTIER_BEHIND, int(behind))
            if behind:
                logger.warning("%s: %s", self.name, frontier.describe_gaps(segments))
        for strategy in self.strategies():
            strategy.closed(self)
        measure(self)

    def article_requests(self, listing: str, links: list[str], via: Strategy | None = None) -> Iterator[scrapy.Request]:
        """Requests for the linked articles not stored yet. Every page that links to articles (a listing,
        a feed, a sitemap) goes through here, so that stored articles are never fetched again by a crawl."""
        via = via or Strategy()
        keys = {url: link_key(url) for url in links}
        stored = via.stored_dates(
            self, [url for url in links if keys[url] not in self.requested and keys[url] not in self.article_dates]
        )
        self.count_known(stored)
        ages = self.listing_ages[listing] = ListingAges(listing)
        for url in links:
            if keys[url] in self.requested:  # by another page; its date is still to come
                self.requested[keys[url]].append(ages)
                ages.pending += 1
            elif keys[url] in self.article_dates or url in stored:
                published_at = self.article_dates[keys[url]] if keys[url] in self.article_dates else stored[url]
                ages.place(published_at)
                if self.since:
                    ages.count(published_at, self.since)
            else:
                self.requested[keys[url]] = [ages]
                ages.pending += 1
                yield from via.article_request(self, url)

    #: The errback of article pages: counted, and asked for again by the next run (crawler/run/given_up.py).
    article_given_up = article_given_up

    def count_known(self, stored: dict[str, datetime]) -> None:
        """Counts the stored articles linked (`listing/known_skipped`), each once however many pages link to
        it (a listing, the feed, a sitemap), and remembers them: a later link to one is not looked up again."""
        keys = [(link_key(url), moment) for url, moment in stored.items()]
        self.crawler.stats.inc_value(LISTING_KNOWN_SKIPPED, sum(key not in self.article_dates for key, _ in keys))
        for key, moment in keys:
            self.article_dates[key] = moment

    def refetch_requests(
        self, url: str, callback: Callable, errback: Callable, **cb_kwargs: Any
    ) -> Iterator[scrapy.Request]:
        """The requests that read the article at `url` again now (`scrapy refetch`): its page, or what the
        first strategy that reads articles its own way asks first (a REST API's post)."""
        page = scrapy.Request(url, callback, errback=errback, dont_filter=True, cb_kwargs=cb_kwargs)
        for strategy in self.strategies():
            requests = strategy.refetch(self, url, page)
            if requests is not None:
                yield from requests
                return
        yield page

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
            self.crawler.stats.inc_value(STORE_LOOKUP_FAILED)
            logger.error(
                "%s: cannot read the database (%s): fetching every linked article",
                self.name,
                str(error).splitlines()[0],
                extra={"spider": self},
            )
            return unreadable

    def check_past_since(self, page: ListingAges) -> None:
        """In a backfill: once a whole listing page is older than `since`, the pages after it are too."""
        if self.since and page.all_older:
            self.reach_since(page.url)

    def reach_since(self, listing: str) -> None:
        if not self.past_since:
            self.past_since = True
            self.crawler.stats.inc_value(LISTING_PAST_SINCE)
            assert self.since is not None  # only a backfill gets past its «since»
            logger.info(
                "%s: every article on %s is older than %s; not paginating further",
                self.name,
                listing,
                self.since.date(),
            )

    def parse_article(
        self, response: Response, link: str | None = None, via: str | None = None, **read_with: Any
    ) -> Iterator[ArticleItem]:
        """An article page, linked from a walk, a feed or a sitemap as `link`; `via` names the strategy that
        reads it its own way, with what it knew before the page (`read_with`: a REST API's post)."""
        if via:
            strategy = self.strategy_named(via)
            item = strategy.read_article(self, response, **read_with)  # type: ignore[attr-defined]  # only a strategy that reads articles its own way (WordPressApi) is a «via»
        else:
            item = self.read_article(response)
        yield from self.article_read(link, item)

    def article_read(self, link: str | None, item: ArticleItem | None) -> Iterator[ArticleItem]:
        """The article read for a listed link (or None when its page was none): its date tells the
        listing pages that linked to it where a backfill has reached."""
        if link is not None:
            published_at = item.published_at if item else None
            # Only a backfill compares dates; an incremental crawl keeps no date per article.
            self.article_dates[link_key(link)] = published_at if self.since else None
            for ages in self.requested.pop(link_key(link), ()):
                ages.pending -= 1
                ages.place(published_at)
                if self.since:
                    ages.count(published_at, self.since)
                self.check_past_since(ages)
        if item is None:
            return
        if self.code_url:
            self.codes_read.add(item.news_code)
        if self.since and item.published_at and item.published_at < self.since:
            self.crawler.stats.inc_value(ARTICLE_OLDER_THAN_SINCE)
            return
        yield item

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS feed: each article newer than «since» (every one without it) not stored yet."""
        stats = self.crawler.stats
        items: list[scrapy.Selector] = []
        if isinstance(response, TextResponse):  # lxml's recovering parser: a stray «&» loses no item
            items = scrapy.Selector(response, type="xml").xpath("//channel/item")
        if not items:
            stats.inc_value(DISCOVERY_FEED_EMPTY)
            logger.warning("%s: feed %s has no items: has the site moved or closed its feed?", self.name, response.url)
        stats.inc_value(DISCOVERY_FEED_ITEMS, len(items))
        links = [
            url
            for item in items
            if self.is_article_url(url := (item.xpath("link/text()").get() or "").strip())
            and self.recent_enough(item.xpath("pubDate/text()").get())
        ]
        yield from self.article_requests(response.url, links)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Sitemap entries (sub-sitemaps and articles) last modified on or after «since», less the articles
        stored or asked for already; a sub-sitemap's «lastmod» is that of its newest article, so an older one
        holds nothing to fetch. An ordinary run fetches SITEMAP_HOLES_PER_RUN of the articles, newest first."""
        recent = [entry for entry in entries if self.recent_enough(entry.get("lastmod"))]
        self.crawler.stats.inc_value(DISCOVERY_SITEMAP_ENTRIES, len(recent))
        articles = [entry["loc"] for entry in recent if self.is_article_url(entry.get("loc", ""))]
        stored = self.stored_dates(articles)
        self.count_known(stored)
        listed, window_start = set(articles), coverage_window_start(self)
        for url in articles:  # what the sitemaps declare, for coverage
            if (key := link_key(url)) not in self.sitemap_listed:
                self.sitemap_listed.add(key)
                if url in stored:
                    self.sitemap_stored += 1
                else:
                    self.sitemap_fetched.add(url)
        for entry in recent:  # those modified within the window the coverage status judges
            modified = parse_machine_date(entry.get("lastmod"))
            if entry.get("loc") in listed and modified is not None and modified >= window_start:
                self.sitemap_recent[entry["loc"]] = entry["loc"] in stored
        # The articles this run has not asked for yet (a walk may have); an ordinary run fetches a few, newest first.
        holes = [
            entry
            for entry in recent
            if entry.get("loc") in listed
            and entry["loc"] not in stored
            and link_key(entry["loc"]) not in self.requested
            and link_key(entry["loc"]) not in self.article_dates
        ]
        if not self.since:
            stats = self.crawler.stats
            holes.sort(key=lambda entry: parse_machine_date(entry.get("lastmod")) or NO_DATE, reverse=True)
            fetched = stats.get_value(SITEMAP_HOLES_FETCHED, 0)
            budget = max(0, self.settings.getint("SITEMAP_HOLES_PER_RUN", 20) - fetched)
            stats.inc_value(SITEMAP_HOLES_LEFT, len(holes[budget:]))
            holes = holes[:budget]
            stats.inc_value(SITEMAP_HOLES_FETCHED, len(holes))
        self.sitemap_holes += [entry["loc"] for entry in holes]
        yield from (entry for entry in recent if entry.get("loc") not in listed)  # the sub-sitemaps of an index

    def sitemap_failed(self, failure: Failure) -> None:
        sitemap_failed(self, failure)

    def _parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap, as SitemapSpider reads it; its articles to fetch asked for as a walk's are, so that a walk
        listing one of them too waits for it rather than asking again."""
        self.sitemaps_read = True
        requests = list(super()._parse_sitemap(response))
        holes, self.sitemap_holes = self.sitemap_holes, []
        yield from requests
        for url in holes:
            self.requested[link_key(url)] = []
            yield from Strategy().article_request(self, url)

    def recent_enough(self, machine_date: str | None) -> bool:
        """Whether a feed or sitemap date may be on or after «since»; an undated entry may be."""
        moment = parse_machine_date(machine_date)
        if self.since and moment and moment < self.since:
            self.crawler.stats.inc_value(DISCOVERY_OLDER_THAN_SINCE)
            return False
        return True

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
        stats.inc_value(ARTICLE_PAGES)
        if not isinstance(response, TextResponse):
            stats.inc_value(ARTICLE_NOT_ARTICLE)
            logger.warning(
                "%s: %s is not an HTML page (%s)",
                self.name,
                response.url,
                (response.headers.get("Content-Type") or b"").decode(errors="replace"),
            )
            return None
        page = ArticlePage(self.site, response)
        refusal = page.not_an_article()
        item = None if refusal else page.item()
        refusal = refusal or page.not_an_article(item)
        if refusal:
            stats.inc_value(ARTICLE_NOT_ARTICLE)
            logger.warning("%s: %s is not an article page (%s)", self.name, response.url, refusal)
            return None
        return page

    def count_provenance(self, item: ArticleItem) -> None:
        stats = self.crawler.stats
        fallbacks = []
        for name, step in item.provenance.items():
            stats.inc_value(extraction_step(name, step))
            if self.is_fallback(name, step):
                fallbacks.append(f"{name}←{step}")
        if fallbacks:
            stats.inc_value(EXTRACTION_FALLBACK_ITEMS)
            logger.warning(
                "%s: %s read with fallbacks (%s): the site's layout may have changed",
                self.name,
                item.url,
                ", ".join(fallbacks),
            )
