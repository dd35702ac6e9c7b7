"""The end-of-run summary: one row per source, from its crawl stats, and the verdict on it."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from sqlalchemy.engine import make_url

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
    store_failed: int = 0
    listing_pages: int = 0
    article_pages: int = 0
    known_skipped: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    gave_up: int = 0
    finish_reason: str = ""

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
            errors=stats.get("log_count/ERROR", 0),
            fallbacks=stats.get("extraction/fallback_items", 0),
            store_failed=stats.get("store/failed", 0),
            listing_pages=stats.get("listing/pages", 0),
            article_pages=stats.get("article/pages", 0),
            known_skipped=stats.get("listing/known_skipped", 0),
            faults=faults_from_stats(stats),
            gave_up=stats.get("retry/max_reached", 0) + stats.get("redirect/loop", 0),
            finish_reason=str(stats.get("finish_reason", "not started")),
        )

    @property
    def articles(self) -> int:
        return self.new + self.updated + self.unchanged

    @property
    def problems(self) -> list[str]:
        """Why this source's run needs a person's attention; empty when it does not."""
        found = []
        if self.finish_reason != "finished":
            found.append(f"finished with {self.finish_reason!r}")
        if self.store_failed:
            found.append(f"{self.store_failed} articles NOT STORED (database error)")
        if self.gave_up:
            found.append(f"pages given up: {self.gave_up} (retries exhausted or a redirect loop; see the log)")
        if self.article_pages and not self.articles:
            found.append(f"fetched {self.article_pages} article pages but stored none: has the layout changed?")
        if self.listing_pages and not self.article_pages and not self.known_skipped:
            found.append("listing pages link to no article: has the layout changed?")
        return found


def format_table(rows: list[SourceSummary]) -> str:
    header = ("source", "pages", "new", "updated", "unchanged", "dropped", "errors", "fallbacks", "faults", "status")
    lines = [header]
    for row in rows:
        dropped = sum(row.dropped.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(row.dropped.items()) if v)
        faults = ", ".join(f"{k} {v}" for k, v in sorted(row.faults.items()))
        lines.append((row.source, str(row.pages), str(row.new), str(row.updated), str(row.unchanged),
                      f"{dropped} ({reasons})" if reasons else "0", str(row.errors), str(row.fallbacks),
                      f"{sum(row.faults.values())} ({faults})" if faults else "0", "; ".join(row.problems) or "ok"))
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
    """Runs sources in one process, then prints a summary table and sets the exit status:
    non-zero when any source needs a person's attention."""

    requires_project = True

    def crawl_sources(self, names: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        crawlers = [self._create_crawler(name) for name in names]
        for crawler in crawlers:
            self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        rows = [SourceSummary.from_stats(crawler.spidercls.name, crawler.stats.get_stats()) for crawler in crawlers]
        print()
        print(format_table(rows))
        print(f"\ndatabase: {describe_database(self.settings.get('DATABASE_URL'))}")
        failing = [row.source for row in rows if row.problems]
        if failing or self.crawler_process.bootstrap_failed:
            print(f"NEEDS ATTENTION: {', '.join(failing) or 'a crawler failed to start'}")
            self.exitcode = 1
