"""The database goes away in the middle of a crawl: the run goes on, exits non-zero, and names every
article it could not store; nothing is dropped silently (a real SQLite file locked by another writer,
a real PostgreSQL server stopped)."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import scrapy_cli
from tests.support.postgres import postgres_server  # noqa: F401 - a fixture

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

# Small batches and a pause between requests: the database fails while articles are still coming.
SLOW_CRAWL = ["-s", "STORE_BATCH_SIZE=2", "-s", "DOWNLOAD_DELAY=0.3"]
LOST = re.compile(r"(\S+): news code (\S+) \(\S+\) NOT STORED")


@pytest.fixture(scope="module")
def every_article(mirror, tmp_path_factory) -> set[tuple[str, str]]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'articles.db'}"
    result = scrapy_cli("crawlall", mirror_url=mirror, database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return set(connection.execute("select source, news_code from articles"))


def when_stored(count_rows: Callable[[], int], at_least: int, action: Callable[[], None]) -> threading.Thread:
    """Runs `action` as soon as the crawl has stored `at_least` articles."""

    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if count_rows() >= at_least:
                    action()
                    return
            except Exception:  # noqa: BLE001 - the table may not exist yet
                pass
            time.sleep(0.01)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


def check_nothing_silently_lost(result, stored: set, every_article: set) -> None:
    lost = set(LOST.findall(result.stderr))
    assert stored and lost, "the database must fail mid-run: some articles stored, some not"
    assert stored | lost == every_article and not stored & lost
    assert result.returncode == 1
    assert "NOT STORED" in result.stdout and "NEEDS ATTENTION" in result.stdout


def test_sqlite_locked_mid_run(mirror, tmp_path, every_article):
    path = tmp_path / "articles.db"
    release = threading.Event()

    def count_rows() -> int:
        with sqlite3.connect(path) as reader:
            return reader.execute("select count(*) from articles").fetchone()[0]

    def lock_until_released():
        other_writer = sqlite3.connect(path, isolation_level=None)
        other_writer.execute("BEGIN EXCLUSIVE")
        release.wait(180)
        other_writer.rollback()
        other_writer.close()

    watcher = when_stored(count_rows, 2, lambda: threading.Thread(target=lock_until_released, daemon=True).start())
    try:
        result = scrapy_cli("crawlall", *SLOW_CRAWL, mirror_url=mirror, database_url=f"sqlite:///{path}?timeout=0.2")
    finally:
        release.set()
        watcher.join(5)
    with sqlite3.connect(path) as reader:
        stored = set(reader.execute("select source, news_code from articles"))
    check_nothing_silently_lost(result, stored, every_article)


def test_postgresql_stopped_mid_run(mirror, postgres_server, every_article):
    engine = create_engine(postgres_server.url, pool_pre_ping=True)

    def count_rows() -> int:
        with engine.connect() as connection:
            return connection.execute(text("select count(*) from articles")).scalar_one()

    watcher = when_stored(count_rows, 2, postgres_server.stop)
    result = scrapy_cli("crawlall", *SLOW_CRAWL, mirror_url=mirror, database_url=postgres_server.url)
    watcher.join(5)
    engine.dispose()
    postgres_server.start()
    with create_engine(postgres_server.url).connect() as connection:
        stored = {tuple(row) for row in connection.execute(text("select source, news_code from articles"))}
    check_nothing_silently_lost(result, stored, every_article)
    # The status column says it in two words; the database's error follows the table, a line per source.
    sources = sorted({source for source, _ in every_article})
    lines = result.stdout.splitlines()
    status = next(line for line in lines if line.startswith("source ")).index("status")
    assert [line[status:] for line in lines if line.split(" ")[0] in sources] == ["database lost"] * len(sources)
    details = [line for line in lines if ": database lost: " in line]
    assert [line.split(":")[0] for line in details] == sources
    assert all("OperationalError" in line and "freshness" not in line for line in details)
