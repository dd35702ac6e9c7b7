"""The store's schema comes from the Alembic migrations, equals the models, and uses each backend's own
types; a database made before migrations is adopted."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from datetime import datetime, timedelta, timezone

from sqlalchemy import MetaData, inspect, select, text
from sqlalchemy.orm import Session

from crawler import migrations
from crawler.dates import TEHRAN
from crawler.storage import Article, ArticleVersion, Base, Store, make_engine

HEAD = "0003"
LATER_INDEXES = {"ix_articles_url", "ix_articles_published_at"}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def test_the_migrations_build_exactly_the_models(database_url):
    engine = Store.open(database_url).engine
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == HEAD


def test_downgrade_removes_and_upgrade_restores_the_schema(database_url):
    engine = Store.open(database_url).engine
    with engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "base")
    with engine.connect() as connection:
        assert {"articles", "article_versions"}.isdisjoint(connection.dialect.get_table_names(connection))
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_postgresql_stores_instants_as_timestamptz_and_lists_as_jsonb(postgresql_url):
    with Store.open(postgresql_url).engine.connect() as connection:
        types = dict(connection.execute(text(
            "select column_name, data_type from information_schema.columns where table_name = 'articles'")).all())
    assert {name: types[name] for name in ("published_at", "crawled_at", "first_seen_at", "last_seen_at")} == \
        dict.fromkeys(("published_at", "crawled_at", "first_seen_at", "last_seen_at"), "timestamp with time zone")
    assert {name: types[name] for name in ("tags", "authors", "images", "provenance")} == \
        dict.fromkeys(("tags", "authors", "images", "provenance"), "jsonb")


def test_a_database_made_before_migrations_is_adopted_with_its_rows(database_url):
    engine = make_engine(database_url)
    # The schema before migrations: articles and their versions, without the indexes added since.
    before = MetaData()
    for table in (Article.__table__, ArticleVersion.__table__):
        table.to_metadata(before).indexes.difference_update(
            {index for index in before.tables[table.name].indexes if index.name in LATER_INDEXES})
    before.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text(
            "insert into articles (source, news_code, url, title, lead, body, published_at, published_jalali, kicker,"
            " category, tags, authors, images, crawled_at, provenance, content_hash, first_seen_at, last_seen_at)"
            " values ('hamshahri', '1', 'u', 't', '', 'b', :at, '1400-06-06', '', '', '[]', '[]', '[]', :at, '{}',"
            " 'h', :at, :at)"), {"at": "2021-08-28T10:00:00+04:30"})
    engine.dispose()
    with Store.open(database_url).engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == HEAD
        assert connection.execute(text("select news_code from articles")).scalar_one() == "1"
        # The same instant, in UTC.
        assert connection.execute(text("select published_at from articles")).scalar_one() in (
            "2021-08-28T05:30:00+00:00", datetime(2021, 8, 28, 5, 30, tzinfo=timezone.utc))


def test_sqlite_sorts_publication_times_by_instant_and_reads_them_on_tehran_clock(sqlite_url):
    """Two articles, the later one (in UTC) published at an earlier Tehran clock time in summer 2021
    (+04:30, daylight time) than the other in winter (+03:30) would read as text."""
    store = Store.open(sqlite_url)
    summer = datetime(2021, 8, 28, 10, 0, tzinfo=TEHRAN)   # 05:30 UTC
    winter = datetime(2021, 8, 28, 9, 45, tzinfo=timezone(timedelta(hours=3, minutes=30)))  # 06:15 UTC
    with store.engine.begin() as connection:
        for code, moment in (("1", summer), ("2", winter)):
            connection.execute(Article.__table__.insert().values(
                source="s", news_code=code, url=f"u{code}", title="t", lead="", body="b", published_at=moment,
                published_jalali="1400-06-06", kicker="", category="", tags=[], authors=[], images=[],
                crawled_at=moment, provenance={}, content_hash="h", first_seen_at=moment, last_seen_at=moment))
    with Session(store.engine) as session:
        ordered = session.execute(select(Article.news_code, Article.published_at).order_by(Article.published_at)).all()
    assert [code for code, _ in ordered] == ["1", "2"]
    assert [moment.utcoffset() for _, moment in ordered] == [timedelta(hours=4, minutes=30)] * 2
    assert ordered[1][1] == winter and ordered[1][1].isoformat() == "2021-08-28T10:45:00+04:30"


def test_articles_are_indexed_by_url_and_publication_time(database_url):
    with Store.open(database_url).engine.connect() as connection:
        indexes = {index["name"]: index["column_names"] for index in inspect(connection).get_indexes("articles")}
    assert indexes["ix_articles_url"] == ["url"] and indexes["ix_articles_published_at"] == ["published_at"]
