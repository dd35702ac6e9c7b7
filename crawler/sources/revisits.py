"""Revisits: each crawl checks some stored articles again, to catch edits and takedowns.

An article is due at fixed ages since it was first seen (REVISIT_SCHEDULE: 1 h, 6 h, 1 d, 3 d, 7 d,
30 d; per source in REVISIT_SCHEDULES). Stages missed while no crawl ran collapse into one check. A run
checks the articles due longest first, within its budget: at most REVISIT_SHARE of the run's requests
(judged by the source's previous run), and at least REVISIT_MIN_PER_RUN, so that a source whose runs
find nothing new is still checked.

A check is a conditional request when the page was served with validators (If-None-Match from its
ETag, If-Modified-Since from its Last-Modified); a 304 moves `last_seen_at` and nothing is parsed. A
200 is read as an article and goes through the pipelines: the store's upsert keeps the old content as
a version when title, lead or body changed. An article is taken down (`removed_at`, with the reason,
status and final URL as evidence; its row and versions stay) when it answers 404 or 410, a page that
is no article (a soft 404), or a redirect to a page that is no article URL (the home page, a listing);
it is restored (`restored_at`) when a later check finds it again. An error that may pass (5xx, a
timeout, a refused connection) is no takedown: the article is checked again REVISIT_CONFIRM_AFTER
later, and only when that check fails too, in a run where the site answered other pages, is it taken
down («unreachable»): a site that is down altogether has not removed its articles.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import distinct, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twisted.python.failure import Failure

from crawler.extract.article import ArticlePage
from crawler.items import ArticleItem
from crawler.run import clock
from crawler.stats import (
    ARTICLE_PAGES,
    LISTING_PAGES,
    REVISIT_BUDGET,
    REVISIT_CHECKED,
    REVISIT_EDITED,
    REVISIT_FAILED,
    REVISIT_NOT_ALLOWED,
    REVISIT_NOT_MODIFIED,
    REVISIT_PLAN_FAILED,
    REVISIT_REMOVED,
    REVISIT_REQUESTED,
    REVISIT_RESTORED,
    REVISIT_SITE_DOWN,
    STORE_FAILED,
)
from crawler.store.database import Article, ArticleVersion, CrawlRun, Store

logger = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
# Below the listing pages (0) and the articles they link to: discovery comes first.
REVISIT_PRIORITY = -2


def schedule_for(settings, source: str) -> list[timedelta]:
    spans = settings.getdict("REVISIT_SCHEDULES").get(source) or settings.getlist("REVISIT_SCHEDULE")
    return sorted(map(clock.parse_span, spans))


def next_check(first_seen_at: datetime, now: datetime, schedule: list[timedelta]) -> datetime | None:
    """The next stage of the schedule after now, or None when the schedule is done."""
    return next((first_seen_at + step for step in schedule if first_seen_at + step > now), None)


@dataclass
class Due:
    """A stored article due for a check, with what the check needs."""

    id: int
    url: str
    news_code: str
    first_seen_at: datetime
    due_at: datetime
    etag: str | None
    last_modified: str | None


def due_articles(store: Store, source: str, now: datetime, schedule: list[timedelta], limit: int) -> list[Due]:
    """The articles of a source due for a check at `now`, longest due first, at most `limit`. An article
    never checked has no next_check_at yet: it is due at its first stage."""
    if limit <= 0 or not schedule:
        return []
    columns = (
        Article.id,
        Article.url,
        Article.news_code,
        Article.first_seen_at,
        Article.next_check_at,
        Article.etag,
        Article.last_modified,
    )
    with Session(store.engine) as session:
        planned = session.execute(
            select(*columns)
            .where(Article.source == source, Article.next_check_at <= now)
            .order_by(Article.next_check_at)
            .limit(limit)
        ).all()
        unplanned = session.execute(
            select(*columns)
            .where(
                Article.source == source,
                Article.next_check_at.is_(None),
                Article.last_checked_at.is_(None),
                Article.first_seen_at <= now - schedule[0],
            )
            .order_by(Article.first_seen_at)
            .limit(limit)
        ).all()
    due = [
        Due(
            row.id,
            row.url,
            row.news_code,
            row.first_seen_at,
            row.next_check_at or row.first_seen_at + schedule[0],
            row.etag,
            row.last_modified,
        )
        for row in [*planned, *unplanned]
    ]
    return sorted(due, key=lambda article: (article.due_at, article.id))[:limit]


def budget(store: Store, source: str, settings) -> int:
    """How many checks this run may make: REVISIT_SHARE of its requests, were it to make as many other
    requests as the source's previous run did; at least REVISIT_MIN_PER_RUN."""
    share = settings.getfloat("REVISIT_SHARE")
    floor = settings.getint("REVISIT_MIN_PER_RUN")
    with Session(store.engine) as session:
        previous = session.execute(
            select(CrawlRun.pages, CrawlRun.revisited)
            .where(CrawlRun.source == source)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).one_or_none()
    if previous is None or not 0 < share < 1:
        return floor
    discovery = max(0, previous.pages - previous.revisited)
    # revisits / (discovery + revisits) ≤ share; the epsilon keeps 0.25 × 8 from rounding down to 1.
    return max(floor, math.floor(share * discovery / (1 - share) + 1e-9))


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class Revisits:
    """The extension: plans a source's checks when its spider starts (NewsSpider.start asks
    `revisit_requests`), reads their answers, keeps the validators every stored article page was
    served with, and counts revisited / edited / removed in the crawl stats."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self.stats = crawler.stats
        self.store = Store.for_crawler(crawler)
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        # The ids of articles a check read again: whether the store kept a new version of one is known only
        # once the pipelines have written it. (These requests are planned from the store, so a job
        # (JOBDIR) keeps them in memory, not in its queue on disk: a resumed job plans them again.)
        self.reread: set[int] = set()
        # Articles whose checks failed a day apart: (article, when, HTTP status, URL).
        self.unreachable: list[tuple[Due, datetime, int | None, str]] = []

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @classmethod
    def of(cls, crawler) -> Revisits | None:
        return next((ext for ext in crawler.extensions.middlewares if isinstance(ext, cls)), None)

    # -- planning -------------------------------------------------------------------------------------

    def requests(self, spider) -> Iterator[scrapy.Request]:
        schedule = schedule_for(self.settings, spider.name)
        try:
            allowed = budget(self.store, spider.name, self.settings)
            due = due_articles(self.store, spider.name, clock.now(self.settings), schedule, allowed)
        except SQLAlchemyError as error:
            self.stats.inc_value(REVISIT_PLAN_FAILED)
            logger.error(
                "%s: cannot read the database to plan revisits (%s): none this run",
                spider.name,
                str(error).splitlines()[0],
                extra={"spider": spider},
            )
            return
        self.stats.set_value(REVISIT_BUDGET, allowed)
        self.stats.set_value(REVISIT_REQUESTED, len(due))
        if due:
            logger.info("%s: checking %d stored articles again (budget %d)", spider.name, len(due), allowed)
        for article in due:
            headers = {
                name: value
                for name, value in (("If-None-Match", article.etag), ("If-Modified-Since", article.last_modified))
                if value
            }
            yield scrapy.Request(
                article.url,
                self.revisited,
                errback=self.check_failed,
                headers=headers,
                priority=REVISIT_PRIORITY,
                dont_filter=True,
                meta={"revisit": article, "handle_httpstatus_list": [304], "dont_retry": True},
            )

    # -- answers --------------------------------------------------------------------------------------

    def revisited(self, response: Response) -> Iterator[ArticleItem]:
        spider = self.crawler.spider
        article: Due = response.meta["revisit"]
        now = clock.now(self.settings)
        self.stats.inc_value(REVISIT_CHECKED)
        if response.status == 304:
            self.stats.inc_value(REVISIT_NOT_MODIFIED)
            self.alive(article, now, not_modified=True)
            return
        if response.meta.get("redirect_urls") and not spider.is_article_url(response.url):
            where = "home" if urlsplit(response.url).path in ("", "/") else "listing"
            self.gone(article, now, f"redirect to {where}", response.meta["redirect_reasons"][0], response.url)
            return
        page = ArticlePage(spider.site, response) if isinstance(response, TextResponse) else None
        item = page.item() if page is not None and not page.not_an_article() else None
        if item is not None and page is not None and page.not_an_article(item):
            item = None
        if item is None or not (item.title and item.body):
            # At the article's URL, a page that does not read as one: a «not found» page served with 200.
            self.gone(article, now, "soft 404", response.status, response.url)
            return
        spider.count_provenance(item)
        self.alive(article, now, not_modified=False)
        self.reread.add(article.id)
        yield item

    def check_failed(self, failure: Failure) -> None:
        article: Due = failure.request.meta["revisit"]  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
        now = clock.now(self.settings)
        self.stats.inc_value(REVISIT_CHECKED)
        response = failure.value.response if failure.check(HttpError) else None
        if response is None and failure.check(IgnoreRequest):
            # Not asked at all (robots.txt forbids the path now): no evidence either way; on to the next stage.
            self.stats.inc_value(REVISIT_NOT_ALLOWED)
            self.alive(article, now, not_modified=False, evidence=False)
            return
        if response is not None and response.status in GONE_STATUSES:
            self.gone(article, now, str(response.status), response.status, response.url)
            return
        what = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        self.stats.inc_value(REVISIT_FAILED)
        confirm = clock.parse_span(self.settings.get("REVISIT_CONFIRM_AFTER"))
        try:
            since = self.store.record_failing(article.id, now, now + confirm)
        except SQLAlchemyError as error:
            self.store_failed(article, error)
            return
        if since is not None and now - since >= confirm:
            # Decided when the crawl ends: a site that answers nothing at all is down, its articles are not gone.
            self.unreachable.append(
                (article, now, response.status if response is not None else None, failure.request.url)
            )  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
        else:
            logger.info(
                "%s: check of %s failed (%s); checked again in %s before it counts as taken down",
                self.crawler.spider.name,
                article.url,
                what,
                clock.hours(confirm),
            )

    @property
    def site_answered(self) -> bool:
        """Whether the site served a listing, an article or a revisited page in this run."""
        stats = self.stats
        return bool(
            stats.get_value(LISTING_PAGES)
            or stats.get_value(ARTICLE_PAGES)
            or stats.get_value(REVISIT_CHECKED, 0) > stats.get_value(REVISIT_FAILED, 0)
        )

    def alive(self, article: Due, now: datetime, not_modified: bool, evidence: bool = True) -> None:
        schedule = schedule_for(self.settings, self.crawler.spider.name)
        next_at = next_check(article.first_seen_at, now, schedule)
        try:
            if not evidence:
                self.store.record_checked(article.id, now, next_at)
                return
            restored = self.store.record_alive(article.id, now, next_at, not_modified)
        except SQLAlchemyError as error:
            self.store_failed(article, error)
            return
        if restored:
            self.stats.inc_value(REVISIT_RESTORED)
            logger.warning("%s: %s is back (it had been taken down)", self.crawler.spider.name, article.url)

    def gone(self, article: Due, now: datetime, reason: str, status: int | None, final_url: str) -> None:
        schedule = schedule_for(self.settings, self.crawler.spider.name)
        try:
            newly = self.store.record_removed(
                article.id, now, next_check(article.first_seen_at, now, schedule), reason, status, final_url
            )
        except SQLAlchemyError as error:
            self.store_failed(article, error)
            return
        if newly:
            self.stats.inc_value(REVISIT_REMOVED)
            logger.warning(
                "%s: %s TAKEN DOWN (%s, HTTP %s at %s)",
                self.crawler.spider.name,
                article.url,
                reason,
                status,
                final_url,
            )

    def store_failed(self, article: Due, error: SQLAlchemyError) -> None:
        self.stats.inc_value(STORE_FAILED)
        logger.error(
            "%s: the check of %s was NOT RECORDED: %s",
            self.crawler.spider.name,
            article.url,
            str(error).splitlines()[0],
            extra={"spider": self.crawler.spider},
        )

    # -- validators and counts ------------------------------------------------------------------------

    def item_scraped(self, item, response, spider) -> None:
        if isinstance(item, ArticleItem) and response is not None:
            found = (header(response, "ETag"), header(response, "Last-Modified"))
            if any(found):
                self.validators[item.news_code] = found

    def spider_closed(self, spider) -> None:
        """After the pipelines have written every article: the validators, which re-read articles the
        store found edited, and the articles unreachable for a day, if the site answered this run."""
        if self.unreachable and not self.site_answered:
            self.stats.inc_value(REVISIT_SITE_DOWN, len(self.unreachable))
            logger.warning(
                "%s: the site answered no page in this run: %d articles failing for a day are not "
                "counted as taken down",
                spider.name,
                len(self.unreachable),
            )
        elif self.unreachable:
            for article, when, status, url in self.unreachable:
                self.gone(article, when, "unreachable", status, url)
        try:
            self.store.record_validators(spider.name, self.validators)
            if self.reread:
                with Session(self.store.engine) as session:
                    edited = session.scalar(
                        select(func.count(distinct(ArticleVersion.article_id))).where(
                            ArticleVersion.article_id.in_(self.reread),
                            ArticleVersion.replaced_at >= self.stats.get_value("start_time"),
                        )
                    )
                self.stats.set_value(REVISIT_EDITED, edited)
        except SQLAlchemyError as error:
            self.stats.inc_value(STORE_FAILED)
            logger.error(
                "%s: validators and edit counts NOT RECORDED: %s",
                spider.name,
                str(error).splitlines()[0],
                extra={"spider": spider},
            )


def revisit_requests(spider) -> Iterator[scrapy.Request]:
    """The checks of stored articles due in this run; none where the extension is not enabled."""
    revisits = Revisits.of(spider.crawler)
    return revisits.requests(spider) if revisits is not None else iter(())
