"""One crawl at a time per database, so that a cron run overlapping the previous one exits at once.

The lock is an exclusive `flock` on a file: next to the SQLite database; for a server database,
`data/<host>_<database>.lock` (so one lock per machine); or the file CRAWL_LOCK_FILE names. The
operating system releases it when the process ends, however it ends (a crawl killed with SIGKILL
leaves no stale lock behind); the file only says who holds it.
"""

from __future__ import annotations

import fcntl
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

# Exit status of a run that found another one holding the lock (sysexits.h EX_TEMPFAIL: try again later).
LOCKED_EXIT_STATUS = 75


class LockHeld(Exception):
    pass


def lock_path(database_url: str, lock_file: str = "") -> Path:
    if lock_file:
        return Path(lock_file)
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Path(f"{parsed.database}.lock")
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parsed.host or 'localhost'}_{parsed.database or parsed.drivername}")
    return Path("data") / f"{name}.lock"


class CrawlLock:
    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def acquire(self) -> None:
        """Takes the lock or raises LockHeld at once, saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("a+")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.seek(0)
            holder = file.read().strip() or "another process"
            file.close()
            raise LockHeld(f"another crawl holds {self.path} ({holder}); not crawling") from None
        file.truncate(0)
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        file.write(f"pid {os.getpid()}, started {started}: {' '.join(sys.argv)}\n")
        file.flush()
        self.file = file

    def release(self) -> None:
        if self.file is not None:
            self.file.truncate(0)
            self.file.close()
            self.file = None
