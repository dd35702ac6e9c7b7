"""What the commands check before a crawl sends its first request: a mistake in the command line or the
settings is then one line and the right exit status (2 for a usage error, 1 for a database that cannot
be used), instead of a traceback during the crawl, or a crawl whose every article is then lost.
"""

from __future__ import annotations

import functools
import sys
from urllib.parse import urlsplit

from scrapy.exceptions import UsageError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from crawler.store.database import DEFAULT_DATABASE_URL, Store, sqlite_file


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


def check_spider_arguments(spiders: list[type], arguments: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each source's spider arguments: those of the command line it takes (its class's `arguments`), so
    `crawlall -a api=0` gives `api` to the WordPress sources only. An argument no source takes, or a value
    a source refuses (its `check_arguments`), is a usage error."""
    taken = {name for spider in spiders for name in spider.arguments} | {SCRAPYD_JOB_ARGUMENT}
    if unknown := sorted(set(arguments) - taken):
        takers: dict[tuple[str, ...], list[str]] = {}
        for spider in spiders:
            takers.setdefault(tuple(spider.arguments), []).append(spider.name)
        takes = "; ".join(f"{', '.join(names)} take{'s' if len(names) == 1 else ''} "
                          f"{', '.join(f'-a {name}' for name in names_taken)}"
                          for names_taken, names in takers.items())
        raise UsageError(f"unknown spider argument(s) {', '.join(f'-a {name}' for name in unknown)}; {takes}")
    by_source = {}
    for spider in spiders:
        own = {name: value for name, value in arguments.items()
               if name in spider.arguments or name == SCRAPYD_JOB_ARGUMENT}
        try:
            spider.check_arguments(own)
        except ValueError as error:
            raise UsageError(str(error)) from None
        by_source[spider.name] = own
    return by_source


def check_database_url(url: str | None) -> None:
    """DATABASE_URL names a database that keeps what is stored in it: a server, or a SQLite file in a
    directory that exists (the default's, data/, is created)."""
    if not (url or "").strip():
        raise UsageError("DATABASE_URL is empty: give a database URL such as sqlite:///data/articles.db "
                         "or postgresql+psycopg://user@host/news")
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except ArgumentError:
        raise UsageError("DATABASE_URL is not a database URL (dialect+driver://user:password@host/database, "
                         "or sqlite:///path/to/file.db)") from None
    except NoSuchModuleError:
        raise UsageError(f"DATABASE_URL: no database driver {parsed.drivername!r} "
                         "(sqlite, postgresql+psycopg)") from None
    if parsed.get_backend_name() != "sqlite":
        return
    database = sqlite_file(url)
    if database is None:
        raise UsageError(f"DATABASE_URL {url} is a database in memory: everything stored would be lost at exit; "
                         "give a file, such as sqlite:///data/articles.db")
    if url != DEFAULT_DATABASE_URL and not database.parent.is_dir():
        raise UsageError(f"DATABASE_URL {url}: the directory {database.parent.resolve()} does not exist")


def check_mirror_url(url: str | None) -> None:
    if not url:
        return
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"MIRROR_URL {url!r} is not an http(s) URL such as http://127.0.0.1:8000")


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
        raise DatabaseUnavailable(f"cannot open and write the database {shown_url(url)}: {reason}; "
                                  "nothing crawled") from None
    return store
