"""The end-of-run summary: one row per source, from its crawl stats, and the verdict on it
(the failed monitors of crawler/run/monitors.py), also kept in the table `crawl_runs`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.run.freshness import STALE
from crawler.run.preflight import (
    check_database_url,
    check_lock_file,
    check_mirror_url,
    check_settings,
    check_spider_arguments,
    one_line_errors,
    open_writable,
)
from crawler.stats import (
    ARTICLE,
    ARTICLE_GIVEN_UP,
    ARTICLE_NOT_ARTICLE,
    ARTICLE_PAGES,
    ARTICLE_REPLACEMENT_CHARACTERS,
    CHALLENGE_FAILED,
    CHALLENGE_SOLVED,
    COVERAGE_DECLARED,
    COVERAGE_EVIDENCE,
    COVERAGE_MIN,
    COVERAGE_STORED,
    COVERAGE_WINDOW,
    COVERAGE_WINDOW_DECLARED,
    COVERAGE_WINDOW_STORED,
    CRAWL_ERRORS,
    DATABASE_LOST,
    DOWNLOAD_TOO_LARGE,
    DOWNLOADER_EXCEPTION_TYPE,
    DOWNLOADER_RESPONSE_STATUS,
    DROPPED,
    DROPPED_MISSING,
    EXTRACTION_FALLBACK_ITEMS,
    FEEDEXPORT_FAILED,
    FRONTIER_BEHIND,
    LISTING_FAILED,
    LISTING_KNOWN_SKIPPED,
    LISTING_PAGES,
    MONITORS_FAILURES,
    REDIRECT_LOOP,
    REVISIT_CHECKED,
    REVISIT_EDITED,
    REVISIT_REMOVED,
    STORE_NEW,
    STORE_UNCHANGED,
    STORE_UPDATED,
    WPAPI_MALFORMED_JSON,
    WPAPI_SELFCHECK_AGREE,
    WPAPI_SELFCHECK_DISAGREE,
    WPAPI_STATE,
)
from crawler.store.database import CrawlRun, Store, prepare_directory
from crawler.store.lock import (
    LOCKED_ELSEWHERE,
    LOCKED_EXIT_STATUS,
    CrawlLock,
    LockHeld,
    LockUnusable,
    lock_path,
    locks_per_source,
)

logger = logging.getLogger(__name__)

# Download failures (Scrapy's exception_type_count stats) by the name an operator knows them by.
FAILURE_NAMES = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "ResponseDataLossError": "truncated",
    "DownloadFailedError": "connection lost",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection lost",
    "DownloadConnectionRefusedError": "refused",
    "ConnectionRefusedError": "refused",
    "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
    "IgnoreRequest": "refused by the crawler",
    "NotSupported": "not supported",
    "RedirectLoop": "redirect loop",
    "PageTooLarge": "too large",
    "DownloadCancelledError": "too large",
}
# Answers that mean the site turns the crawler away, rather than failing.
BLOCKING_STATUSES = {"403", "429"}
# Download failures that mean the site could not be reached at all.
UNREACHABLE = {"timeout", "connection lost", "refused", "dns", "not supported"}


def failure_name(key: str) -> str:
    """A failed download's stats name («…/twisted.internet.error.DNSLookupError», «…/404») as an operator knows it."""
    exception = key.rsplit("/", 1)[1].rsplit(".", 1)[-1]
    return FAILURE_NAMES.get(exception, exception)


def failures_by_name(stats: dict, prefix: str) -> dict[str, int]:
    """The pages given up under a stats prefix («listing/failed/403»…), by the name an operator knows."""
    failures: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith(prefix):
            name = failure_name(key)
            failures[name] = failures.get(name, 0) + value
    return failures


def faults_from_stats(stats: dict) -> dict[str, int]:
    """Every response with an error status, failed download and redirect loop, by kind (retried ones included)."""
    faults: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith(DOWNLOADER_RESPONSE_STATUS) and int(key.rsplit("/", 1)[1]) >= 400:
            name = key.rsplit("/", 1)[1]
        elif key.startswith(DOWNLOADER_EXCEPTION_TYPE) and not key.endswith(".PageTooLarge"):
            # (a page the browser found too large is counted as DOWNLOAD_TOO_LARGE already)
            name = failure_name(key)
        elif key == REDIRECT_LOOP:
            name = "redirect loop"
        elif key == WPAPI_MALFORMED_JSON:
            name = "malformed json"
        elif key == DOWNLOAD_TOO_LARGE:
            name = "too large"
        elif key == ARTICLE_REPLACEMENT_CHARACTERS:
            name = "invalid bytes"
        else:
            continue
        faults[name] = faults.get(name, 0) + value
    return faults


def describe_coverage(stored: int, declared: int, evidence: str) -> str:
    """A source's coverage as the log, the status and the report say it: «118 of 120 (98%) by api total»."""
    share = f"{stored / declared:.0%}" if declared else "-"
    return f"{stored} of {declared} ({share}) by {evidence}"


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
    #: Listing pages given up, by final status or failure («403», «dns»…; crawler/run/listings.py).
    listing_failures: dict[str, int] = field(default_factory=dict)
    #: Article pages given up, likewise (crawler/run/given_up.py).
    article_failures: dict[str, int] = field(default_factory=dict)
    #: Feeds (-o/-O) that could not be written.
    outputs_failed: int = 0
    finish_reason: str = ""
    # WordPress's REST API (crawler/sources/wpapi.py): "open", "closed: <how>", "off", or "" for other sources;
    # the self-check's posts whose page agreed and disagreed with them.
    api: str = ""
    api_agreements: int = 0
    api_disagreements: int = 0
    failures: list[str] = field(default_factory=list)
    #: Part of the listing was left unwalked; the next runs go on with it (crawler/sources/frontier.py).
    behind: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # Keeping watch (crawler/sources/revisits.py, crawler/run/freshness.py): stored articles checked again, found
    # edited, found taken down; and why the source is stale, if it is.
    revisited: int = 0
    edited: int = 0
    removed: int = 0
    stale: str = ""
    # Who held the source when this crawl wanted it (crawler.store.lock.SourceLock); empty when it was crawled.
    locked_by: str = ""
    # The database's error when it could not be read at the end of the source's crawl; empty when it could.
    database_lost: str = ""
    # What the site declares it holds, by which evidence, how many of those are stored, and the share below
    # which that needs attention (crawler/sources/coverage.py); none where the site gave no evidence.
    coverage_declared: int | None = None
    coverage_stored: int | None = None
    coverage_evidence: str = ""
    coverage_min: float = 0.95
    # The same over the articles of the last `coverage_window` («30d»), where the evidence dates them: what the
    # status judges when known.
    coverage_window: str = ""
    coverage_window_declared: int | None = None
    coverage_window_stored: int | None = None

    @classmethod
    def from_stats(cls, source: str, stats: dict) -> SourceSummary:
        dropped = {
            key.removeprefix(DROPPED): value
            for key, value in stats.items()
            if key.startswith(DROPPED) and not key.startswith(DROPPED_MISSING)
        }
        dropped.update(
            {key.removeprefix(ARTICLE): value for key, value in stats.items() if key in (ARTICLE_NOT_ARTICLE,)}
        )
        return cls(
            source=source,
            pages=stats.get("response_received_count", 0),
            new=stats.get(STORE_NEW, 0),
            updated=stats.get(STORE_UPDATED, 0),
            unchanged=stats.get(STORE_UNCHANGED, 0),
            dropped=dropped,
            errors=stats.get(CRAWL_ERRORS, stats.get("log_count/ERROR", 0)),
            fallbacks=stats.get(EXTRACTION_FALLBACK_ITEMS, 0),
            listing_pages=stats.get(LISTING_PAGES, 0),
            article_pages=stats.get(ARTICLE_PAGES, 0),
            known_skipped=stats.get(LISTING_KNOWN_SKIPPED, 0),
            challenges_solved=stats.get(CHALLENGE_SOLVED, 0),
            challenges_failed=stats.get(CHALLENGE_FAILED, 0),
            faults=faults_from_stats(stats),
            listing_failures=failures_by_name(stats, LISTING_FAILED),
            article_failures=failures_by_name(stats, ARTICLE_GIVEN_UP),
            outputs_failed=sum(value for key, value in stats.items() if key.startswith(FEEDEXPORT_FAILED)),
            finish_reason=LOCKED_ELSEWHERE_STATUS
            if stats.get(LOCKED_ELSEWHERE)
            else str(stats.get("finish_reason", "not started")),
            api=str(stats.get(WPAPI_STATE, "")),
            api_agreements=stats.get(WPAPI_SELFCHECK_AGREE, 0),
            api_disagreements=stats.get(WPAPI_SELFCHECK_DISAGREE, 0),
            failures=list(stats.get(MONITORS_FAILURES, [])),
            behind=bool(stats.get(FRONTIER_BEHIND)),
            started_at=stats.get("start_time"),
            finished_at=stats.get("finish_time"),
            revisited=stats.get(REVISIT_CHECKED, 0),
            edited=stats.get(REVISIT_EDITED, 0),
            removed=stats.get(REVISIT_REMOVED, 0),
            stale=stats.get(STALE, ""),
            locked_by=stats.get(LOCKED_ELSEWHERE, ""),
            database_lost=stats.get(DATABASE_LOST, ""),
            coverage_declared=stats.get(COVERAGE_DECLARED),
            coverage_stored=stats.get(COVERAGE_STORED),
            coverage_evidence=stats.get(COVERAGE_EVIDENCE, ""),
            coverage_min=stats.get(COVERAGE_MIN, 0.95),
            coverage_window=stats.get(COVERAGE_WINDOW, ""),
            coverage_window_declared=stats.get(COVERAGE_WINDOW_DECLARED),
            coverage_window_stored=stats.get(COVERAGE_WINDOW_STORED),
        )

    @property
    def findings(self) -> list[tuple[StatusRule, list[str]]]:
        """The status rules that apply to this run, in STATUS_RULES order, with what each found."""
        if self.locked_by:  # not crawled here: another crawl (another machine) has the source
            return [(LOCKED_ELSEWHERE_RULE, [f"held by {self.locked_by}"])]
        return [(rule, reasons) for rule in STATUS_RULES if (reasons := rule.reasons(self))]

    @property
    def status(self) -> str:
        """The first status rule that applies, or «ok»."""
        findings = self.findings
        return findings[0][0].status if findings else "ok"

    @property
    def needs_attention(self) -> bool:
        return any(rule.attention for rule, _ in self.findings)

    @property
    def problems(self) -> list[str]:
        """Why this run needs a person's attention, one «status: reason» each (crawl_runs.problems); empty when
        it does not."""
        return [f"{rule.status}: {reason}" for rule, reasons in self.findings if rule.attention for reason in reasons]

    def describe(self) -> str:
        """The status column: «ok», or each rule that applies with what it found; or the one rule that applies
        `alone`, whose findings go below the table (`details_below`)."""
        findings = self.findings
        if alone := next((rule for rule, _ in findings if rule.alone), None):
            return alone.status
        return (
            "; ".join(
                f"{rule.status}: {'; '.join(reasons)}" if rule.attention else rule.status for rule, reasons in findings
            )
            or self.status
        )

    def details_below(self) -> list[str]:
        """When a rule applies `alone`: what every rule found, a line each («hamshahri: database lost: …»)."""
        if not any(rule.alone for rule, _ in self.findings):
            return []
        return [f"{self.source}: {problem}" for problem in self.problems]

    def crawl_run(self, arguments: dict) -> CrawlRun:
        return CrawlRun(
            source=self.source,
            started_at=self.started_at,
            finished_at=self.finished_at,
            finish_reason=self.finish_reason,
            arguments=arguments,
            pages=self.pages,
            listing_pages=self.listing_pages,
            article_pages=self.article_pages,
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
            known_skipped=self.known_skipped,
            dropped=sum(self.dropped.values()),
            dropped_reasons=self.dropped,
            errors=self.errors,
            fallbacks=self.fallbacks,
            api=self.api,
            api_agreements=self.api_agreements,
            api_disagreements=self.api_disagreements,
            problems="\n".join(self.problems),
            revisited=self.revisited,
            edited=self.edited,
            removed=self.removed,
            behind=self.behind,
            coverage_declared=self.coverage_declared,
            coverage_stored=self.coverage_stored,
            coverage_evidence=self.coverage_evidence,
        )

    @property
    def coverage(self) -> str:
        """The table's cell: «100%(12/12)», or «-» where the site gave no evidence."""
        if self.coverage_declared is None or self.coverage_stored is None:
            return "-"
        share = f"{self.coverage_stored / self.coverage_declared:.0%}" if self.coverage_declared else "-"
        return f"{share}({self.coverage_stored}/{self.coverage_declared})"


def failures_of_kind(failures: dict[str, int], kinds: Callable[[str], bool]) -> dict[str, int]:
    """The pages given up (a source's listing or article pages), of the kinds chosen."""
    return {kind: n for kind, n in sorted(failures.items()) if kinds(kind)}


def counted(failures: dict[str, int], what: str, pages: str = "listing page") -> list[str]:
    """«2 listing pages answered 403», «1 listing page not fetched: dns»."""
    if not failures:
        return []
    total = sum(failures.values())
    kinds = ", ".join(f"{kind} ×{n}" if n > 1 else kind for kind, n in failures.items())
    return [f"{total} {pages}{'s' if total > 1 else ''} {what} {kinds}"]


def not_finished(row: SourceSummary) -> list[str]:
    if row.finished_at is None or row.finish_reason != "finished":
        return [f"did not run to its end ({row.finish_reason})"]
    return []


def blocked(row: SourceSummary) -> list[str]:
    found = counted(failures_of_kind(row.listing_failures, BLOCKING_STATUSES.__contains__), "answered")
    found += counted(failures_of_kind(row.article_failures, BLOCKING_STATUSES.__contains__), "answered", "article page")
    if row.challenges_failed:
        found.append(f"{row.challenges_failed} CDN challenge(s) NOT SOLVED: the pages behind them were skipped")
    return found


def unreachable(row: SourceSummary) -> list[str]:
    return counted(failures_of_kind(row.listing_failures, UNREACHABLE.__contains__), "not fetched:")


def listing_failed(row: SourceSummary) -> list[str]:
    found = counted(
        failures_of_kind(row.listing_failures, lambda kind: kind not in BLOCKING_STATUSES | UNREACHABLE), "answered"
    )
    if row.finished_at is not None and not row.listing_pages:
        found.append("no listing page fetched: nothing was discovered")
    return found


def failing(row: SourceSummary) -> list[str]:
    """The failed monitors, the article pages given up (but those the site blocked), the articles unreadable."""
    found = list(row.failures)
    found += counted(
        failures_of_kind(row.article_failures, lambda kind: kind not in BLOCKING_STATUSES), "given up:", "article page"
    )
    if garbled := row.dropped.get("garbled"):
        found.append(
            f"{garbled} article{'s' if garbled > 1 else ''} NOT STORED: garbled (more than 2% of the title "
            "or body not in the page's encoding)"
        )
    return found


def errors(row: SourceSummary) -> list[str]:
    found = [f"{row.errors} error{'s' if row.errors > 1 else ''} logged (see the log)"] if row.errors else []
    if row.outputs_failed:
        found.append(f"{row.outputs_failed} output feed(s) NOT WRITTEN (-o/-O)")
    return found


def low_coverage(row: SourceSummary) -> list[str]:
    """Fewer articles stored than COVERAGE_MIN of what the site declares: of the last COVERAGE_WINDOW where the
    evidence dates them, else of all. Not while part of the walk is still to be read (`behind`): the next runs go
    on with it, and the shortfall is theirs to fill."""
    declared, stored, window = row.coverage_declared, row.coverage_stored, ""
    if row.coverage_window_declared is not None and row.coverage_window_stored is not None:
        declared, stored = row.coverage_window_declared, row.coverage_window_stored
        window = f" in the last {row.coverage_window}"
    if declared is None or stored is None or not declared or row.behind or stored >= row.coverage_min * declared:
        return []
    return [f"{describe_coverage(stored, declared, row.coverage_evidence)}{window}, below {row.coverage_min:.0%}"]


@dataclass(frozen=True)
class StatusRule:
    """One way a source's run can go wrong: the word the summary's status shows, and what it found in
    the run (nothing when the rule does not apply). A rule with `attention` makes the exit status 1."""

    status: str
    reasons: Callable[[SourceSummary], list[str]]
    attention: bool = True
    #: What it found explains the rest and is too long for the table (a database's error): the status column
    #: shows its word alone, and what every rule found follows the table.
    alone: bool = False


#: In order: a source's status is the first rule that applies; every rule that applies is listed.
STATUS_RULES: list[StatusRule] = [
    # The database could not be read at the end: what the other rules found may be its consequences.
    StatusRule("database lost", lambda row: [row.database_lost] if row.database_lost else [], alone=True),
    StatusRule("stopped", not_finished),
    StatusRule("blocked", blocked),
    StatusRule("unreachable", unreachable),
    StatusRule("listing failed", listing_failed),
    StatusRule("failing", failing),
    StatusRule("errors", errors),
    StatusRule("stale", lambda row: [row.stale] if row.stale else []),
    StatusRule("coverage", low_coverage),
    # Part of the listing is still to be walked: the next runs go on with it (crawler/sources/frontier.py).
    StatusRule(
        "behind", lambda row: ["part of the listing is still to be walked"] if row.behind else [], attention=False
    ),
]


#: A source another crawl holds (crawler.store.lock.SourceLock, PostgreSQL): the only status of its row.
LOCKED_ELSEWHERE_RULE = StatusRule(LOCKED_ELSEWHERE_STATUS, lambda row: [], attention=False)


def challenges(row: SourceSummary) -> str:
    """CDN challenges met: «2 solved», «1 failed», «2 solved, 1 failed», or «0»."""
    counts = [f"{n} {what}" for n, what in ((row.challenges_solved, "solved"), (row.challenges_failed, "failed")) if n]
    return ", ".join(counts) or "0"


def api_columns(row: SourceSummary) -> tuple[str, str]:
    """Which path a WordPress source took («api»: its REST API; «closed»: the site refused it, so its HTML;
    «off»), and its self-check: posts whose page agreed with them, of those checked. «-» elsewhere."""
    path = row.api.split(":")[0] if row.api else "-"
    checked = row.api_agreements + row.api_disagreements
    return ("api" if path == "open" else path), (f"{row.api_agreements}/{checked}" if checked else "-")


def format_table(rows: list[SourceSummary]) -> str:
    header = (
        "source",
        "pages",
        "new",
        "updated",
        "unchanged",
        "known",
        "dropped",
        "errors",
        "fallbacks",
        "faults",
        "challenges",
        "api",
        "agree",
        "revisited",
        "edited",
        "removed",
        "coverage",
        "status",
    )
    lines = [header]
    for row in rows:
        dropped = sum(row.dropped.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(row.dropped.items()) if v)
        faults = ", ".join(f"{k} {v}" for k, v in sorted(row.faults.items()))
        lines.append(
            (
                row.source,
                str(row.pages),
                str(row.new),
                str(row.updated),
                str(row.unchanged),
                str(row.known_skipped),
                f"{dropped} ({reasons})" if reasons else "0",
                str(row.errors),
                str(row.fallbacks),
                f"{sum(row.faults.values())} ({faults})" if faults else "0",
                challenges(row),
                *api_columns(row),
                str(row.revisited),
                str(row.edited),
                str(row.removed),
                row.coverage,
                row.describe(),
            )
        )
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
    attention, 2 for a usage error, 75 when another crawl holds the lock (nothing was crawled).
    The command line and the settings are checked before the first request (crawler/run/preflight.py)."""

    requires_project = True
    #: The command's name, as the lock file shows who holds it.
    name = "crawl"

    def sources(self, args: list[str], opts: argparse.Namespace) -> list[str]:
        """The sources to crawl, from the command line; raises UsageError."""
        raise NotImplementedError

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        names = self.sources(args, opts)
        loader = self.crawler_process.spider_loader
        arguments = check_spider_arguments([loader.load(name) for name in names], opts.spargs)
        check_database_url(self.settings.get("DATABASE_URL"))
        check_mirror_url(self.settings.get("MIRROR_URL"))
        check_lock_file(self.settings.get("CRAWL_LOCK_FILE"))
        check_settings(self.settings)
        self.crawl_sources(arguments)

    def crawl_sources(self, arguments: dict[str, dict[str, str]]) -> None:
        """Crawls each source (the keys) with its spider arguments."""
        assert self.crawler_process and self.settings
        database_url = self.settings.get("DATABASE_URL")
        # On PostgreSQL each source is locked in the database as its crawl starts (crawler.store.lock.SourceLock).
        lock = (
            None
            if locks_per_source(database_url)
            else CrawlLock(lock_path(database_url, self.settings.get("CRAWL_LOCK_FILE", "")), self.name)
        )
        try:
            if lock:
                prepare_directory(database_url)
                wait = self.settings.getfloat("CRAWL_LOCK_WAIT_SECONDS")
                # Logged: a scrapyd job's log (or cron's crawl.log) shows why it started late.
                lock.acquire(
                    wait,
                    lambda holder: logger.warning(
                        "another crawl holds %s (%s): waiting up to %g s for it", lock.path, holder, wait
                    ),
                )
        except LockUnusable as error:
            raise UsageError(str(error)) from None
        except LockHeld as held:
            print(f"{held}: exiting", file=sys.stderr)
            self.exitcode = LOCKED_EXIT_STATUS
            self.record_locked_out(database_url, held.holder, arguments)
            return
        try:
            open_writable(database_url)
            rows = self.run_crawlers(arguments)
            print()
            print(format_table(rows))
            for line in (line for row in rows for line in row.details_below()):
                print(line)
            print(f"\ndatabase: {describe_database(database_url)}")
            try:
                self.record(database_url, rows, arguments)
            except SQLAlchemyError as error:
                print(f"could not record this run in crawl_runs: {str(error).splitlines()[0]}", file=sys.stderr)
                self.exitcode = 1
        finally:
            if lock:
                lock.release()
        failing = [row.source for row in rows if row.needs_attention]
        if failing or self.crawler_process.bootstrap_failed:
            print(f"NEEDS ATTENTION: {', '.join(failing) or 'a crawler failed to start'}")
            self.exitcode = 1
        elif rows and all(row.locked_by for row in rows):
            self.exitcode = LOCKED_EXIT_STATUS  # nothing crawled: every source was being crawled elsewhere

    def run_crawlers(self, arguments: dict[str, dict[str, str]]) -> list[SourceSummary]:
        assert self.crawler_process
        crawlers = [self._create_crawler(name) for name in arguments]
        for crawler in crawlers:
            if jobdir := crawler.settings.get("JOBDIR"):
                # Scrapy keeps one crawl's state per job directory: each source gets its own (above the
                # command line's priority, which the process merges into each crawler again).
                crawler.settings.set(
                    "JOBDIR",
                    str(Path(jobdir) / crawler.spidercls.name),
                    priority=(crawler.settings.getpriority("JOBDIR") or 0) + 1,
                )
            self.crawler_process.crawl(crawler, **arguments[crawler.spidercls.name])
        self.crawler_process.start()
        return [SourceSummary.from_stats(crawler.spidercls.name, crawler.stats.get_stats()) for crawler in crawlers]

    def record_locked_out(self, database_url: str, holder: str, arguments: dict[str, dict[str, str]]) -> None:
        """A run that never got the lock is still a row per source in crawl_runs (`locked elsewhere`): a
        queue of jobs that keeps timing out shows in the history, not only in the jobs' logs."""
        now = datetime.now(timezone.utc)
        rows = [
            SourceSummary(
                name, finish_reason=LOCKED_ELSEWHERE_STATUS, locked_by=holder, started_at=now, finished_at=now
            )
            for name in arguments
        ]
        try:
            self.record(database_url, rows, arguments)
        except SQLAlchemyError as error:
            print(f"could not record this run in crawl_runs: {str(error).splitlines()[0]}", file=sys.stderr)

    @staticmethod
    def record(database_url: str, rows: list[SourceSummary], arguments: dict[str, dict[str, str]]) -> None:
        with Session(Store.open(database_url).engine) as session, session.begin():
            session.add_all(row.crawl_run(arguments[row.source]) for row in rows)
