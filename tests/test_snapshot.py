"""`scrapy snapshot PATH.db`: a PostgreSQL store copied into SQLite to browse, searchable, with its copies
and versions; run again, only what changed since is copied."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.store.database import Store
from crawler.store.search import find
from tests.conftest import scrapy_cli
from tests.test_copies import AGENCY, IMO, IMO_OTHER, OTHER_NEWS, article, store_as_a_crawl
from tests.test_search import BOOKS

# Every test here runs the scrapy command.
pytestmark = pytest.mark.crawl


def snapshot(postgresql_url: str, path) -> str:
    result = scrapy_cli(
        "snapshot", str(path), "-s", "SNAPSHOT_OVERLAP_SECONDS=0", mirror_url="", database_url=postgresql_url
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def query(path, sql: str, *parameters) -> list[tuple]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute(sql, parameters).fetchall()


def searched(path, words: str) -> list[str]:
    with Store.open(f"sqlite:///{path}").engine.connect() as connection:
        ids = find(connection, words)
    codes = dict(query(path, "select id, news_code from articles"))
    return [codes[i] for i in ids]


def test_a_snapshot_is_searchable_and_brought_up_to_date_incrementally(postgresql_url, tmp_path):
    path = tmp_path / "snapshot.db"
    store_as_a_crawl(postgresql_url, IMO, AGENCY, BOOKS)
    assert "3 articles copied (all), 3 in all" in snapshot(postgresql_url, path)
    assert searched(path, "كتابها") == ["1001"]
    assert query(
        path,
        "select o.news_code, c.news_code from copies k join articles o on o.id = k.original_id"
        " join articles c on c.id = k.copy_id",
    ) == [("A100", "900100")]

    # The site rewrites its copy into other news, and a new article comes: two articles to copy, no more.
    rewritten = article(**{**AGENCY.__dict__, "body": "\n".join(OTHER_NEWS[::-1])})
    store_as_a_crawl(postgresql_url, rewritten, IMO_OTHER)
    output = snapshot(postgresql_url, path)
    assert "2 articles copied (changed since" in output and "4 in all; 1 versions" in output
    assert query(path, "select count(*) from copies") == [(1,)]  # the rewritten copy now matches IMO_OTHER
    assert query(
        path,
        "select o.news_code, c.news_code from copies k join articles o on o.id = k.original_id"
        " join articles c on c.id = k.copy_id",
    ) == [("A101", "900100")]
    assert searched(path, "انتهای پیام") == []
    assert sorted(searched(path, "مسیل‌ها")) == ["900100", "A101"]
    assert query(path, "select count(*) from article_versions") == [(1,)]
    # Nothing changed: nothing copied.
    assert "0 articles copied" in snapshot(postgresql_url, path)


def test_the_store_itself_is_refused(sqlite_url):
    result = scrapy_cli("snapshot", sqlite_url.removeprefix("sqlite:///"), mirror_url="", database_url=sqlite_url)
    assert result.returncode == 2
    assert "is the store itself" in result.stderr
