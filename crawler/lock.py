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
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from crawler.storage import sqlite_file

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
