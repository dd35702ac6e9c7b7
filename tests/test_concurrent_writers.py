"""Two writers at once on one PostgreSQL database: no duplicate rows, nothing lost."""

from __future__ import annotations

import os
import subprocess
import threading
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from crawler.extract.dates import TEHRAN
from crawler.items import ArticleItem
from crawler.store.database import Outcome, Store
from crawler.store.lock import LOCKED_EXIT_STATUS
from tests.conftest import ROOT, SCRAPY
from tests.golden import GOLDEN_ROOT
from tests.test_crawl_hamshahri import EXPECTED

# Every test here writes into a real PostgreSQL server.
pytestmark = pytest.mark.postgres

# crawlall stores every fixture article of every source.
ALL_ARTICLES = len(list(GOLDEN_ROOT.glob("*/*.json")))


def article(code: str) -> ArticleItem:
    return ArticleItem(
        source="hamshahri",
        news_code=code,
        url=f"https://www.hamshahrionline.ir/news/{code}/x",
        title="عنوان",
        body="متن",
        published_at=datetime(2021, 8, 28, 10, tzinfo=TEHRAN),
        published_jalali="1400-06-06",
        crawled_at=datetime.now(timezone.utc),
    )


def counts(database_url: str) -> tuple[int, int, int]:
    with Store.open(database_url).engine.connect() as connection:
        return connection.execute(
            text(
                "select count(*), count(distinct (source, news_code)), (select count(*) from article_versions)"
                " from articles"
            )
        ).one()


def test_threads_racing_on_the_same_articles_insert_each_once(postgresql_url):
    store = Store.open(postgresql_url)
    codes = [str(n) for n in range(30)]
    writers = 6
    start = threading.Barrier(writers)
    outcomes: list[Outcome] = []

    def write() -> None:
        start.wait()
        for code in codes:
            outcomes.append(store.upsert(article(code)))

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {Outcome.NEW: len(codes), Outcome.UNCHANGED: len(codes) * (writers - 1)}
    assert counts(postgresql_url) == (len(codes), len(codes), 0)


def summary_row(stdout: str, source: str) -> dict[str, int]:
    cells = next(line for line in stdout.splitlines() if line.startswith(f"{source} ")).split()
    return dict(zip(("pages", "new", "updated", "unchanged"), map(int, cells[1:5])))


def test_two_crawls_at_once_into_one_database(mirror, postgresql_url):
    """`crawlall` and `crawl hamshahri` in two processes, started together on an empty database (both
    also create the schema at the same moment)."""
    environment = {**os.environ, "MIRROR_URL": mirror, "DATABASE_URL": postgresql_url}
    crawls = [
        subprocess.Popen(
            [str(SCRAPY), *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True
        )
        for args in (["crawlall"], ["crawl", "hamshahri"])
    ]
    results = [(crawl, *crawl.communicate(timeout=180)) for crawl in crawls]
    # hamshahri is crawled by one of them at a time: the other skips it if it comes while it runs
    # (crawler.store.lock.SourceLock; `crawl` then exits 75, as it crawled nothing).
    assert results[0][0].returncode == 0, results[0][2][-3000:]
    assert results[1][0].returncode in (0, LOCKED_EXIT_STATUS), results[1][2][-3000:]
    rows = [summary_row(stdout, "hamshahri") for _, stdout, _ in results]
    assert sum(row["new"] for row in rows) == len(EXPECTED)
    # Each crawl skips what the other stored before it got there (incremental), so only the sum is fixed.
    assert all(row["updated"] == 0 for row in rows)
    assert counts(postgresql_url) == (ALL_ARTICLES, ALL_ARTICLES, 0)
