"""Where articles are kept: SQLAlchemy models and the one upsert every entry point goes through.

SQLite by default, any SQLAlchemy URL through DATABASE_URL (PostgreSQL in production).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from sqlalchemy import (JSON, BigInteger, DateTime, Engine, ForeignKey, Integer, Row, String, Text, TypeDecorator,
                        UniqueConstraint, any_, bindparam, cast, column, create_engine, event, func, literal, select,
                        update)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crawler import migrations
from crawler.items import CONTENT_FIELDS, ArticleItem

DEFAULT_DATABASE_URL = "sqlite:///data/articles.db"


class AwareDateTime(TypeDecorator):
    """A timezone-aware instant: timestamptz where the database has one; in SQLite ISO 8601 text
    that keeps its UTC offset, so the instant (and the local time the site printed) reads back exactly."""

    impl = String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: every stored instant carries its offset")
        return value.isoformat() if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return datetime.fromisoformat(value) if isinstance(value, str) else value


JsonList = JSON().with_variant(postgresql.JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("source", "news_code", name="uq_articles_source_news_code"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    news_code: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(AwareDateTime)
    published_jalali: Mapped[str] = mapped_column(String(10))
    kicker: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JsonList, default=list)
    authors: Mapped[list] = mapped_column(JsonList, default=list)
    images: Mapped[list] = mapped_column(JsonList, default=list)
    view_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    crawled_at: Mapped[datetime] = mapped_column(AwareDateTime)
    provenance: Mapped[dict] = mapped_column(JsonList, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime)


class ArticleVersion(Base):
    """The content an article had before a change; nothing a site rewrites is lost."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    replaced_at: Mapped[datetime] = mapped_column(AwareDateTime)


class CrawlRun(Base):
    """One source's part of a crawl, as its end-of-run summary shows it."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    # Scrapy's finish reason: "finished", "shutdown" (stopped by a signal), "closespider_…", or "not started";
    # "locked elsewhere": another crawl was crawling the source (crawler.lock.SourceLock), nothing was fetched.
    finish_reason: Mapped[str] = mapped_column(String(40))
    # Spider arguments («since», «section», «pages»): tells a backfill from a scheduled run.
    arguments: Mapped[dict] = mapped_column(JsonList, default=dict)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    listing_pages: Mapped[int] = mapped_column(Integer, default=0)
    article_pages: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    known_skipped: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    dropped_reasons: Mapped[dict] = mapped_column(JsonList, default=dict)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    # Why the run needs a person's attention, one reason per line; empty when it does not.
    problems: Mapped[str] = mapped_column(Text, default="")


ARTICLE_COLUMNS = [c.name for c in Article.__table__.columns if c.name not in ("id",)]


class Outcome(str, Enum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def content_hash(item: ArticleItem) -> str:
    content = json.dumps([getattr(item, name) for name in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


_SQLITE = sqlite.dialect()


def _instant(value):
    if isinstance(value, datetime):
        return AwareDateTime().process_bind_param(value, _SQLITE)  # ISO 8601 with its offset; never naive
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON serializable")


def _json_rows(rows: list[dict]) -> str:
    """Rows as one JSON array, for jsonb_to_recordset: instants as ISO 8601 text with their offsets."""
    return json.dumps(rows, ensure_ascii=False, default=_instant)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets a reader (a refetch, an operator's query) work while a crawl writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # SQLite waits this long for another writer's lock unless the URL says otherwise (?timeout=).
    waits = {"timeout": 30} if url.startswith("sqlite") and "timeout=" not in url else {}
    engine = create_engine(url, connect_args=waits, json_serializer=lambda value: json.dumps(value, ensure_ascii=False))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


_open_stores: dict[str, Store] = {}


@dataclass
class Store:
    engine: Engine

    @classmethod
    def open(cls, url: str) -> Store:
        """The store for a database URL, its schema created or upgraded on first use; one per process and URL."""
        if url not in _open_stores:
            store = cls(make_engine(url))
            migrations.upgrade(store.engine)
            _open_stores[url] = store
        return _open_stores[url]

    @classmethod
    def for_crawler(cls, crawler) -> Store:
        return cls.open(crawler.settings.get("DATABASE_URL") or DEFAULT_DATABASE_URL)

    def _insert(self):
        dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(self.engine.dialect.name)
        if dialect is None:
            raise NotImplementedError(f"no upsert for the {self.engine.dialect.name} dialect")
        return dialect.insert(Article)

    def upsert(self, item: ArticleItem) -> Outcome:
        """Store an article by (source, news_code): insert it, or record that it was seen again, or
        keep its previous content as a version and update it. One transaction; safe against a
        concurrent writer of the same article."""
        with Session(self.engine) as session, session.begin():
            return self._upsert_in(session, item, datetime.now(timezone.utc))

    def upsert_many(self, items: list[ArticleItem]) -> list[Outcome]:
        """`upsert` of several articles in one transaction, with the same outcomes and versions as one by
        one: all are stored, or none (the error is raised)."""
        now = datetime.now(timezone.utc)
        with Session(self.engine) as session, session.begin():
            outcomes = self._write_batch(session, items, now)
            return [outcomes.get(index) or self._upsert_in(session, item, now) for index, item in enumerate(items)]

    def _write_batch(self, session: Session, items: list[ArticleItem], now: datetime) -> dict[int, Outcome]:
        """Writes the batch with a statement or two per kind of outcome: the articles not stored yet, those
        seen again unchanged, those changed (their stored content kept as versions first); returns the
        outcomes by position. What is left (a second copy in the batch, an article another writer inserted
        meanwhile) goes to `_upsert_in` after it, in the batch's order."""
        keys = [(item.source, item.news_code) for item in items]
        first: dict[tuple[str, str], int] = {}
        for index, key in enumerate(keys):
            first.setdefault(key, index)
        stored = self._stored_for_update(session, list(first))
        digests = {index: content_hash(items[index]) for index in first.values()}
        fresh, seen_again, changed = [], [], []
        for key, index in first.items():
            if key not in stored:
                fresh.append(index)
            else:
                (seen_again if stored[key].content_hash == digests[index] else changed).append(index)
        outcomes: dict[int, Outcome] = {}
        if fresh:
            inserted = self._insert_new(session, [{**self._values(items[index]), "content_hash": digests[index],
                                                   "first_seen_at": now, "last_seen_at": now} for index in fresh])
            outcomes.update((index, Outcome.NEW) for index in fresh if keys[index] in inserted)
        articles = Article.__table__
        if seen_again:
            session.execute(update(articles).where(articles.c.id == bindparam("row_id"))
                            .values(last_seen_at=now, view_count=bindparam("views")),
                            [{"row_id": stored[keys[index]].id, "views": items[index].view_count}
                             for index in seen_again])
            outcomes.update((index, Outcome.UNCHANGED) for index in seen_again)
        if changed:
            ids = [stored[keys[index]].id for index in changed]
            versions = ArticleVersion.__table__
            session.execute(versions.insert().from_select(
                ["article_id", "title", "lead", "body", "content_hash", "replaced_at"],
                select(articles.c.id, articles.c.title, articles.c.lead, articles.c.body, articles.c.content_hash,
                       literal(now, AwareDateTime())).where(articles.c.id.in_(ids)).order_by(articles.c.id)))
            # The SET clause is the parameters' keys: every column the item has, as `_upsert_in` writes it.
            session.execute(update(articles).where(articles.c.id == bindparam("row_id")),
                            [{"row_id": stored[keys[index]].id, **self._values(items[index]),
                              "content_hash": digests[index], "last_seen_at": now} for index in changed])
            outcomes.update((index, Outcome.UPDATED) for index in changed)
        return outcomes

    def _stored_for_update(self, session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Row]:
        """The stored rows among these keys (id and content hash), locked until the transaction ends."""
        articles = Article.__table__
        codes: dict[str, list[str]] = {}
        for source, code in keys:
            codes.setdefault(source, []).append(code)
        stored = {}
        for source, source_codes in codes.items():
            # One query per source: SQLite reads (source, news_code) IN (...) with a scan, not the index.
            # On PostgreSQL the codes go as one array: a statement with a parameter per code costs psycopg
            # more to parse than the database to run.
            matches = (articles.c.news_code == any_(bindparam("codes", source_codes, type_=postgresql.ARRAY(String)))
                       if self.engine.dialect.name == "postgresql" else articles.c.news_code.in_(source_codes))
            stored.update(((row.source, row.news_code), row) for row in session.execute(
                select(articles.c.id, articles.c.source, articles.c.news_code, articles.c.content_hash)
                .where(articles.c.source == source, matches).with_for_update()))
        return stored

    def _insert_new(self, session: Session, rows: list[dict]) -> set[tuple[str, str]]:
        """Inserts the rows whose (source, news_code) is not stored yet (another writer may have stored
        some since they were looked for); returns the keys of those inserted."""
        articles = Article.__table__
        if self.engine.dialect.name == "postgresql":
            # The batch as one JSON parameter, read back into rows by the database: a multi-row VALUES has
            # a parameter per value, which psycopg parses and escapes slowly (a few times the database's work).
            names = list(rows[0])
            incoming = func.jsonb_to_recordset(cast(bindparam("rows", _json_rows(rows), type_=Text), postgresql.JSONB))
            incoming = incoming.table_valued(*(column(name, articles.c[name].type) for name in names))
            statement = self._insert().from_select(names, select(*incoming.render_derived(with_types=True).c))
        else:
            statement = self._insert()
        statement = (statement.on_conflict_do_nothing(index_elements=["source", "news_code"])
                     .returning(articles.c.source, articles.c.news_code))
        parameters = None if self.engine.dialect.name == "postgresql" else rows
        return {tuple(row) for row in session.execute(statement, parameters)}

    @staticmethod
    def _values(item: ArticleItem) -> dict:
        return {name: getattr(item, name) for name in ARTICLE_COLUMNS if hasattr(item, name)}

    def _upsert_in(self, session: Session, item: ArticleItem, now: datetime) -> Outcome:
        digest = content_hash(item)
        values = self._values(item)
        while True:
            current = session.execute(
                select(Article).where(Article.source == item.source, Article.news_code == item.news_code)
                .with_for_update()
            ).scalar_one_or_none()
            if current is not None:
                break
            # RETURNING says whether a row went in: psycopg reports no rowcount here (-1).
            inserted = session.execute(
                self._insert().values(**values, content_hash=digest, first_seen_at=now, last_seen_at=now)
                .on_conflict_do_nothing(index_elements=["source", "news_code"]).returning(Article.id)
            ).scalar_one_or_none()
            if inserted is not None:
                return Outcome.NEW
            # Another writer inserted it between our select and insert: read theirs.
        if current.content_hash == digest:
            session.execute(update(Article).where(Article.id == current.id)
                            .values(last_seen_at=now, view_count=item.view_count))
            return Outcome.UNCHANGED
        session.add(ArticleVersion(article_id=current.id, title=current.title, lead=current.lead,
                                   body=current.body, content_hash=current.content_hash, replaced_at=now))
        session.execute(update(Article).where(Article.id == current.id)
                        .values(**values, content_hash=digest, last_seen_at=now))
        return Outcome.UPDATED

    def dates_by_code(self, source: str, codes: list[str]) -> dict[str, datetime]:
        """The publication instants of those of these news codes of a source that are stored."""
        with Session(self.engine) as session:
            return dict(session.execute(select(Article.news_code, Article.published_at)
                                        .where(Article.source == source, Article.news_code.in_(codes))).all())

    def dates_by_url(self, source: str, urls: list[str]) -> dict[str, datetime]:
        """The publication instants of the stored articles of a source among these URLs."""
        with Session(self.engine) as session:
            return dict(session.execute(select(Article.url, Article.published_at)
                                        .where(Article.source == source, Article.url.in_(urls))).all())
