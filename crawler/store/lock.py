"""One crawl at a time per database: a run that finds another one crawling waits for it, up to
CRAWL_LOCK_WAIT_SECONDS (so that jobs scheduled together on SQLite queue), then exits 75.

The lock is an exclusive `flock` on a file: next to a SQLite database (`<file>.lock`); for a server
database, `<host>_<port>_<database>.lock` in the user's state directory (`$XDG_STATE_HOME`, else
`~/.local/state`, under `iran-municipal-news/`), so one lock per machine and user whatever the current
directory; or the file CRAWL_LOCK_FILE names, in a directory that exists. Symbolic links are resolved, so
that a database reached through a link is locked as itself. The operating system releases the lock when
the process ends, however it ends (a crawl killed with SIGKILL leaves no stale lock behind). The file,
readable by its owner only, says who holds it: the process id, its start time and the command, never its
arguments (a `-s DATABASE_URL=…` may carry a password).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import socket
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

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
    def __init__(self, message: str, holder: str):
        super().__init__(message)
        self.holder = holder


class LockUnusable(Exception):
    """The lock file cannot be created or opened (a missing or unwritable directory)."""


def state_directory() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / STATE_DIRECTORY


def lock_path(database_url: str, lock_file: str = "") -> Path:
    if lock_file:
        return Path(lock_file).expanduser().resolve()
    database = sqlite_file(database_url)
    if database is not None:
        database = database.resolve()
        return database.with_name(f"{database.name}.lock")
    parsed = make_url(database_url)
    name = re.sub(
        r"[^A-Za-z0-9.-]+",
        "_",
        f"{parsed.host or 'localhost'}_{parsed.port or 'default'}_{parsed.database or parsed.drivername}",
    )
    return state_directory() / f"{name}.lock"


class CrawlLock:
    def __init__(self, path: Path, command: str = "crawl"):
        self.path = path
        self.command = command
        self.file: TextIO | None = None

    def acquire(self, wait: float = 0, waiting: Callable[[str], None] = lambda holder: None) -> None:
        """Takes the lock, waiting for it up to `wait` seconds (calling `waiting` with the holder once if it
        has to), or raises LockHeld, saying who holds it; LockUnusable when the file cannot be opened."""
        if self.path.parent == state_directory():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise LockUnusable(f"cannot open the crawl lock {self.path}: {error.strerror}") from None
        os.fchmod(descriptor, 0o600)  # a lock file left by an older version may be readable by all
        file = os.fdopen(descriptor, "r+")
        deadline, told = time.monotonic() + wait, False
        while True:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                file.seek(0)
                holder = file.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    file.close()
                    raise LockHeld(f"another crawl holds {self.path} ({holder}); not crawling", holder) from None
                if not told:
                    waiting(holder)
                    told = True
                time.sleep(min(1.0, deadline - time.monotonic()))
        file.seek(0)
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
    HOLDER = text(
        "select coalesce(min(nullif(a.application_name, '')), 'another crawl') from pg_locks l"
        " join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted"
        " and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(:name, 0)"
    )

    def __init__(self, crawler, engine: Engine):
        self.crawler = crawler
        self.engine = engine
        self.connection: Connection | None = None

    @classmethod
    def from_crawler(cls, crawler):
        database_url = crawler.settings.get("DATABASE_URL") or ""
        if not crawler.settings.getbool("SOURCE_LOCK_ENABLED", True) or not locks_per_source(database_url):
            # Without a message: Scrapy logs a warning per crawler for one with, five per crawlall on SQLite, where
            # the crawl lock is a file (CrawlLock), as it should be.
            raise NotConfigured
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
        connection.execute(
            text("select set_config('application_name', :holder, false)"),
            {"holder": f"{name}: pid {os.getpid()} on {socket.gethostname()}"[:63]},
        )
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
