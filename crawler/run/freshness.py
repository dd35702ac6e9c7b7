"""Silent sources: a source is stale when no new article has reached the store for longer than its
usual gap between new articles.

The usual gap is learned from the source's own history: the FRESHNESS_QUANTILE (0.95) of the gaps
between its articles' appearances over the last FRESHNESS_WINDOW (60 days), kept between
FRESHNESS_FLOOR (12 h: nights and weekends are no alarm) and FRESHNESS_CEILING (7 d); with fewer than
FRESHNESS_MIN_GAPS gaps in the window, the ceiling. FRESHNESS_MAX_SILENCE sets it per source instead
(«{"imo": "3d"}»). An article appears when it was published, or when the crawl first saw it if that
was earlier (a date in the future, a wrong clock): a backfill's old articles then count at their own
dates, not all at the moment they were stored. The silence is the time since the newest article was
first seen: what an operator needs to know is that nothing new arrives, whether the site stopped
publishing, its feed froze or the crawl stopped seeing it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapy import signals
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.run import clock
from crawler.stats import DATABASE_LOST, FRESHNESS_STALE, FRESHNESS_USUAL_HOURS
from crawler.store.database import Article, Store

STALE = FRESHNESS_STALE


@dataclass
class Freshness:
    source: str
    #: When the newest article was first seen; None when the source has none stored.
    last_new: datetime | None
    silence: timedelta | None
    #: The longest silence that is still usual, and how it was found.
    usual: timedelta
    basis: str

    @property
    def stale(self) -> bool:
        return self.silence is not None and self.silence > self.usual

    @property
    def figures(self) -> str:
        """«no new article for 52 h; usual ≤ 20 h»"""
        if self.silence is None:
            return "no article stored yet"
        return f"no new article for {clock.hours(self.silence)}; usual ≤ {clock.hours(self.usual)}"

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "stale": self.stale,
            "figures": self.figures,
            "last_new": self.last_new.isoformat() if self.last_new else None,
            "silence_hours": round(self.silence.total_seconds() / 3600, 1) if self.silence is not None else None,
            "usual_hours": round(self.usual.total_seconds() / 3600, 1),
            "basis": self.basis,
        }


def usual_gap(appearances: list[datetime], settings, source: str) -> tuple[timedelta, str]:
    """The longest gap between new articles that is still usual for a source, and how it was found."""
    fixed = settings.getdict("FRESHNESS_MAX_SILENCE").get(source)
    if fixed:
        return clock.parse_span(fixed), "set for this source"
    floor = clock.parse_span(settings.get("FRESHNESS_FLOOR"))
    ceiling = clock.parse_span(settings.get("FRESHNESS_CEILING"))
    moments = sorted(appearances)
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(moments, moments[1:])]
    if len(gaps) < max(2, settings.getint("FRESHNESS_MIN_GAPS")):
        return ceiling, f"ceiling: {len(gaps)} gaps in the window are too few to learn from"
    quantile = settings.getfloat("FRESHNESS_QUANTILE")
    learned = timedelta(seconds=statistics.quantiles(gaps, n=1000, method="inclusive")[round(quantile * 1000) - 1])
    window = settings.get("FRESHNESS_WINDOW")
    basis = f"{quantile:.0%} of {len(gaps)} gaps over {window}"
    if learned < floor:
        return floor, f"floor ({basis}: {clock.hours(learned)})"
    if learned > ceiling:
        return ceiling, f"ceiling ({basis}: {clock.hours(learned)})"
    return learned, basis


def check(store: Store, source: str, now: datetime, settings) -> Freshness:
    window = clock.parse_span(settings.get("FRESHNESS_WINDOW"))
    with Session(store.engine) as session:
        last_new = session.scalar(select(func.max(Article.first_seen_at)).where(Article.source == source))
        # first_seen_at bounds the appearance from above: this reads every article that may appear in the window.
        rows = session.execute(
            select(Article.published_at, Article.first_seen_at).where(
                Article.source == source, Article.first_seen_at >= now - window
            )
        ).all()
    appearances = [min(published, seen) for published, seen in rows if min(published, seen) >= now - window]
    usual, basis = usual_gap(appearances, settings, source)
    return Freshness(source, last_new, now - last_new if last_new else None, usual, basis)


class FreshnessAtClose:
    """The extension: once a source's crawl has stored its articles, whether the source is stale; the
    figures go into the crawl stats (`freshness/stale`), and the summary makes them a problem of the run."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider, reason) -> None:
        if not getattr(spider, "hosts", ()):  # a page fetcher (`scrapy record`): no source's hosts, no source
            return
        stats, settings = self.crawler.stats, self.crawler.settings
        try:
            found = check(Store.for_crawler(self.crawler), spider.name, clock.now(settings), settings)
        except (OperationalError, InterfaceError) as error:
            # The database went away (a server stopped, a connection cut): that, not freshness, is the news.
            stats.set_value(DATABASE_LOST, str(error).splitlines()[0])
            return
        except SQLAlchemyError as error:
            stats.set_value(STALE, f"freshness not checked: {str(error).splitlines()[0]}")
            return
        stats.set_value(FRESHNESS_USUAL_HOURS, found.as_dict()["usual_hours"])
        if found.stale:
            stats.set_value(STALE, found.figures)
            spider.logger.warning("%s is STALE: %s (%s)", spider.name, found.figures, found.basis)
