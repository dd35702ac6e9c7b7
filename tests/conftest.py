"""Shared fixtures: the offline mirror on loopback, a real SQLite file, the project's CLI."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from crawler.extract.dates import TEHRAN
from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer

CHECKOUT_BEFORE = pytest.StashKey[set]()

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = Path(sys.executable).parent / "scrapy"
DATABASE_NUMBERS = itertools.count(1)

# The suite writes nothing into the checkout: whatever reaches for the default database or the crawl
# lock's state directory (an in-process spider reading a listing page looks up stored articles) gets
# a temporary directory instead. Set before the project's settings are first read.
SCRATCH = Path(tempfile.mkdtemp(prefix="crawler-tests-"))
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'articles.db'}"
os.environ["XDG_STATE_HOME"] = str(SCRATCH / "state")
os.environ["ARCHIVE_DIR"] = str(SCRATCH / "archive")
os.environ.pop("CRAWL_LOCK_FILE", None)
# What may appear in the checkout while the suite runs: the caches of Python, pytest and the linters.
CACHES = {".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache"}


def checkout_files() -> set[Path]:
    found: set[Path] = set()
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in CACHES]
        found.update(Path(directory, name).relative_to(ROOT) for name in files)
    return found


# What a test needs beyond Python, known from the fixtures it takes (or the parameter of a fixture that
# picks the database): the markers `python3 tasks.py test --fast` leaves out (pyproject.toml). Modules whose
# every test crawls or runs the scrapy command say so themselves (`pytestmark`).
MARKERS_BY_FIXTURE = {
    "mirror": "crawl",
    "chromium": "browser",
    "postgresql_url": "postgres",
    "postgresql_server": "postgres",
    "postgres_server": "postgres",
    "scrapyd_pair": "scrapyd",
}
MARKERS_BY_PARAMETER = {"postgresql": "postgres"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        parameters = getattr(item, "callspec", None)
        needs = {MARKERS_BY_FIXTURE[name] for name in getattr(item, "fixturenames", ()) if name in MARKERS_BY_FIXTURE}
        needs |= {
            MARKERS_BY_PARAMETER[value]
            for value in (parameters.params.values() if parameters else ())
            if isinstance(value, str) and value in MARKERS_BY_PARAMETER
        }
        for marker in sorted(needs):
            item.add_marker(marker)


def pytest_sessionstart(session) -> None:
    session.config.stash[CHECKOUT_BEFORE] = checkout_files()


def pytest_sessionfinish(session, exitstatus) -> None:
    """Fails the run when a test left a file in the checkout (a database, a lock file)."""
    left = sorted(map(str, checkout_files() - session.config.stash[CHECKOUT_BEFORE]))
    shutil.rmtree(SCRATCH, ignore_errors=True)
    if left:
        print(f"\nFAILED: the test suite wrote into the checkout: {', '.join(left)}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def mirror():
    """The bundled mirror served over real HTTP on 127.0.0.1; yields its URL."""
    with MirrorServer(DEFAULT_ROOT) as server:
        yield server.url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'articles.db'}"


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


def stored_articles(database_url: str) -> dict[str, dict]:
    """The rows of a SQLite database's articles by news code, as stored, but for `published_at`: ISO
    text in UTC there, given here on Tehran's clock as the store reads it (and the golden files hold it)."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        rows = {row["news_code"]: dict(row) for row in connection.execute("select * from articles")}
    for row in rows.values():
        row["published_at"] = datetime.fromisoformat(row["published_at"]).astimezone(TEHRAN).isoformat()
    return rows


def scrapy_cli(
    *args: str, mirror_url: str, database_url: str, timeout: float = 120, preexec=None, **env: str
) -> subprocess.CompletedProcess:
    """The `scrapy` command of the project as an operator runs it, against the mirror (`preexec`: run in
    the child before it starts, to set its limits)."""
    environment = {**os.environ, "MIRROR_URL": mirror_url, "DATABASE_URL": database_url, **env}
    return subprocess.run(
        [str(SCRAPY), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec,
    )


@pytest.fixture(scope="session")
def postgresql_server():
    """A real PostgreSQL server for the whole test session, started here and stopped at the end."""
    from tests.support.postgres import postgres_or_skip

    with postgres_or_skip() as server:
        yield server


@pytest.fixture
def postgresql_url(postgresql_server) -> str:
    """A new, empty database on the test server."""
    return postgresql_server.create_database(f"test_{next(DATABASE_NUMBERS)}")
