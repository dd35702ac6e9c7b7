"""The store's schema comes from the Alembic migrations, equals the models, and uses each backend's own
types; a database made before migrations is adopted."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from crawler.extract.dates import TEHRAN
from crawler.sources.frontier import Frontier, Segment
from crawler.store import migrations
from crawler.store.database import Article, Base, Store, make_engine

# Opens the store of the URL given, then prints its revision and whether Alembic was imported.
OPEN_AND_LIST_ALEMBIC = """
import sys
from crawler.store.database import Store
from crawler.store.migrations import current_revision
print(current_revision(Store.open(sys.argv[1]).engine), "alembic" in sys.modules)
"""


def schema_of(connection) -> MigrationContext:
    return MigrationContext.configure(connection, opts={"include_name": migrations.include_name})


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def test_the_migrations_build_exactly_the_models(database_url):
    engine = Store.open(database_url).engine
    with engine.connect() as connection:
        assert compare_metadata(schema_of(connection), Base.metadata) == []
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == migrations.HEAD


def test_head_is_the_newest_migration():
    assert ScriptDirectory.from_config(migrations.alembic_config()).get_current_head() == migrations.HEAD


def test_a_database_at_the_newest_schema_is_opened_without_alembic(sqlite_url):
    """Every command opens the store: one already migrated costs a query, not Alembic's import."""
    Store.open(sqlite_url)
    opened = subprocess.run(
        [sys.executable, "-c", OPEN_AND_LIST_ALEMBIC, sqlite_url], capture_output=True, text=True, check=True
    )
    assert opened.stdout.split() == [migrations.HEAD, "False"], opened.stdout


def test_downgrade_removes_and_upgrade_restores_the_schema(database_url):
    engine = Store.open(database_url).engine
    with engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "base")
    with engine.connect() as connection:
        assert {"articles", "article_versions"}.isdisjoint(connection.dialect.get_table_names(connection))
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(schema_of(connection), Base.metadata) == []


def test_postgresql_stores_instants_as_timestamptz_and_lists_as_jsonb(postgresql_url):
    with Store.open(postgresql_url).engine.connect() as connection:
        types = dict(
            connection.execute(
                text("select column_name, data_type from information_schema.columns where table_name = 'articles'")
            ).all()
        )
    assert {
        name: types[name] for name in ("published_at", "crawled_at", "first_seen_at", "last_seen_at")
    } == dict.fromkeys(("published_at", "crawled_at", "first_seen_at", "last_seen_at"), "timestamp with time zone")
    assert {name: types[name] for name in ("tags", "authors", "images", "provenance")} == dict.fromkeys(
        ("tags", "authors", "images", "provenance"), "jsonb"
    )


def test_a_database_made_before_migrations_is_adopted_with_its_rows(database_url):
    engine = make_engine(database_url)
    # The schema before migrations: articles and their versions as the first revision made them, unversioned.
    with engine.begin() as connection:
        command.upgrade(migrations.alembic_config(connection), migrations.INITIAL_REVISION)
        connection.execute(text("drop table alembic_version"))
    with engine.begin() as connection:
        connection.execute(
            text(
                "insert into articles (source, news_code, url, title, lead, body, published_at, published_jalali,"
                " kicker, category, tags, authors, images, crawled_at, provenance, content_hash, first_seen_at,"
                " last_seen_at)"
                " values ('hamshahri', '1', 'u', 't', '', 'b', :at, '1400-06-06', '', '', '[]', '[]', '[]', :at, '{}',"
                " 'h', :at, :at)"
            ),
            {"at": "2021-08-28T10:00:00+04:30"},
        )
    engine.dispose()
    with Store.open(database_url).engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar_one() == migrations.HEAD
        assert connection.execute(text("select news_code from articles")).scalar_one() == "1"
        # The same instant, in UTC.
        assert connection.execute(text("select published_at from articles")).scalar_one() in (
            "2021-08-28T05:30:00+00:00",
            datetime(2021, 8, 28, 5, 30, tzinfo=timezone.utc),
        )


def test_what_is_known_complete_reads_back_as_it_was_written(database_url):
    """The watermarks of a walk, replaced as a whole, the same instants (before 2022, Tehran's summer
    time was +04:30)."""
    store = Store.open(database_url)
    summer, winter = ZoneInfo("Asia/Tehran"), timezone(timedelta(hours=3, minutes=30))
    segments = [
        Segment(
            datetime(2025, 7, 14, 20, 5, tzinfo=winter),
            datetime(2025, 7, 5, 17, 40, tzinfo=winter),
            "https://www.hamshahrionline.ir/archive?pi=3",
            3,
            frozenset({bytes(16), bytes(range(16))}),
        ),
        Segment(datetime(2021, 8, 6, 18, 45, tzinfo=summer), datetime(2021, 6, 1, 9, 0, tzinfo=summer)),
    ]
    Frontier("hamshahri", "archive", []).save(store, [Segment(segments[0].newest, segments[0].newest)])
    Frontier("hamshahri", "archive", []).save(store, segments)
    Frontier("hamshahri", "city", []).save(store, segments[:1])
    loaded = Frontier.load(store, "hamshahri", "archive").segments
    assert loaded == segments and [segment.top for segment in loaded] == [segment.top for segment in segments]
    assert Frontier.load(store, "semnan", "archive").segments == []


def test_sqlite_sorts_publication_times_by_instant_and_reads_them_on_tehran_clock(sqlite_url):
    """Two articles, the later one (in UTC) published at an earlier Tehran clock time in summer 2021
    (+04:30, daylight time) than the other in winter (+03:30) would read as text."""
    store = Store.open(sqlite_url)
    summer = datetime(2021, 8, 28, 10, 0, tzinfo=TEHRAN)  # 05:30 UTC
    winter = datetime(2021, 8, 28, 9, 45, tzinfo=timezone(timedelta(hours=3, minutes=30)))  # 06:15 UTC
    with store.engine.begin() as connection:
        for code, moment in (("1", summer), ("2", winter)):
            connection.execute(
                Article.__table__.insert().values(
                    source="s",
                    news_code=code,
                    url=f"u{code}",
                    title="t",
                    lead="",
                    body="b",
                    published_at=moment,
                    published_jalali="1400-06-06",
                    kicker="",
                    category="",
                    tags=[],
                    authors=[],
                    images=[],
                    crawled_at=moment,
                    provenance={},
                    content_hash="h",
                    first_seen_at=moment,
                    last_seen_at=moment,
                )
            )
    with Session(store.engine) as session:
        ordered = session.execute(select(Article.news_code, Article.published_at).order_by(Article.published_at)).all()
    assert [code for code, _ in ordered] == ["1", "2"]
    assert [moment.utcoffset() for _, moment in ordered] == [timedelta(hours=4, minutes=30)] * 2
    assert ordered[1][1] == winter and ordered[1][1].isoformat() == "2021-08-28T10:45:00+04:30"


def test_articles_are_indexed_by_url_and_publication_time(database_url):
    with Store.open(database_url).engine.connect() as connection:
        indexes = {index["name"]: index["column_names"] for index in inspect(connection).get_indexes("articles")}
    assert indexes["ix_articles_url"] == ["url"] and indexes["ix_articles_published_at"] == ["published_at"]
