"""What the commands check before a crawl sends its first request: a mistake in the command line or the
settings is then one line and the right exit status (2 for a usage error, 1 for a database that cannot
be used), instead of a traceback during the crawl, or a crawl whose every article is then lost.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from crawler.extract.dates import parse_day_bound
from crawler.run import clock
from crawler.store.database import DEFAULT_DATABASE_URL, Store, sqlite_file

SUPPORTED_DATABASES = (
    "the crawler stores into SQLite (sqlite:///path/to/file.db) or PostgreSQL (postgresql+psycopg://…)"
)


class DatabaseUnavailable(Exception):
    """The database cannot be opened or written: nothing is crawled (exit status 1)."""


def one_line_errors(run):
    """Wraps a command's `run`: a usage error or an unusable database is one line on stderr and the
    exit status (2 or 1), with no usage text and no traceback."""

    @functools.wraps(run)
    def checked_run(command, args, opts):
        try:
            return run(command, args, opts)
        except UsageError as error:
            print(f"error: {error}", file=sys.stderr)
            command.exitcode = 2
        except DatabaseUnavailable as error:
            print(f"error: {error}", file=sys.stderr)
            command.exitcode = 1

    return checked_run


# The job id scrapyd passes to every crawl it runs: every source takes it.
SCRAPYD_JOB_ARGUMENT = "_job"


def check_spider_arguments(spiders: list[Any], arguments: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each source's spider arguments: those of the command line it takes (its class's `arguments`), so
    `crawlall -a api=0` gives `api` to the WordPress sources only. An argument no source takes, or a value
    a source refuses (its `check_arguments`), is a usage error. (The spiders are NewsSpider classes, which
    this layer cannot import, hence Any.)"""
    taken = {name for spider in spiders for name in spider.arguments} | {SCRAPYD_JOB_ARGUMENT}
    if unknown := sorted(set(arguments) - taken):
        takers: dict[tuple[str, ...], list[str]] = {}
        for spider in spiders:
            takers.setdefault(tuple(spider.arguments), []).append(spider.name)
        takes = "; ".join(
            f"{', '.join(names)} take{'s' if len(names) == 1 else ''} {', '.join(f'-a {name}' for name in names_taken)}"
            for names_taken, names in takers.items()
        )
        raise UsageError(f"unknown spider argument(s) {', '.join(f'-a {name}' for name in unknown)}; {takes}")
    by_source = {}
    for spider in spiders:
        own = {
            name: value for name, value in arguments.items() if name in spider.arguments or name == SCRAPYD_JOB_ARGUMENT
        }
        try:
            spider.check_arguments(own)
        except ValueError as error:
            raise UsageError(str(error)) from None
        by_source[spider.name] = own
    return by_source


def check_database_url(url: str | None) -> None:
    """DATABASE_URL names a database that keeps what is stored in it: a server, or a SQLite file in a
    directory that exists (the default's, data/, is created)."""
    if url is None or not url.strip():
        raise UsageError(
            "DATABASE_URL is empty: give a database URL such as sqlite:///data/articles.db "
            "or postgresql+psycopg://user@host/news"
        )
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except ArgumentError:
        raise UsageError(
            "DATABASE_URL is not a database URL (dialect+driver://user:password@host/database, "
            "or sqlite:///path/to/file.db)"
        ) from None
    except NoSuchModuleError:
        raise UsageError(f"DATABASE_URL: no database driver {parsed.drivername!r}; {SUPPORTED_DATABASES}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise UsageError(f"DATABASE_URL: {parsed.get_backend_name()} is not supported; {SUPPORTED_DATABASES}")
    if parsed.get_backend_name() != "sqlite":
        return
    database = sqlite_file(url)
    if database is None:
        raise UsageError(
            f"DATABASE_URL {url} is a database in memory: everything stored would be lost at exit; "
            "give a file, such as sqlite:///data/articles.db"
        )
    if url != DEFAULT_DATABASE_URL and not database.parent.is_dir():
        raise UsageError(f"DATABASE_URL {url}: the directory {database.parent.resolve()} does not exist")


def check_mirror_url(url: str | None) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        # The address is not repeated: its password would land in the log and in cron's mail.
        raise UsageError(
            "MIRROR_URL carries a user name or password: the mirror is a plain http(s) address "
            "such as http://127.0.0.1:8000, and the crawler sends no credentials to it"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"MIRROR_URL {url!r} is not an http(s) URL such as http://127.0.0.1:8000")


def check_lock_file(path: str | None) -> None:
    """CRAWL_LOCK_FILE lies in a directory that exists: a mistyped directory is not created in passing."""
    if path and not (directory := Path(path).expanduser().parent).is_dir():
        raise UsageError(f"CRAWL_LOCK_FILE {path}: the directory {directory.absolute()} does not exist")


def check_outputs(paths: list[Path]) -> None:
    """Each output file (-o) can be written where it is asked for: said before anything is printed."""
    for path in paths:
        directory = path.expanduser().absolute().parent
        if not directory.is_dir():
            raise UsageError(f"-o {path}: the directory {directory} does not exist; nothing written")
        if not os.access(directory, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise UsageError(f"-o {path}: not writable; nothing written")


def _not_negative(number: float) -> None:
    if not number >= 0:  # NaN included
        raise ValueError


def _shares(values) -> list[float]:
    shares = [float(value) for value in values]
    for share in shares:
        _not_negative(share)
    return shares


def _spans(spans) -> list[timedelta]:
    return [clock.parse_span(span) for span in ([spans] if isinstance(spans, (str, int, float)) else spans)]


#: How each setting the crawler reads as a number, a span or a date is read (raising ValueError or TypeError
#: for a value that is not one), and what to write instead.
WHOLE = (lambda settings, name: _not_negative(settings.getint(name)), "a whole number, 0 or more")
NUMBER = (lambda settings, name: _not_negative(settings.getfloat(name)), "a number, 0 or more")
SPAN = (lambda settings, name: clock.parse_span(settings.get(name)), "a span of time such as 90m, 6h, 1d or 2w")
CHECKED_SETTINGS: dict[str, tuple[Callable, str]] = {
    **dict.fromkeys(
        (
            "LISTING_PAGE_BUDGET",
            "HOLE_PROBES_PER_RUN",
            "SITEMAP_HOLES_PER_RUN",
            "WORDPRESS_API_MONTHS",
            "STORE_BATCH_SIZE",
            "RETRY_TIMES",
            "CONCURRENT_REQUESTS",
            "CONCURRENT_ITEMS",
            "CONCURRENT_REQUESTS_PER_DOMAIN",
            "REVISIT_MIN_PER_RUN",
            "FRESHNESS_MIN_GAPS",
            "WORDPRESS_API_PER_PAGE",
            "URLLENGTH_LIMIT",
            "REDIRECT_MAX_TIMES",
            "DOWNLOAD_MAXSIZE",
            "DOWNLOAD_WARNSIZE",
            "CLOSESPIDER_PAGECOUNT",
            "CLOSESPIDER_ITEMCOUNT",
            "CLOSESPIDER_ERRORCOUNT",
        ),
        WHOLE,
    ),
    **dict.fromkeys(
        (
            "STORE_FLUSH_SECONDS",
            "DOWNLOAD_DELAY",
            "DOWNLOAD_TIMEOUT",
            "AUTOTHROTTLE_START_DELAY",
            "AUTOTHROTTLE_MAX_DELAY",
            "AUTOTHROTTLE_TARGET_CONCURRENCY",
            "RETRY_BACKOFF_BASE",
            "RETRY_BACKOFF_MAX",
            "BROWSER_TIMEOUT",
            "REVISIT_SHARE",
            "COPIES_THRESHOLD",
            "FRESHNESS_QUANTILE",
            "WORDPRESS_API_DISAGREEMENT_MAX",
            "COVERAGE_MIN",
            "SNAPSHOT_OVERLAP_SECONDS",
            "CLOSESPIDER_TIMEOUT",
            "CRAWL_LOCK_WAIT_SECONDS",
        ),
        NUMBER,
    ),
    **dict.fromkeys(
        (
            "FRESHNESS_WINDOW",
            "FRESHNESS_FLOOR",
            "FRESHNESS_CEILING",
            "REVISIT_CONFIRM_AFTER",
            "COVERAGE_RECOUNT",
            "COVERAGE_WINDOW",
            "WORDPRESS_API_RETRY",
        ),
        SPAN,
    ),
    "COVERAGE_MINIMA": (
        lambda settings, name: _shares(settings.getdict(name).values()),
        'a share per source, such as {"imo": 0.8}',
    ),
    "REVISIT_SCHEDULE": (lambda settings, name: _spans(settings.getlist(name)), "spans of time such as 1h,6h,1d"),
    "REVISIT_SCHEDULES": (
        lambda settings, name: [_spans(spans) for spans in settings.getdict(name).values()],
        'spans per source, such as {"imo": ["1d", "7d"]}',
    ),
    "FRESHNESS_MAX_SILENCE": (
        lambda settings, name: [_spans(span) for span in settings.getdict(name).values()],
        'a span per source, such as {"imo": "3d"}',
    ),
    "ARCHIVE_HORIZON": (
        lambda settings, name: settings.get(name) and parse_day_bound(settings.get(name)),
        "a day such as 1400-01-01 or 2021-03-21",
    ),
    "CLOCK_NOW": (
        lambda settings, name: clock.now(settings),
        "an instant with its offset, such as 2026-11-22T08:00:00+03:30",
    ),
}


def check_settings(settings) -> None:
    """Every number, span and date the crawler reads from its settings (settings.py, the environment, -s)
    is readable: a wrong one is a usage error before the first request, not a traceback in the middle."""
    for name, (read, expected) in CHECKED_SETTINGS.items():
        try:
            read(settings, name)
        except (ValueError, TypeError):
            raise UsageError(f"setting {name}={settings.get(name)!r}: give {expected}") from None


def shown_url(url: str) -> str:
    """A database URL as it may be printed: without its password."""
    parsed = make_url(url)
    return url if parsed.get_backend_name() == "sqlite" else parsed.render_as_string(hide_password=True)


def open_writable(url: str) -> Store:
    """The store, its schema current, once a write to it has been tried (and rolled back)."""
    try:
        store = Store.open(url)
        store.check_writable()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"cannot open and write the database {shown_url(url)}: {reason}; nothing crawled"
        ) from None
    return store
