"""The end-of-run summary: one row per source, from its crawl stats, and the verdict on it
(the failed monitors of crawler/monitors.py), also kept in the table `crawl_runs`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.lock import LOCKED_ELSEWHERE, LOCKED_EXIT_STATUS, CrawlLock, LockHeld, lock_path, locks_per_source
from crawler.monitors import ERRORS_DURING_CRAWL, FAILURES
from crawler.storage import CrawlRun, Store

# Download failures (Scrapy's exception_type_count stats) by the name an operator knows them by.
FAILURE_NAMES = {
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "ResponseDataLossError": "truncated",
    "DownloadFailedError": "connection lost", "ConnectionLost": "connection lost", "ConnectionDone": "connection lost",
    "DownloadConnectionRefusedError": "refused", "ConnectionRefusedError": "refused", "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
}


def faults_from_stats(stats: dict) -> dict[str, int]:
    """Every response with an error status, failed download and redirect loop, by kind (retried ones included)."""
    faults: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/") and int(key.rsplit("/", 1)[1]) >= 400:
            name = key.rsplit("/", 1)[1]
        elif key.startswith("downloader/exception_type_count/"):
            exception = key.rsplit("/", 1)[1].rsplit(".", 1)[-1]
            name = FAILURE_NAMES.get(exception, exception)
        elif key == "redirect/loop":
            name = "redirect loop"
        else:
            continue
        faults[name] = faults.get(name, 0) + value
    return faults


# A source skipped because another crawl, here or on another machine, was crawling it: not a problem.
LOCKED_ELSEWHERE_STATUS = "locked elsewhere"


@dataclass
class SourceSummary:
    source: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    fallbacks: int = 0
    listing_pages: int = 0
    article_pages: int = 0
    known_skipped: int = 0
    challenges_solved: int = 0
    challenges_failed: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    finish_reason: str = ""
    failures: list[str] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # Who held the source when this crawl wanted it (crawler.lock.SourceLock); empty when it was crawled.
    locked_by: str = ""

    @classmethod
    def from_stats(cls, source: str, stats: dict) -> SourceSummary:
        dropped = {key.removeprefix("dropped/"): value for key, value in stats.items()
                   if key.startswith("dropped/") and not key.startswith("dropped/missing_")}
        dropped.update({key.removeprefix("article/"): value for key, value in stats.items()
                        if key in ("article/not_article",)})
        return cls(
            source=source,
            pages=stats.get("response_received_count", 0),
            new=stats.get("store/new", 0),
            updated=stats.get("store/updated", 0),
            unchanged=stats.get("store/unchanged", 0),
            dropped=dropped,
            errors=stats.get(ERRORS_DURING_CRAWL, stats.get("log_count/ERROR", 0)),
            fallbacks=stats.get("extraction/fallback_items", 0),
            listing_pages=stats.get("listing/pages", 0),
            article_pages=stats.get("article/pages", 0),
            known_skipped=stats.get("listing/known_skipped", 0),
            challenges_solved=stats.get("challenge/solved", 0),
            challenges_failed=stats.get("challenge/failed", 0),
            faults=faults_from_stats(stats),
            finish_reason=LOCKED_ELSEWHERE_STATUS if stats.get(LOCKED_ELSEWHERE)
            else str(stats.get("finish_reason", "not started")),
            failures=list(stats.get(FAILURES, [])),
            started_at=stats.get("start_time"),
            finished_at=stats.get("finish_time"),
            locked_by=stats.get(LOCKED_ELSEWHERE, ""),
        )

    @property
    def problems(self) -> list[str]:
        """Why this source's run needs a person's attention; empty when it does not."""
        if self.finished_at is None:
            return [f"did not run to its end ({self.finish_reason})"]
        return self.failures

    @property
    def status(self) -> str:
        if self.problems:
            return "; ".join(self.problems)
        return LOCKED_ELSEWHERE_STATUS if self.locked_by else "ok"

    def crawl_run(self, arguments: dict) -> CrawlRun:
        return CrawlRun(source=self.source, started_at=self.started_at, finished_at=self.finished_at,
                        finish_reason=self.finish_reason, arguments=arguments, pages=self.pages,
                        listing_pages=self.listing_pages, article_pages=self.article_pages, new=self.new,
                        updated=self.updated, unchanged=self.unchanged, known_skipped=self.known_skipped,
                        dropped=sum(self.dropped.values()), dropped_reasons=self.dropped, errors=self.errors,
                        fallbacks=self.fallbacks, problems="\n".join(self.problems))


def challenges(row: SourceSummary) -> str:
    """CDN challenges met: «2 solved», «1 failed», «2 solved, 1 failed», or «0»."""
    counts = [f"{n} {what}" for n, what in ((row.challenges_solved, "solved"), (row.challenges_failed, "failed")) if n]
    return ", ".join(counts) or "0"


def format_table(rows: list[SourceSummary]) -> str:
    header = ("source", "pages", "new", "updated", "unchanged", "known", "dropped", "errors", "fallbacks",
              "faults", "challenges", "status")
    lines = [header]
    for row in rows:
        dropped = sum(row.dropped.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(row.dropped.items()) if v)
        faults = ", ".join(f"{k} {v}" for k, v in sorted(row.faults.items()))
        lines.append((row.source, str(row.pages), str(row.new), str(row.updated), str(row.unchanged),
                      str(row.known_skipped), f"{dropped} ({reasons})" if reasons else "0", str(row.errors),
                      str(row.fallbacks), f"{sum(row.faults.values())} ({faults})" if faults else "0", challenges(row),
                      row.status))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def describe_database(url: str) -> str:
    """The database URL without its password, and the file for SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return f"{url} ({Path(parsed.database).resolve()})"
    return parsed.render_as_string(hide_password=True)


class SummarizedCrawl(BaseRunSpiderCommand):
    """Runs sources in one process while holding the database's crawl lock, then prints a summary
    table, records it in `crawl_runs` and sets the exit status: 1 when any source needs a person's
    attention, 75 when another crawl holds the lock (nothing was crawled)."""

    requires_project = True

    def crawl_sources(self, names: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        database_url = self.settings.get("DATABASE_URL")
        # On PostgreSQL each source is locked in the database as its crawl starts (crawler.lock.SourceLock).
        lock = None if locks_per_source(database_url) else CrawlLock(
            lock_path(database_url, self.settings.get("CRAWL_LOCK_FILE", "")))
        try:
            if lock:
                lock.acquire()
        except LockHeld as held:
            print(f"{held}: exiting", file=sys.stderr)
            self.exitcode = LOCKED_EXIT_STATUS
            return
        try:
            rows = self.run_crawlers(names, opts)
            print()
            print(format_table(rows))
            print(f"\ndatabase: {describe_database(database_url)}")
            try:
                self.record(database_url, rows, opts.spargs)
            except SQLAlchemyError as error:
                print(f"could not record this run in crawl_runs: {str(error).splitlines()[0]}", file=sys.stderr)
                self.exitcode = 1
        finally:
            if lock:
                lock.release()
        failing = [row.source for row in rows if row.problems]
        if failing or self.crawler_process.bootstrap_failed:
            print(f"NEEDS ATTENTION: {', '.join(failing) or 'a crawler failed to start'}")
            self.exitcode = 1
        elif rows and all(row.locked_by for row in rows):
            self.exitcode = LOCKED_EXIT_STATUS  # nothing crawled: every source was being crawled elsewhere

    def run_crawlers(self, names: list[str], opts: argparse.Namespace) -> list[SourceSummary]:
        assert self.crawler_process
        crawlers = [self._create_crawler(name) for name in names]
        for crawler in crawlers:
            if jobdir := crawler.settings.get("JOBDIR"):
                # Scrapy keeps one crawl's state per job directory: each source gets its own (above the
                # command line's priority, which the process merges into each crawler again).
                crawler.settings.set("JOBDIR", str(Path(jobdir) / crawler.spidercls.name),
                                     priority=crawler.settings.getpriority("JOBDIR") + 1)
            self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        return [SourceSummary.from_stats(crawler.spidercls.name, crawler.stats.get_stats()) for crawler in crawlers]

    @staticmethod
    def record(database_url: str, rows: list[SourceSummary], arguments: dict) -> None:
        with Session(Store.open(database_url).engine) as session, session.begin():
            session.add_all(row.crawl_run(arguments) for row in rows)
