"""One crawl at a time per database, so that a cron run overlapping the previous one exits at once.

The lock is an exclusive `flock` on a file: next to a SQLite database (`<file>.lock`); for a server
database, `<host>_<port>_<database>.lock` in the user's state directory (`$XDG_STATE_HOME`, else
`~/.local/state`, under `iran-municipal-news/`), so one lock per machine and user whatever the current
directory; or the file CRAWL_LOCK_FILE names. The operating system releases it when the process ends,
however it ends (a crawl killed with SIGKILL leaves no stale lock behind). The file, readable by its
owner only, says who holds it: the process id, its start time and the command, never its arguments
(a `-s DATABASE_URL=…` may carry a password).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
from datetime import datetime, timezone
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from crawler.stats import LOCK_LOCKED_ELSEWHERE
from crawler.store.database import Store, sqlite_file

logger = logging.getLogger(__name__)

# Exit status of a run that found another one holding the lock (sysexits.h EX_TEMPFAIL: try again later).
LOCKED_EXIT_STATUS = 75
STATE_DIRECTORY = "iran-municipal-news"


class LockHeld(Exception):
    pass


def state_directory() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / STATE_DIRECTORY


def lock_path(database_url: str, lock_file: str = "") -> Path:
    if lock_file:
        return Path(lock_file).expanduser().absolute()
    database = sqlite_file(database_url)
    if database is not None:
        return database.with_name(f"{database.name}.lock").absolute()
    parsed = make_url(database_url)
    name = re.sub(r"[^A-Za-z0-9.-]+", "_",
                  f"{parsed.host or 'localhost'}_{parsed.port or 'default'}_{parsed.database or parsed.drivername}")
    return state_directory() / f"{name}.lock"


class CrawlLock:
    def __init__(self, path: Path, command: str = "crawl"):
        self.path = path
        self.command = command
        self.file = None

    def acquire(self) -> None:
        """Takes the lock or raises LockHeld at once, saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)  # a lock file left by an older version may be readable by all
        file = os.fdopen(descriptor, "r+")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = file.read().strip() or "another process"
            file.close()
            raise LockHeld(f"another crawl holds {self.path} ({holder}); not crawling") from None
        file.truncate(0)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        file.write(f"pid {os.getpid()}, started {started}: scrapy {self.command}\n")
        file.flush()
        self.file = file

    def release(self) -> None:
        if self.file is not None:
            self.file.truncate(0)
            self.file.close()
            self.file = None


def locks_per_source(database_url: str) -> bool:
    """Whether crawls on this database lock each source in the database itself (PostgreSQL, shared by
    every machine) rather than the whole database with a file on this machine."""
    return make_url(database_url).get_backend_name() == "postgresql"


# Crawl stat of a source that another crawl, on any machine, holds: the holder, as PostgreSQL names it.
LOCKED_ELSEWHERE = LOCK_LOCKED_ELSEWHERE


class SourceLock:
    """Spider middleware: on PostgreSQL, a crawl takes a session advisory lock on its source before its
    first request, and a source another crawl holds (on this machine or another: `crawl`, `crawlall`,
    a scrapyd job) is skipped: nothing is fetched and its summary says `locked elsewhere`. The lock
    lives on a connection of its own, so PostgreSQL releases it when the crawl ends, however it ends
    (a process killed with SIGKILL or a machine lost drops the connection). On SQLite the crawl
    command's file lock serves (CrawlLock)."""

    LOCK = text("select pg_try_advisory_lock(hashtextextended(:name, 0))")
    HOLDER = text("select coalesce(min(nullif(a.application_name, '')), 'another crawl') from pg_locks l"
                  " join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted"
                  " and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(:name, 0)")

    def __init__(self, crawler, engine: Engine):
        self.crawler = crawler
        self.engine = engine
        self.connection: Connection | None = None

    @classmethod
    def from_crawler(cls, crawler):
        database_url = crawler.settings.get("DATABASE_URL") or ""
        if not crawler.settings.getbool("SOURCE_LOCK_ENABLED", True) or not locks_per_source(database_url):
            raise NotConfigured("the crawl lock is a file (crawler.store.lock.CrawlLock)")
        lock = cls(crawler, Store.open(database_url).engine)
        crawler.signals.connect(lock.release, signal=signals.spider_closed)
        return lock

    async def process_start(self, start):
        if self.acquire(self.crawler.spider.name):
            async for request_or_item in start:
                yield request_or_item

    def acquire(self, source: str) -> bool:
        name = f"crawl {source}"
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text("select set_config('application_name', :holder, false)"),
                           {"holder": f"{name}: pid {os.getpid()} on {socket.gethostname()}"[:63]})
        if connection.execute(self.LOCK, {"name": name}).scalar_one():
            self.connection = connection
            return True
        holder = connection.execute(self.HOLDER, {"name": name}).scalar_one()
        connection.invalidate()
        self.crawler.stats.set_value(LOCKED_ELSEWHERE, holder)
        logger.warning("%s: locked elsewhere (%s holds it); not crawling it", source, holder)
        return False

    def release(self) -> None:
        """Ends the lock's session (not only the lock), so that no pooled connection keeps it."""
        if self.connection is not None:
            self.connection.invalidate()
            self.connection = None
