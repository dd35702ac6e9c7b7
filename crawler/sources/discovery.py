"""Discovery strategies: where a source finds its articles, as objects a source lists in order
(`discovery = (WordPressApi(home), Listing(url), Feed(url), Sitemap(url))`). The one spider
(crawler/sources/spider.py) asks each for its requests; every page of links goes through the same
lookup of stored articles, and every newest-first walk (a listing, an API's pages of posts) through
the same watermark, stop rule and backfill (crawler/sources/frontier.py).

A strategy is a description, shared by every run of its source: what a run of it keeps (a REST API's
posts and whether the site closed it) lives in the spider, in `spider.runs[strategy.name]`. Callbacks
are the spider's methods (a job's queue on disk keeps only those), which hand strategy-specific
answers back to their strategy (`NewsSpider.parse_for`, `NewsSpider.failed_for`). The spider a strategy
is given is that NewsSpider (crawler/sources/spider.py, which imports this module).

Order matters: the first strategy that `leads` (a REST API) is the only one a run starts with while
it answers; when the site refuses it, the strategies after it start. A listing starts for the
section asked for; feeds and sitemaps start in a backfill, which they reach faster than every listing
page, and a feed also when a listing page links to no article.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract.dates import jalali_months, parse_jalali, parse_machine_date
from crawler.extract.posts import (
    ApiClosed,
    MalformedJson,
    Post,
    SelfCheck,
    post_item,
    read_json,
    read_posts,
    read_terms,
    refusal,
    take_page_fields,
    total_pages,
    total_posts,
)
from crawler.items import ArticleItem
from crawler.run.clock import now, parse_span
from crawler.run.listings import FALLS_BACK
from crawler.sources.coverage import API_TOTAL
from crawler.sources.frontier import Place
from crawler.sources.wpapi import (
    MAX_PER_PAGE,
    TAXONOMIES,
    month_count_url,
    post_by_slug_url,
    post_url,
    posts_url,
    terms_url,
)
from crawler.stats import (
    COVERAGE_API_TOTAL,
    WPAPI_CHECK_PAGES,
    WPAPI_EDITED,
    WPAPI_MALFORMED_JSON,
    WPAPI_MONTHS_COUNTED,
    WPAPI_MONTHS_FAILED,
    WPAPI_NOT_REQUESTED,
    WPAPI_PAGE_FAILED,
    WPAPI_POSTS_PAGES,
    WPAPI_SELFCHECK_AGREE,
    WPAPI_SELFCHECK_DISAGREE,
    WPAPI_STATE,
    wpapi_differ,
    wpapi_unreadable,
)

#: The spider a strategy is given: a NewsSpider (crawler/sources/spider.py), which imports this module, so it
#: cannot be named here without an import cycle (tests/test_architecture.py); scrapy's Spider lacks its methods.
Spider = Any

logger = logging.getLogger(__name__)

#: Where a listing links to its articles, its «next» link, unless its source or the source's family says.
ANY_LINK = "a::attr(href)"
REL_NEXT = "a[rel=next]::attr(href), link[rel=next]::attr(href)"


class Strategy:
    """A way to discover articles. `name` is unique within a source; a walk's name is its `walk`."""

    name: ClassVar[str] = ""
    #: Whether, while it answers, the strategies after it are not used (a REST API).
    leads: ClassVar[bool] = False
    #: The newest-first walk it makes, for the watermark (crawler/sources/frontier.py); "" for none.
    walk: str = ""
    #: The spider argument that turns it off («-a NAME=0»), if it has one.
    switch: ClassVar[str] = ""

    def new_run(self) -> Any:
        """What one run of it keeps (spider.runs[name]); None for a strategy that keeps nothing."""
        return None

    def start(self, spider: Spider) -> Iterator[scrapy.Request]:
        """The requests a run starts with."""
        return iter(())

    def without_listing(self, spider: Spider) -> Iterator[scrapy.Request]:
        """Where to look when a listing page links to no article."""
        return iter(())

    def refetch(self, spider: Spider, url: str, page: scrapy.Request) -> Iterator[scrapy.Request] | None:
        """How it reads the article at `url` again now (`page`: the request of its page), or None."""
        return None

    def unsettles_walks(self, spider: Spider) -> bool:
        """Whether the walks must go on past what is known complete (articles this one missed lie there)."""
        return False

    def hole_requests(self, spider: Spider) -> Iterator[scrapy.Request]:
        """Once discovery is done: requests for the articles the site declares and the walks did not find."""
        return iter(())

    def closed(self, spider: Spider) -> None:
        """The run is over."""

    # -- a newest-first walk's pages ----------------------------------------------------------------

    def parse(self, spider: Spider, response: Response, place: Place) -> Iterator[scrapy.Request]:
        yield from spider.walk_page(response, place, self)

    def article_links(self, spider: Spider, response: Response) -> list[str]:
        return []

    def next_url(self, spider: Spider, response: Response, page: int) -> str | None:
        return None

    def older_than_since(self, spider: Spider, response: Response) -> bool:
        return False

    def page_request(self, spider: Spider, url: str, place: Place) -> scrapy.Request:
        """The request of a walk's page after the first. After the articles of the page before it, so
        that in a backfill their dates are known by the time this page is read. A jump may lead to a
        page this run read already."""
        return scrapy.Request(url, spider.parse, cb_kwargs={"place": place}, priority=-1, dont_filter=place.stretch > 0)

    # -- the articles it links to --------------------------------------------------------------------

    def stored_dates(self, spider: Spider, links: list[str]) -> dict[str, datetime]:
        return spider.stored_dates(links)

    def article_request(self, spider: Spider, url: str) -> Iterator[scrapy.Request]:
        yield scrapy.Request(url, spider.parse_article, errback=spider.article_given_up, cb_kwargs={"link": url})


@dataclass(frozen=True)
class Listing(Strategy):
    """A listing walked newest first, page after page; «-a section=NAME» picks it. Selectors left empty
    are the source's CMS family's, else any link the article rule accepts and «rel=next» (`Family.listing`)."""

    url: str
    section: str = "news"
    #: Where it links to articles (of those, only URLs the article rule accepts).
    links: str = ""
    #: Its «next» link; else `page_url`, a template with «{page}».
    next_page: str = ""
    page_url: str = ""
    #: Where it prints its articles' dates (a «datetime» attribute or Jalali text): with «-a since», a
    #: listing page whose newest date is older ends the walk.
    dates: str = ""

    @property
    def name(self) -> str:  # type: ignore[override]  # a listing's name is its section's, not a class's
        return f"listing:{self.section}"

    @property
    def walk(self) -> str:  # type: ignore[override]  # a listing's walk is its section's, not a class's
        return self.section

    def start(self, spider: Spider) -> Iterator[scrapy.Request]:
        if spider.section == self.section:
            yield scrapy.Request(self.url, spider.parse, cb_kwargs={"place": Place(self.walk)})

    def article_links(self, spider: Spider, response: Response) -> list[str]:
        if not isinstance(response, TextResponse):
            return []
        links = (response.urljoin(href.strip()) for href in response.css(self.links).getall())
        return list(dict.fromkeys(url.split("#")[0] for url in links if spider.is_article_url(url)))

    def next_url(self, spider: Spider, response: Response, page: int) -> str | None:
        href = response.css(self.next_page).get()
        if href:
            return response.urljoin(href.strip())
        if self.page_url:
            return response.urljoin(self.page_url.format(page=page + 1))
        return None

    def older_than_since(self, spider: Spider, response: Response) -> bool:
        """Whether the dates this listing page prints (where its theme prints them) are all older than «since»."""
        if not spider.since or not self.dates or not isinstance(response, TextResponse):
            return False
        dates = [
            parse_machine_date(node.attrib.get("datetime")) or parse_jalali(" ".join(node.css("::text").getall()))
            for node in response.css(self.dates)
        ]
        known = [moment for moment in dates if moment]
        return bool(known) and max(known) < spider.since


@dataclass(frozen=True)
class Feed(Strategy):
    """An RSS feed of the newest articles: read in a backfill, and when a listing page links to none."""

    url: str
    name: ClassVar[str] = "feed"

    def start(self, spider: Spider) -> Iterator[scrapy.Request]:
        if spider.since:
            yield from self.without_listing(spider)

    def without_listing(self, spider: Spider) -> Iterator[scrapy.Request]:
        # The feed names the newest articles whatever the theme's listing looks like.
        yield scrapy.Request(self.url, spider.parse_feed)


@dataclass(frozen=True)
class Sitemap(Strategy):
    """A sitemap, a sitemap index, or «…/robots.txt» (the sitemaps it names), read in a backfill: it
    reaches old articles without walking hundreds of listing pages; and by an ordinary run when the sitemaps
    are due to be counted again (COVERAGE_RECOUNT), for coverage, fetching a few of the articles they list and
    the store lacks (crawler/sources/coverage.py). `follow`: patterns of the sub-sitemaps of an index that
    hold articles (by default its family's, else every one)."""

    url: str
    follow: tuple[str, ...] = ()
    name: ClassVar[str] = "sitemap"

    def start(self, spider: Spider) -> Iterator[scrapy.Request]:
        if spider.since or spider.sitemaps_due:
            yield scrapy.Request(
                self.url, spider._parse_sitemap, errback=spider.sitemap_failed
            )  # as SitemapSpider.start


# -- WordPress's REST API ------------------------------------------------------------------------------


@dataclass
class PostsRun:
    """What a run of the REST API keeps."""

    #: "open", "closed: <how the site refused>" or "off".
    state: str = "open"
    pages_read: int = 0
    # The posts of the pages of posts being read, by link; the names of tags and categories by id;
    # the ids asked for (ever, since the last request, not answered yet); pages waiting for names.
    posts: dict[str, Post] = field(default_factory=dict)
    term_names: dict[str, dict[int, str]] = field(default_factory=lambda: {taxonomy: {} for taxonomy in TAXONOMIES})
    terms_asked: dict[str, set[int]] = field(default_factory=lambda: {taxonomy: set() for taxonomy in TAXONOMIES})
    terms_to_ask: dict[str, set[int]] = field(default_factory=lambda: {taxonomy: set() for taxonomy in TAXONOMIES})
    terms_pending: dict[str, set[int]] = field(default_factory=lambda: {taxonomy: set() for taxonomy in TAXONOMIES})
    waiting_for_terms: list[tuple[scrapy.Request, Post]] = field(default_factory=list)
    # The pages of posts on the first page's X-WP-TotalPages; the check for posts not stored (hole_requests):
    # whether it ran, its pages read, and the page where the next run's check resumes (None: from page 2).
    total_pages: int | None = None
    #: The newest post's instant on the first page: the months counted end with its month.
    newest: datetime | None = None
    #: The posts of each Jalali month counted this run, by the API («1404-09»: 120).
    month_totals: dict[str, int | None] = field(default_factory=dict)
    #: Whether the store remembers the site closing the API (forgotten once it answers).
    remembered_closed: bool = False
    #: The pages of posts requested this run (new posts, and stored ones edited since): not all stored yet.
    posts_requested: int = 0
    checked: bool = False
    check_pages: int = 0
    check_resume: int | None = None

    def names_pending(self, post: Post) -> bool:
        return any(term in self.terms_pending[taxonomy] for taxonomy, ids in post.terms.items() for term in ids)


@dataclass(frozen=True)
class WordPressApi(Strategy):
    """A WordPress site's REST API at `home`: pages of the newest posts, each handled as a walk's page whose
    links come from JSON (the same walk and the same stop at stored posts), «after=» in a backfill. A
    post stored already whose «modified_gmt» moved is read again. The post gives the news code, title,
    lead, body, date, category and tags (crawler/extract/posts.py); its page is read as well, for the
    fields in `page_fields` and to check the HTML reader against the post (SelfCheck). Tag and category
    names are asked once per run, for the ids of the posts read. «-a api=0» leaves it out; a site that
    refuses it is read through the strategies after it for the rest of the run, and by the runs of the next
    WORDPRESS_API_RETRY (the refusal is remembered: `closed_apis`), which do not ask it.
    """

    home: str
    #: What the site's pages print and its REST API lacks: taken from the page, read for each new post.
    page_fields: tuple[str, ...] = ("kicker", "view_count", "images")
    name: ClassVar[str] = "wordpress_api"
    leads: ClassVar[bool] = True
    switch: ClassVar[str] = "api"
    #: Its walk, known complete apart from the listings' (crawler/sources/frontier.py).
    walk = "wp-api"  # unannotated: a class attribute, not a field of the dataclass

    def new_run(self) -> PostsRun:
        return PostsRun()

    @staticmethod
    def run(spider: Spider) -> PostsRun:
        return spider.runs[WordPressApi.name]

    @staticmethod
    def per_page(spider: Spider) -> int:
        return min(MAX_PER_PAGE, max(1, spider.settings.getint("WORDPRESS_API_PER_PAGE", 10)))

    def start(self, spider: Spider) -> Iterator[scrapy.Request]:
        run = self.run(spider)
        if not spider.switched_on(self):
            run.state = "off"
        elif (closed := self.closed_lately(spider)) is not None:
            run.state = f"closed: {closed.how} (since {closed.closed_at:%Y-%m-%d %H:%M} UTC)"
            logger.info(
                "%s: the REST API was closed (%s) on %s: reading the HTML pages; asked again after %s",
                spider.name,
                closed.how,
                f"{closed.closed_at:%Y-%m-%d %H:%M} UTC",
                spider.settings.get("WORDPRESS_API_RETRY", "1d"),
            )
        spider.crawler.stats.set_value(WPAPI_STATE, run.state)
        if run.state == "open":
            yield self.page_request(
                spider, posts_url(self.home, 1, self.per_page(spider), spider.since), Place(self.walk)
            )

    def closed_lately(self, spider: Spider) -> Any:
        """The site's last refusal of the API (a ClosedApi), when it came less than WORDPRESS_API_RETRY ago."""
        closed = spider.read_store(lambda store: store.api_closed(spider.name), None)
        self.run(spider).remembered_closed = closed is not None
        retry = parse_span(spider.settings.get("WORDPRESS_API_RETRY", "1d"))
        return closed if closed is not None and closed.closed_at > now(spider.settings) - retry else None

    def unsettles_walks(self, spider: Spider) -> bool:
        # An API that closed after some of its pages: the HTML walk must reach the posts it did not list,
        # past those it stored.
        run = self.run(spider)
        return bool(run.pages_read) and run.state != "open"

    def page_request(self, spider: Spider, url: str, place: Place) -> scrapy.Request:
        request = super().page_request(spider, url, place)
        if place.number == 1:  # the first page, as the first listing page, is asked at once
            request = request.replace(priority=0, dont_filter=False)
        return request.replace(
            errback=spider.failed_for, meta={**request.meta, FALLS_BACK: True, "failed": (self.name, "api_failed")}
        )

    # -- pages of posts --------------------------------------------------------------------------------

    def parse(self, spider: Spider, response: Response, place: Place) -> Iterator[scrapy.Request]:
        run = self.run(spider)
        try:
            posts = read_posts(response)
        except ApiClosed as closed:
            yield from self.close(spider, closed)
            return
        run.pages_read += 1
        spider.crawler.stats.inc_value(WPAPI_POSTS_PAGES)
        if run.remembered_closed:  # open again
            run.remembered_closed = False
            spider.read_store(lambda store: store.record_api_open(spider.name), None)
        # The site's count of its posts, on the page every run asks first: coverage's evidence at no cost.
        # A backfill's pages count only the posts after its date.
        if place.number == 1 and spider.since is None and (total := total_posts(response)) is not None:
            spider.crawler.stats.set_value(COVERAGE_API_TOTAL, total)
            run.total_pages = total_pages(response)
            run.newest = max((post.published_at for post in posts), default=None)
        run.posts.update((post.link, post) for post in posts)
        response.meta["posts"] = [post.link for post in posts]
        yield from spider.walk_page(response, place, self)
        for post in posts:  # read or stored: their contents are not kept for the rest of the run
            run.posts.pop(post.link, None)
        yield from self.terms_requests(spider)

    def article_links(self, spider: Spider, response: Response) -> list[str]:
        return [link for link in dict.fromkeys(response.meta["posts"]) if spider.owns_url(link)]

    def next_url(self, spider: Spider, response: Response, page: int) -> str | None:
        # Without the X-WP-TotalPages header, a full page may be followed by another.
        pages = total_pages(response)
        more = page < pages if pages is not None else len(response.meta["posts"]) >= self.per_page(spider)
        return posts_url(self.home, page + 1, self.per_page(spider), spider.since) if more else None

    def stored_dates(self, spider: Spider, links: list[str]) -> dict[str, datetime]:
        """As for any page of links, with the posts known by their ids; a stored post whose «modified_gmt»
        moved since is left out, so it is read again."""
        run = self.run(spider)
        posts = {link: run.posts[link] for link in links if link in run.posts}
        dates = spider.stored_dates([link for link in links if link not in posts])
        if not posts:
            return dates
        stored = spider.read_store(
            lambda store: store.dates_and_edits_by_code(spider.name, [str(post.id) for post in posts.values()]), {}
        )
        for link, post in posts.items():
            if str(post.id) not in stored:
                continue
            published_at, modified_at = stored[str(post.id)]
            if post.modified_at and modified_at and post.modified_at > modified_at:
                spider.crawler.stats.inc_value(WPAPI_EDITED)
                logger.info(
                    "%s: post %s was edited on %s (stored: %s): reading it again",
                    spider.name,
                    post.id,
                    post.modified_at.isoformat(),
                    modified_at.isoformat(),
                )
                continue
            dates[link] = published_at
        return dates

    def article_request(self, spider: Spider, url: str) -> Iterator[scrapy.Request]:
        post = self.run(spider).posts.get(url)
        if post is None:
            yield from super().article_request(spider, url)
            return
        self.run(spider).posts_requested += 1
        yield from self.post_page_request(
            spider,
            scrapy.Request(
                url,
                spider.parse_article,
                errback=spider.failed_for,
                meta={"failed": (self.name, "page_failed")},
                cb_kwargs={"link": url, "via": self.name, "post": post},
            ),
        )

    def post_page_request(self, spider: Spider, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """The request of a post's page, once the names of its tags and categories are known; those not
        asked for yet go into the next request of names (terms_requests)."""
        run = self.run(spider)
        post = request.cb_kwargs["post"]
        for taxonomy, ids in post.terms.items():
            new = set(ids) - run.terms_asked[taxonomy]
            run.terms_asked[taxonomy] |= new
            run.terms_to_ask[taxonomy] |= new
            run.terms_pending[taxonomy] |= new
        if run.names_pending(post):
            run.waiting_for_terms.append((request, post))
        else:
            yield request

    # -- the names of tags and categories --------------------------------------------------------------

    def terms_requests(self, spider: Spider) -> Iterator[scrapy.Request]:
        """One request per taxonomy (per hundred ids) for the names of the ids seen since the last one."""
        for taxonomy, asked in self.run(spider).terms_to_ask.items():
            ids = sorted(asked)
            asked.clear()
            for first in range(0, len(ids), MAX_PER_PAGE):
                chunk = ids[first : first + MAX_PER_PAGE]
                yield scrapy.Request(
                    terms_url(self.home, taxonomy, chunk),
                    spider.parse_for,
                    errback=spider.failed_for,
                    meta={"failed": (self.name, "terms_failed")},
                    cb_kwargs={"strategy": self.name, "step": "parse_terms", "taxonomy": taxonomy, "ids": chunk},
                    priority=1,
                )

    def parse_terms(
        self, spider: Spider, response: Response, taxonomy: str, ids: list[int]
    ) -> Iterator[scrapy.Request]:
        try:
            names = read_terms(response)
        except ApiClosed as unreadable:
            names = {}
            spider.crawler.stats.inc_value(wpapi_unreadable(taxonomy))
            if isinstance(unreadable, MalformedJson):
                spider.crawler.stats.inc_value(WPAPI_MALFORMED_JSON)
            logger.warning("%s: the names of %s %s are unreadable (%s)", spider.name, taxonomy, ids, unreadable)
        self.run(spider).term_names[taxonomy].update(names)
        yield from self.terms_answered(spider, taxonomy, ids)

    def terms_failed(self, spider: Spider, failure: Failure) -> Iterator[scrapy.Request]:
        taxonomy, ids = failure.request.cb_kwargs["taxonomy"], failure.request.cb_kwargs["ids"]  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
        spider.crawler.stats.inc_value(wpapi_unreadable(taxonomy))
        logger.warning(
            "%s: the names of %s %s could not be fetched (%s)", spider.name, taxonomy, ids, failure.getErrorMessage()
        )
        yield from self.terms_answered(spider, taxonomy, ids)

    def terms_answered(self, spider: Spider, taxonomy: str, ids: list[int]) -> Iterator[scrapy.Request]:
        """The pages that waited for these names (whatever the answer: a post is not held back for a name)."""
        run = self.run(spider)
        run.terms_pending[taxonomy].difference_update(ids)
        waiting, run.waiting_for_terms = run.waiting_for_terms, []
        for request, post in waiting:
            if run.names_pending(post):
                run.waiting_for_terms.append((request, post))
            else:
                yield request

    # -- the check for posts not stored -------------------------------------------------------------------

    def hole_requests(self, spider: Spider) -> Iterator[scrapy.Request]:
        yield from self.check_requests(spider)
        yield from self.month_requests(spider)

    def check_requests(self, spider: Spider) -> Iterator[scrapy.Request]:
        """When the site declares more posts (X-WP-Total) than are stored once the walk is done, its further pages
        of posts, from where the last check stopped: their posts not stored are read as the walk's are. Within
        the run's page budget, less the walk's pages; the next run's check goes on from where this one stopped."""
        run = self.run(spider)
        total = spider.crawler.stats.get_value(COVERAGE_API_TOTAL)
        if run.state != "open" or spider.since or total is None:
            return
        found = spider.read_store(
            lambda store: (store.stored_count(spider.name), store.declared_count(spider.name, API_TOTAL)), None
        )
        # The posts read this run are in the store's batch, not all written yet; those edited were stored before.
        read = run.posts_requested - spider.crawler.stats.get_value(WPAPI_EDITED, 0)
        if found is None or found[0] + read >= total:
            return
        stored, counted = found
        run.checked = True
        run.check_resume = counted.resume_page if counted is not None else None
        page = run.check_resume or 2
        if run.total_pages is not None and page > run.total_pages:
            page = 2
        if run.total_pages is not None and page > run.total_pages or self.check_budget(spider) <= 0:
            return
        logger.info(
            "%s: the REST API declares %d posts, %d are stored: reading its pages of posts from page %d",
            spider.name,
            total,
            stored,
            page,
        )
        yield self.check_request(spider, page)

    def month_requests(self, spider: Spider) -> Iterator[scrapy.Request]:
        """The site's count of posts in each of its last WORDPRESS_API_MONTHS Jalali months (ending with its newest
        post's), once per COVERAGE_RECOUNT: one request each, X-WP-Total of a page of one post id."""
        run = self.run(spider)
        count = spider.settings.getint("WORDPRESS_API_MONTHS", 3)
        if run.state != "open" or spider.since or run.newest is None or count <= 0:
            return
        months = jalali_months(run.newest, count)
        counted = spider.read_store(lambda store: store.declared_count(spider.name, API_TOTAL, months[0][0]), None)
        recount = parse_span(spider.settings.get("COVERAGE_RECOUNT", "1d"))
        if counted is not None and counted.counted_at > now(spider.settings) - recount:
            return
        for month, start, end in months:
            yield scrapy.Request(
                month_count_url(self.home, start, end),
                spider.parse_for,
                errback=spider.failed_for,
                meta={"failed": (self.name, "month_failed")},
                cb_kwargs={"strategy": self.name, "step": "parse_month", "month": month},
            )

    def parse_month(self, spider: Spider, response: Response, month: str) -> Iterator[scrapy.Request]:
        total = total_posts(response)
        if total is None:
            self.run(spider).month_totals[month] = None
            spider.crawler.stats.inc_value(WPAPI_MONTHS_FAILED)
            logger.warning("%s: the REST API gave no count of the posts of %s (no X-WP-Total)", spider.name, month)
            return
        spider.crawler.stats.inc_value(WPAPI_MONTHS_COUNTED)
        self.run(spider).month_totals[month] = total  # recorded once the run's articles are stored (closed)
        yield from ()

    def month_failed(self, spider: Spider, failure: Failure) -> Iterator[scrapy.Request]:
        """A month the API did not count: remembered as such, so that it is asked again only when due."""
        spider.crawler.stats.inc_value(WPAPI_MONTHS_FAILED)
        self.run(spider).month_totals[failure.request.cb_kwargs["month"]] = None  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
        logger.warning(
            "%s: the REST API's count of the posts of %s could not be fetched (%s)",
            spider.name,
            failure.request.cb_kwargs["month"],  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
            failure.getErrorMessage(),
        )
        return iter(())

    def check_budget(self, spider: Spider) -> int:
        return (spider.page_budget or 0) - spider.frontier(self.walk).pages_read - self.run(spider).check_pages

    def check_request(self, spider: Spider, page: int) -> scrapy.Request:
        # The walk may have read the page this run: asked again, since the check counts its own pages.
        return scrapy.Request(
            posts_url(self.home, page, self.per_page(spider)),
            spider.parse_for,
            errback=spider.failed_for,
            dont_filter=True,
            meta={"failed": (self.name, "check_failed")},
            cb_kwargs={"strategy": self.name, "step": "parse_check", "page": page},
        )

    def parse_check(self, spider: Spider, response: Response, page: int) -> Iterator[scrapy.Request]:
        """A page of posts the check reads: its posts not stored (or edited since) requested, then the next page."""
        run = self.run(spider)
        try:
            posts = read_posts(response)
        except ApiClosed as closed:
            logger.warning("%s: the check of the REST API stopped at page %d (%s)", spider.name, page, closed)
            return
        run.check_pages += 1
        spider.crawler.stats.inc_value(WPAPI_CHECK_PAGES)
        run.posts.update((post.link, post) for post in posts)
        yield from spider.article_requests(
            response.url, [link for link in dict.fromkeys(post.link for post in posts) if spider.owns_url(link)], self
        )
        for post in posts:
            run.posts.pop(post.link, None)
        yield from self.terms_requests(spider)
        pages = total_pages(response)
        more = page < pages if pages is not None else len(posts) >= self.per_page(spider)
        run.check_resume = page + 1 if more else None
        if more and self.check_budget(spider) > 0:
            yield self.check_request(spider, page + 1)

    def check_failed(self, spider: Spider, failure: Failure) -> Iterator[scrapy.Request]:
        """A page the check could not read: the next run's check starts there."""
        logger.warning(
            "%s: the check of the REST API stopped at %s (%s)",
            spider.name,
            failure.request.url,  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
            failure.getErrorMessage(),
        )
        return iter(())

    def closed(self, spider: Spider) -> None:
        run = self.run(spider)
        for month, total in run.month_totals.items():
            spider.read_store(
                lambda store, month=month, total=total: store.record_declared(
                    spider.name,
                    API_TOTAL,
                    total,
                    store.stored_in_month(spider.name, month),
                    now(spider.settings),
                    period=month,
                ),
                None,
            )
        if run.checked:  # where the next check resumes
            total = spider.crawler.stats.get_value(COVERAGE_API_TOTAL)
            spider.read_store(
                lambda store: store.record_declared(
                    spider.name,
                    API_TOTAL,
                    total,
                    store.stored_count(spider.name),
                    now(spider.settings),
                    resume_page=run.check_resume,
                ),
                None,
            )
        waiting = self.run(spider).waiting_for_terms
        if waiting:  # stopped before the names came (Ctrl-C, a closespider limit)
            spider.crawler.stats.set_value(WPAPI_NOT_REQUESTED, len(waiting))
            logger.warning(
                "%s: the run stopped before the names of the tags of %d new posts came; their pages "
                "were not requested (a later run or a backfill reads them)",
                spider.name,
                len(waiting),
            )

    # -- a refusal ---------------------------------------------------------------------------------------

    def api_failed(self, spider: Spider, failure: Failure) -> Iterator[scrapy.Request]:
        """A page of posts the site did not serve. A 400 after the first page is WordPress's answer to a page
        past the last one (asked for when the site sends no X-WP-TotalPages): the end of the posts."""
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 400 and failure.request.cb_kwargs["place"].number > 1:  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
            logger.info("%s: %s is past the last page of posts", spider.name, failure.request.url)  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
            return
        yield from self.close(spider, self.refused(failure))

    @staticmethod
    def refused(failure: Failure) -> ApiClosed:
        """How the site refused an API request: 401/403/404, with «rest_disabled» or the like; robots.txt; no answer."""
        response = getattr(failure.value, "response", None)
        if response is None:
            return ApiClosed(failure.getErrorMessage() or failure.type.__name__)
        try:
            code = refusal(read_json(response))
        except ApiClosed:
            code = ""
        return ApiClosed(f"HTTP {response.status}" + (f" {code}" if code else ""))

    def close(self, spider: Spider, closed: ApiClosed) -> Iterator[scrapy.Request]:
        """The strategies after it for the rest of the run (said once): the posts listed so far are read as
        they were."""
        if self.run(spider).state == "open":
            self.closed_by_site(spider, closed)
            yield from spider.discovery_requests(after=self)

    def closed_by_site(self, spider: Spider, closed: ApiClosed) -> None:
        run = self.run(spider)
        if run.state != "open":
            return
        stats = spider.crawler.stats
        run.state = f"closed: {closed}"
        stats.set_value(WPAPI_STATE, run.state)
        # Remembered: the runs of the next WORDPRESS_API_RETRY do not ask.
        spider.read_store(lambda store: store.record_api_closed(spider.name, str(closed), now(spider.settings)), None)
        if isinstance(closed, MalformedJson):
            stats.inc_value(WPAPI_MALFORMED_JSON)
        logger.warning(
            "%s: the REST API is closed (%s): reading the HTML pages for the rest of the run", spider.name, closed
        )

    # -- refetch -----------------------------------------------------------------------------------------

    def refetch(self, spider: Spider, url: str, page: scrapy.Request) -> Iterator[scrapy.Request] | None:
        """The post from the REST API (by its id when the URL carries it, else by its slug), then its page."""
        if self.run(spider).state != "open" or not spider.switched_on(self):
            return None
        code = spider.code_in_url(url)
        lookup = (
            post_url(self.home, int(code))
            if code
            else post_by_slug_url(self.home, unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]))
        )
        return iter(
            [
                scrapy.Request(
                    lookup,
                    spider.parse_for,
                    errback=spider.failed_for,
                    dont_filter=True,
                    meta={"failed": (self.name, "post_lookup_failed")},
                    cb_kwargs={"strategy": self.name, "step": "parse_post_lookup", "page": page},
                )
            ]
        )

    def parse_post_lookup(self, spider: Spider, response: Response, page: scrapy.Request) -> Iterator[scrapy.Request]:
        try:
            posts = read_posts(response)
        except ApiClosed as closed:
            self.closed_by_site(spider, closed)
            yield page
            return
        if not posts:
            logger.warning("%s: the REST API knows no post at %s; reading its page", spider.name, page.url)
            yield page
            return
        post = posts[0]
        yield from self.post_page_request(
            spider, page.replace(url=post.link, cb_kwargs={**page.cb_kwargs, "via": self.name, "post": post})
        )
        yield from self.terms_requests(spider)

    def post_lookup_failed(self, spider: Spider, failure: Failure) -> Iterator[scrapy.Request]:
        """The page, either way; a refusal other than a 404 (a post the API does not know) closes the API."""
        refused = self.refused(failure)
        if not str(refused).startswith("HTTP 404"):
            self.closed_by_site(spider, refused)
        yield failure.request.cb_kwargs["page"]  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets

    # -- a post and its page -----------------------------------------------------------------------------

    def read_article(self, spider: Spider, response: Response, post: Post) -> ArticleItem | None:
        """The article from its post, with the fields the post lacks from its page, checked against it."""
        page = spider.article_page(response)
        page_item = page.item() if page else None
        if page_item:
            spider.count_provenance(page_item)
        item = post_item(spider.site, post, self.run(spider).term_names, page)
        # The fields of a page that is another article (a soft 404, a redirect elsewhere) are not this one's.
        check = self.check(spider, item, page_item)
        if page_item is not None and "news_code" not in check.differences:
            take_page_fields(item, page_item, self.page_fields)
        return item

    def page_failed(self, spider: Spider, failure: Failure) -> Iterator[ArticleItem]:
        """A post whose page could not be fetched: stored from the API alone, without the page's fields."""
        link, post = failure.request.cb_kwargs["link"], failure.request.cb_kwargs["post"]  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
        spider.crawler.stats.inc_value(WPAPI_PAGE_FAILED)
        logger.warning(
            "%s: the page of post %s (%s) was not fetched (%s): storing the post without %s",
            spider.name,
            post.id,
            link,
            failure.getErrorMessage(),
            ", ".join(self.page_fields),
        )
        yield from spider.article_read(link, post_item(spider.site, post, self.run(spider).term_names))

    def check(self, spider: Spider, item: ArticleItem, page_item: ArticleItem | None) -> SelfCheck:
        """The self-check: the HTML reader's article against the post's, counted and, when they differ, logged."""
        check = SelfCheck.compare(item, page_item)
        stats = spider.crawler.stats
        stats.inc_value(WPAPI_SELFCHECK_AGREE if check.agrees else WPAPI_SELFCHECK_DISAGREE)
        for name in check.differences:
            stats.inc_value(wpapi_differ(name))
        if not check.agrees:
            logger.warning(
                "%s: the page of post %s (%s) disagrees with the REST API on %s: is the HTML reader wrong?",
                spider.name,
                item.news_code,
                item.url,
                ", ".join(check.differences),
            )
        return check
