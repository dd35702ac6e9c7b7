"""The pipelines on a real SQLite file: normalize, validate, dedupe, store."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from scrapy.exceptions import DropItem
from sqlalchemy import select
from sqlalchemy.orm import Session
from scrapy.utils.test import get_crawler

from crawler.dates import TEHRAN
from crawler.items import ArticleItem
from crawler.storage import Article, Store
from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline


def article(**changes) -> ArticleItem:
    base = ArticleItem(
        source="hamshahri", news_code="962182", url="https://www.hamshahrionline.ir/news/962182/x",
        title="عنوان خبر", lead="لید", body="بند اول\nبند دوم",
        published_at=datetime(2021, 8, 28, 10, 0, tzinfo=TEHRAN), published_jalali="1400-06-06",
        tags=["برچسب"], images=["https://example.ir/a.jpg"], view_count=414,
        crawled_at=datetime.now(timezone.utc), provenance={"title": "jsonld"},
    )
    return replace(base, **changes)


@pytest.fixture
def crawler(database_url):
    return get_crawler(settings_dict={"DATABASE_URL": database_url})


def rows(database_url: str, query: str) -> list[tuple]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return connection.execute(query).fetchall()


def test_normalize_unifies_letters_and_keeps_zwnj():
    item = NormalizePipeline().process_item(article(title=" علي  كتاب\u200cها ", news_code="۹۶۲۱۸۲",
                                                    tags=["الف", "الف", " "], body="يك\n\n دو "))
    assert (item.title, item.news_code, item.tags, item.body) == ("علی کتاب\u200cها", "962182", ["الف"], "یک\nدو")


@pytest.mark.parametrize("missing", ["news_code", "url", "title", "body", "published_at"])
def test_validate_drops_incomplete_items_and_counts_why(crawler, missing):
    validate = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=missing):
        validate.process_item(article(**{missing: None if missing == "published_at" else ""}))
    assert crawler.stats.get_value(f"dropped/missing_{missing}") == 1
    assert crawler.stats.get_value("dropped/invalid") == 1


def test_dedupe_drops_a_second_copy_in_the_run(crawler):
    dedupe = DedupePipeline.from_crawler(crawler)
    dedupe.process_item(article())
    with pytest.raises(DropItem):
        dedupe.process_item(article(url="https://www.hamshahrionline.ir/news/962182/other-slug"))
    dedupe.process_item(article(news_code="962183"))
    assert crawler.stats.get_value("dropped/duplicate_in_run") == 1


def test_store_new_unchanged_updated_keeps_old_version(crawler, database_url):
    store = StorePipeline.from_crawler(crawler)
    store.process_item(article())
    store.process_item(article(view_count=500))
    assert crawler.stats.get_value("store/new") == 1
    assert crawler.stats.get_value("store/unchanged") == 1
    ((first_seen, last_seen, views),) = rows(database_url, "select first_seen_at, last_seen_at, view_count from articles")
    assert last_seen > first_seen and views == 500
    assert rows(database_url, "select count(*) from article_versions") == [(0,)]

    store.process_item(article(body="بند اول\nبند دوم، اصلاح شده"))
    assert crawler.stats.get_value("store/updated") == 1
    assert rows(database_url, "select count(*), max(body) from articles") == [(1, "بند اول\nبند دوم، اصلاح شده")]
    assert rows(database_url, "select title, body from article_versions") == [("عنوان خبر", "بند اول\nبند دوم")]


def test_published_at_reads_back_as_the_same_instant_with_its_offset(crawler, database_url):
    StorePipeline.from_crawler(crawler).process_item(article())
    assert rows(database_url, "select published_at from articles") == [("2021-08-28T10:00:00+04:30",)]
    with Session(Store.open(database_url).engine) as session:
        value = session.execute(select(Article.published_at)).scalar_one()
    assert value == datetime(2021, 8, 28, 10, 0, tzinfo=TEHRAN) and value.utcoffset().seconds == 4.5 * 3600


def test_json_columns_hold_lists(crawler, database_url):
    StorePipeline.from_crawler(crawler).process_item(article(tags=["شهری", "تهران"]))
    assert rows(database_url, "select tags, authors from articles") == [('["شهری", "تهران"]', "[]")]


def test_a_locked_database_loses_nothing_silently(database_url, caplog):
    crawler = get_crawler(settings_dict={"DATABASE_URL": database_url + "?timeout=0.2"})
    store = StorePipeline.from_crawler(crawler)
    store.process_item(article())
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as other_writer:
        other_writer.execute("BEGIN EXCLUSIVE")
        store.process_item(article(news_code="962999", url="https://www.hamshahrionline.ir/news/962999/x"))
        other_writer.rollback()
    assert crawler.stats.get_value("store/failed") == 1
    assert "962999" in caplog.text and "NOT STORED" in caplog.text
