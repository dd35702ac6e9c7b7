"""The pipelines on a real SQLite file and a real PostgreSQL server: normalize, validate, dedupe, store.

Every test that touches the store runs once per backend (the `database_url` fixture below).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from crawler.extract.dates import TEHRAN
from crawler.items import ArticleItem
from crawler.stats import (
    DROPPED_DUPLICATE_IN_RUN,
    DROPPED_INVALID,
    STORE_FAILED,
    STORE_NEW,
    STORE_UNCHANGED,
    STORE_UPDATED,
    dropped_missing,
)
from crawler.store.database import Article, ArticleVersion, Store
from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """A new database on each backend the store supports."""
    return request.getfixturevalue(f"{request.param}_url")


def article(**changes) -> ArticleItem:
    base = ArticleItem(
        source="hamshahri",
        news_code="962182",
        url="https://www.hamshahrionline.ir/news/962182/x",
        title="عنوان خبر",
        lead="لید",
        body="بند اول\nبند دوم",
        published_at=datetime(2021, 8, 28, 10, 0, tzinfo=TEHRAN),
        published_jalali="1400-06-06",
        tags=["برچسب"],
        images=["https://example.ir/a.jpg"],
        view_count=414,
        crawled_at=datetime.now(timezone.utc),
        provenance={"title": "jsonld"},
    )
    return replace(base, **changes)


@pytest.fixture
def crawler(database_url):
    return get_crawler(settings_dict={"DATABASE_URL": database_url})


def rows(database_url: str, *columns) -> list[tuple]:
    with Session(Store.open(database_url).engine) as session:
        return [tuple(row) for row in session.execute(select(*columns))]


def impatient(database_url: str) -> str:
    """The same database, but giving up after 0.2 s waiting for another writer's lock."""
    return database_url + ("?timeout=0.2" if database_url.startswith("sqlite") else "?options=-c%20lock_timeout%3D200")


@contextmanager
def other_writer_locks_everything(database_url: str):
    with create_engine(database_url).connect() as other:
        other.exec_driver_sql(
            "BEGIN EXCLUSIVE" if database_url.startswith("sqlite") else "LOCK TABLE articles IN ACCESS EXCLUSIVE MODE"
        )
        yield
        other.rollback()


def test_normalize_unifies_letters_and_keeps_zwnj():
    item = NormalizePipeline().process_item(
        article(title=" علي  كتاب\u200cها ", news_code="۹۶۲۱۸۲", tags=["الف", "الف", " "], body="يك\n\n دو ")
    )
    assert (item.title, item.news_code, item.tags, item.body) == ("علی کتاب\u200cها", "962182", ["الف"], "یک\nدو")


@pytest.mark.parametrize("missing", ["news_code", "url", "title", "body", "published_at"])
def test_validate_drops_incomplete_items_and_counts_why(crawler, missing):
    validate = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=missing):
        validate.process_item(article(**{missing: None if missing == "published_at" else ""}))
    assert crawler.stats.get_value(dropped_missing(missing)) == 1
    assert crawler.stats.get_value(DROPPED_INVALID) == 1


def test_dedupe_drops_a_second_copy_in_the_run(crawler):
    dedupe = DedupePipeline.from_crawler(crawler)
    dedupe.process_item(article())
    with pytest.raises(DropItem):
        dedupe.process_item(article(url="https://www.hamshahrionline.ir/news/962182/other-slug"))
    dedupe.process_item(article(news_code="962183"))
    assert crawler.stats.get_value(DROPPED_DUPLICATE_IN_RUN) == 1


def test_store_new_unchanged_updated_keeps_old_version(crawler, database_url):
    store = StorePipeline.from_crawler(crawler)
    store.process_item(article())
    store.process_item(article(view_count=500))
    assert crawler.stats.get_value(STORE_NEW) == 1
    assert crawler.stats.get_value(STORE_UNCHANGED) == 1
    ((first_seen, last_seen, views),) = rows(
        database_url, Article.first_seen_at, Article.last_seen_at, Article.view_count
    )
    assert last_seen > first_seen and views == 500
    assert rows(database_url, func.count(ArticleVersion.id)) == [(0,)]

    store.process_item(article(body="بند اول\nبند دوم، اصلاح شده"))
    assert crawler.stats.get_value(STORE_UPDATED) == 1
    assert rows(database_url, Article.body) == [("بند اول\nبند دوم، اصلاح شده",)]
    assert rows(database_url, ArticleVersion.title, ArticleVersion.body) == [("عنوان خبر", "بند اول\nبند دوم")]


def test_published_at_reads_back_as_the_same_instant(crawler, database_url):
    StorePipeline.from_crawler(crawler).process_item(article())
    ((value,),) = rows(database_url, Article.published_at)
    assert value == datetime(2021, 8, 28, 10, 0, tzinfo=TEHRAN)
    assert value.astimezone(TEHRAN).isoformat() == "2021-08-28T10:00:00+04:30"


def test_published_at_is_stored_in_utc_in_sqlite_and_read_on_tehran_clock(sqlite_url):
    # UTC text sorts by instant; the store reads it back as the site printed it (PostgreSQL's
    # timestamptz keeps the instant, and the store reads it on Tehran's clock too).
    StorePipeline.from_crawler(get_crawler(settings_dict={"DATABASE_URL": sqlite_url})).process_item(article())
    with Store.open(sqlite_url).engine.connect() as connection:
        raw = connection.exec_driver_sql("select published_at from articles").scalar_one()
    assert raw == "2021-08-28T05:30:00+00:00"
    assert rows(sqlite_url, Article.published_at)[0][0].isoformat() == "2021-08-28T10:00:00+04:30"


def test_json_columns_hold_lists(crawler, database_url):
    StorePipeline.from_crawler(crawler).process_item(article(tags=["شهری", "تهران"]))
    assert rows(database_url, Article.tags, Article.authors, Article.provenance) == [
        (["شهری", "تهران"], [], {"title": "jsonld"})
    ]


def test_a_locked_database_loses_nothing_silently(database_url, caplog):
    crawler = get_crawler(settings_dict={"DATABASE_URL": impatient(database_url)})
    store = StorePipeline.from_crawler(crawler)
    store.process_item(article())
    with other_writer_locks_everything(database_url):
        store.process_item(article(news_code="962999", url="https://www.hamshahrionline.ir/news/962999/x"))
    assert crawler.stats.get_value(STORE_FAILED) == 1
    assert "962999" in caplog.text and "NOT STORED" in caplog.text


def test_a_date_known_only_to_the_day_is_stored_with_its_precision(crawler, database_url):
    StorePipeline.from_crawler(crawler).process_item(
        article(published_at=datetime(2021, 8, 28, tzinfo=TEHRAN), published_precision="day")
    )
    StorePipeline.from_crawler(crawler).process_item(article(news_code="2", published_precision="minute"))
    assert sorted(rows(database_url, Article.news_code, Article.published_precision)) == [
        ("2", "minute"),
        ("962182", "day"),
    ]
