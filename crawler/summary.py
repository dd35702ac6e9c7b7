"""The end-of-run summary: one row per source, from its crawl stats, and the verdict on it."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from sqlalchemy.engine import make_url


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
    challenges_solved: int = 0
    challenges_failed: int = 0
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
            challenges_solved=stats.get("challenge/solved", 0),
            challenges_failed=stats.get("challenge/failed", 0),
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
        if self.article_pages and not self.articles:
            found.append(f"fetched {self.article_pages} article pages but stored none: has the layout changed?")
        if self.challenges_failed:
            found.append(f"{self.challenges_failed} CDN challenges NOT SOLVED: pages behind them skipped")
        if self.listing_pages and not self.article_pages and not self.known_skipped:
            found.append("listing pages link to no article: has the layout changed?")
        return found


def challenges(row: SourceSummary) -> str:
    """CDN challenges met: «2 solved», «1 failed», «2 solved, 1 failed», or «0»."""
    counts = [f"{n} {what}" for n, what in ((row.challenges_solved, "solved"), (row.challenges_failed, "failed")) if n]
    return ", ".join(counts) or "0"


def format_table(rows: list[SourceSummary]) -> str:
    header = ("source", "pages", "new", "updated", "unchanged", "dropped", "errors", "fallbacks", "challenges",
              "status")
    lines = [header]
    for row in rows:
        dropped = sum(row.dropped.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(row.dropped.items()) if v)
        lines.append((row.source, str(row.pages), str(row.new), str(row.updated), str(row.unchanged),
                      f"{dropped} ({reasons})" if reasons else "0", str(row.errors), str(row.fallbacks),
                      challenges(row), "; ".join(row.problems) or "ok"))
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
