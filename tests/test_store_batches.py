"""Articles written in batches: the same outcomes as one by one, and a failed batch still reported
article by article (real SQLite files, a real PostgreSQL server)."""

from __future__ import annotations

import itertools
import logging
import sqlite3
from dataclasses import replace
from datetime import datetime, timezone

import pytest
import pytest_twisted
from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from twisted.internet import reactor
from twisted.internet.task import deferLater

from crawler.stats import STORE_FAILED, STORE_NEW
from crawler.store.database import VERSION_REEXTRACTED, Article, ArticleVersion, Store
from pipelines.store import StorePipeline
from tests.conftest import DATABASE_NUMBERS
from tests.test_pipelines import article, rows

CHANGED_BODY = "بند اول\nبند دوم، اصلاح شده"


def mixed_batch():
    """New articles, one seen again unchanged, one changed, and a second copy inside the batch."""
    return [
        article(news_code="1"),
        article(news_code="2"),
        article(news_code="1"),
        article(news_code="2", body=CHANGED_BODY),
        article(news_code="3", view_count=9),
    ]


def batch_pipeline(database_url: str, size: int) -> StorePipeline:
    return StorePipeline.from_crawler(
        get_crawler(settings_dict={"DATABASE_URL": database_url, "STORE_BATCH_SIZE": size})
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(request, tmp_path):
    if request.param == "sqlite":
        yield Store.open(f"sqlite:///{tmp_path / 'batch.db'}"), Store.open(f"sqlite:///{tmp_path / 'single.db'}")
        return
    # Two new databases on the session's server (tests/conftest.py), started once for the whole run.
    server = request.getfixturevalue("postgresql_server")
    batch, single = (Store.open(server.create_database(f"test_{next(DATABASE_NUMBERS)}")) for _ in range(2))
    yield batch, single
    batch.engine.dispose()
    single.engine.dispose()


def test_a_batch_has_the_outcomes_of_one_by_one(two_stores):
    batch, single = two_stores
    first = [article(news_code="2"), article(news_code="3")]
    assert batch.upsert_many(first) == [single.upsert(item) for item in first]
    outcomes = batch.upsert_many(mixed_batch())
    assert outcomes == [single.upsert(item) for item in mixed_batch()]
    assert [o.value for o in outcomes] == ["new", "unchanged", "unchanged", "updated", "unchanged"]
    with batch.engine.connect() as a, single.engine.connect() as b:
        query = "select source, news_code, title, body, view_count from articles order by news_code"
        assert a.exec_driver_sql(query).all() == b.exec_driver_sql(query).all()
        versions = "select title, body from article_versions"
        assert a.exec_driver_sql(versions).all() == b.exec_driver_sql(versions).all() != []


def reread_state(store: Store) -> list[tuple]:
    with store.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "select a.news_code, a.kicker, a.body, a.modified_at, a.crawled_at = :crawled, v.reason, v.previous"
                    " from articles a left join article_versions v on v.article_id = a.id order by a.news_code, v.id"
                ),
                {"crawled": CRAWLED.isoformat() if store.engine.dialect.name == "sqlite" else CRAWLED},
            )
        ]


CRAWLED = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
EDITED = datetime(2024, 5, 2, 9, 0, tzinfo=timezone.utc)


def test_a_batch_read_again_from_the_archive_keeps_what_one_by_one_keeps(two_stores):
    """Read again (`scrapy reextract`): a field outside the content that changed makes a version with its earlier
    value, crawled_at stays, and a reading that does not say when the site edited the article keeps the date."""
    batch, single = two_stores
    stored = [article(news_code=code, crawled_at=CRAWLED, modified_at=EDITED) for code in ("1", "2", "3")]
    batch.upsert_many(stored)
    for item in stored:
        single.upsert(item)
    again = [
        article(news_code="1", kicker="روتیتر تازه"),
        article(news_code="2", body=CHANGED_BODY),
        article(news_code="3"),
        article(news_code="4"),
    ]
    outcomes = batch.upsert_many(again, VERSION_REEXTRACTED)
    assert outcomes == [single.upsert(item, VERSION_REEXTRACTED) for item in again]
    assert [o.value for o in outcomes] == ["updated", "updated", "unchanged", "new"]
    assert reread_state(batch) == reread_state(single)
    with Session(batch.engine) as session:
        versions = session.execute(
            select(Article.news_code, ArticleVersion.reason, ArticleVersion.previous)
            .join(ArticleVersion, ArticleVersion.article_id == Article.id)
            .order_by(Article.news_code)
        ).all()
        assert versions == [("1", "reextract", {"kicker": ""}), ("2", "reextract", None)]
        kept = session.execute(select(Article.modified_at, Article.crawled_at).order_by(Article.news_code)).all()
        assert kept[:3] == [(EDITED, CRAWLED)] * 3


EXAMPLES = itertools.count()

# Articles over a few keys, with a few contents each (and some extra fields that do not make a new version),
# so that batches mix new, unchanged, updated and repeated articles.
versions_of_articles = st.builds(
    lambda source, code, title, body, views, tags: article(
        source=source, news_code=code, title=title, body=body, view_count=views, tags=tags
    ),
    source=st.sampled_from(["semnan", "rasht"]),
    code=st.sampled_from(["1", "2", "3", "4"]),
    title=st.sampled_from(["عنوان", "عنوان دیگر"]),
    body=st.sampled_from(["متن", "متن\u200cتازه", CHANGED_BODY]),
    views=st.one_of(st.none(), st.integers(0, 3)),
    tags=st.lists(st.sampled_from(["شهر", "کلان"]), max_size=2),
)


def stored_state(store: Store, prefix: str) -> tuple[list, list]:
    """Every article of the example and each one's earlier versions in order (the instants of this run left out)."""
    with store.engine.connect() as connection:
        articles = connection.execute(
            text(
                "select source, news_code, url, title, lead, body, tags, view_count, content_hash from articles"
                " where source like :prefix order by source, news_code"
            ),
            {"prefix": f"{prefix}%"},
        ).all()
        versions = connection.execute(
            text(
                "select a.source, a.news_code, v.title, v.lead, v.body, v.content_hash from article_versions v"
                " join articles a on a.id = v.article_id where a.source like :prefix"
                " order by a.source, a.news_code, v.id"
            ),
            {"prefix": f"{prefix}%"},
        ).all()
    return [tuple(row) for row in articles], [tuple(row) for row in versions]


def test_batches_give_the_outcomes_and_versions_of_one_by_one(two_stores):
    batch, single = two_stores

    @settings(max_examples=40, deadline=None)
    @given(batches=st.lists(st.lists(versions_of_articles, min_size=1, max_size=8), min_size=1, max_size=4))
    def same_outcomes_and_rows(batches):
        prefix = f"x{next(EXAMPLES)}-"  # each example writes sources of its own in the same two databases
        batches = [[replace(item, source=prefix + item.source) for item in items] for items in batches]
        outcomes = [batch.upsert_many(items) for items in batches]
        assert outcomes == [[single.upsert(item) for item in items] for items in batches]
        assert stored_state(batch, prefix) == stored_state(single, prefix)

    same_outcomes_and_rows()


def test_articles_wait_for_a_full_batch_or_the_close(database_url):
    store = batch_pipeline(database_url, 3)
    for code in ("1", "2"):
        store.process_item(article(news_code=code))
    assert rows(database_url, func.count(Article.id)) == [(0,)]
    store.process_item(article(news_code="3"))
    store.process_item(article(news_code="4"))
    assert rows(database_url, func.count(Article.id)) == [(3,)]
    store.close_spider()
    assert rows(database_url, func.count(Article.id)) == [(4,)]
    assert store.stats.get_value(STORE_NEW) == 4


@pytest_twisted.inlineCallbacks
def test_a_partial_batch_is_written_after_the_flush_interval(database_url):
    crawler = get_crawler(
        settings_dict={"DATABASE_URL": database_url, "STORE_BATCH_SIZE": 100, "STORE_FLUSH_SECONDS": 0.05}
    )
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    store.process_item(article())
    for _ in range(100):
        if crawler.stats.get_value(STORE_NEW):
            break
        yield deferLater(reactor, 0.05, lambda: None)
    assert rows(database_url, Article.news_code) == [("962182",)]
    store.close_spider()


def test_a_failed_batch_names_every_article_it_cost(database_url, caplog):
    store = batch_pipeline(database_url + "?timeout=0.2", 3)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other_writer:
        other_writer.execute("BEGIN EXCLUSIVE")
        for code in ("11", "12", "13"):
            store.process_item(article(news_code=code))
        other_writer.rollback()
    assert store.stats.get_value(STORE_FAILED) == 3
    lost = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and "NOT STORED" in r.getMessage()]
    assert [code for code in ("11", "12", "13") if any(f"news code {code} " in m for m in lost)] == ["11", "12", "13"]
    store.process_item(article(news_code="14"))
    store.close_spider()
    assert rows(database_url, Article.news_code) == [("14",)]


def test_an_article_the_database_refuses_costs_only_itself(database_url, caplog):
    store = batch_pipeline(database_url, 3)
    naive = article(news_code="22")
    naive = replace(naive, published_at=naive.published_at.replace(tzinfo=None))
    for item in (article(news_code="21"), naive, article(news_code="23")):
        store.process_item(item)
    assert sorted(rows(database_url, Article.news_code)) == [("21",), ("23",)]
    assert store.stats.get_value(STORE_NEW) == 2 and store.stats.get_value(STORE_FAILED) == 1
    assert "news code 22" in caplog.text and "NOT STORED" in caplog.text
