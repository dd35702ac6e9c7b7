"""Where articles are kept: SQLAlchemy models and the one upsert every entry point goes through.

SQLite by default, any SQLAlchemy URL through DATABASE_URL (PostgreSQL in production).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    any_,
    bindparam,
    cast,
    column,
    create_engine,
    delete,
    event,
    false,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crawler.extract.dates import TEHRAN
from crawler.items import CONTENT_FIELDS, ArticleItem
from crawler.store import migrations, search

DEFAULT_DATABASE_URL = "sqlite:///data/articles.db"

#: The signal the store pipeline (pipelines/store.py) sends after each successful write, with `items`
#: and their `outcomes`: what comes after the store listens to it (crawler/store/copies.py), since the
#: articles are in the database only once their batch is written.
articles_stored = object()


class AwareDateTime(TypeDecorator):
    """A timezone-aware instant: timestamptz where the database has one; in SQLite ISO 8601 text in
    UTC, so that the text's order is the instants' order (`order by published_at` sorts by time).
    Read back on `clock`: UTC, or Tehran's for a publication time, the clock the sites print."""

    impl = String(40)
    cache_ok = True

    def __init__(self, clock: tzinfo = timezone.utc):
        super().__init__()
        self.clock = clock

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: every stored instant carries its offset")
        return value.astimezone(timezone.utc).isoformat() if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (datetime.fromisoformat(value) if isinstance(value, str) else value).astimezone(self.clock)


JsonList = JSON().with_variant(postgresql.JSONB(), "postgresql")


class Base(DeclarativeBase):
    # Every model is mapped to a table, which SQLAlchemy types as any FROM clause (a join, a subquery).
    __table__: ClassVar[Table]


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("source", "news_code", name="uq_articles_source_news_code"),
        # The crawl looks articles up by URL (those whose URL carries no news code); equality only, so a
        # hash index in PostgreSQL (no length limit on the URL, where a btree's key is limited to ~2.7 KB).
        Index("ix_articles_url", "url", postgresql_using="hash"),
        # Readers list articles by publication time.
        Index("ix_articles_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    news_code: Mapped[str] = mapped_column(String(80))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(AwareDateTime(TEHRAN))
    published_jalali: Mapped[str] = mapped_column(String(10))
    # How exactly the site states published_at: "day" (a date alone: 00:00 Tehran is no real midnight),
    # "minute" or "second"; NULL for articles stored before it was recorded.
    published_precision: Mapped[str | None] = mapped_column(String(6), nullable=True)
    kicker: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list] = mapped_column(JsonList, default=list)
    authors: Mapped[list] = mapped_column(JsonList, default=list)
    images: Mapped[list] = mapped_column(JsonList, default=list)
    view_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    crawled_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # The site's own «last edited» instant (WordPress's modified_gmt): a later one means the article
    # changed and is read again. None where the site does not say.
    modified_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    provenance: Mapped[dict] = mapped_column(JsonList, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # Revisits (crawler/sources/revisits.py): the validators the page was last served with, for a conditional
    # request; when it was last checked and is next due (NULL: not planned yet, or, once checked, the
    # schedule is done); since when its checks fail with an error that may be passing (5xx, timeout).
    etag: Mapped[str | None] = mapped_column(String(200), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(64), nullable=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    next_check_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    failing_since: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    # Taken down: when it was found gone, why («404», «410», «soft 404», «redirect to home»,
    # «redirect to listing», «unreachable»), the HTTP status and the URL the check ended at. A
    # removed article keeps its row and versions; it is removed now while restored_at is NULL or earlier.
    removed_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    removed_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    removed_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    removed_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    restored_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    # The WARC record its content was last read from (crawler/fetch/archive.py): file in ARCHIVE_DIR, offset,
    # payload digest. NULL for an article read before the archive, or whose page was not archived.
    archive_file: Mapped[str | None] = mapped_column(String(120), nullable=True)
    archive_offset: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    archive_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)


Index("ix_articles_source_next_check_at", Article.source, Article.next_check_at)


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
    # The WARC record this content was read from, as the article had it (NULL before the archive).
    archive_file: Mapped[str | None] = mapped_column(String(120), nullable=True)
    archive_offset: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    archive_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # Why it was replaced: VERSION_EDITED (the site changed the article) or VERSION_REEXTRACTED (newer code read
    # the archived page otherwise, `scrapy reextract`); NULL for versions kept before the reason was.
    reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # Re-read from the archive: the earlier values of the fields outside the content that changed too
    # ({"published_at": "…", "kicker": "…"}); NULL otherwise.
    previous: Mapped[dict | None] = mapped_column(JsonList, nullable=True)


VERSION_EDITED = "edited"
VERSION_REEXTRACTED = "reextract"
#: The columns that say where an article's content was read from, copied into its version when it changes.
RECORD_COLUMNS = ("archive_file", "archive_offset", "archive_digest")
#: The fields besides the content that `scrapy reextract` compares and may correct (view counts move on the site).
REREAD_FIELDS = ("url", "published_at", "published_jalali", "kicker", "category", "tags", "authors", "images")


# Exact copies of an article (crawler/store/copies.py) are found by its content hash.
Index("ix_articles_content_hash", Article.content_hash)


class ArticleCopy(Base):
    """Two stored articles with the same or nearly the same body: news syndicated by another source (or
    republished by the same one). Both stay; `original_id` is the one published first."""

    __tablename__ = "copies"
    __table_args__ = (UniqueConstraint("original_id", "copy_id", name="uq_copies_original_id_copy_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    copy_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    # The Jaccard similarity of the two bodies' word shingles (1.0: the same text).
    similarity: Mapped[float] = mapped_column(Float)
    found_at: Mapped[datetime] = mapped_column(AwareDateTime)


class CopyBand(Base):
    """One band of an article body's MinHash signature: articles sharing a band are candidate copies
    (locality-sensitive hashing kept in the database, so every writer sees every article)."""

    __tablename__ = "copy_bands"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), primary_key=True)
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, index=True)


class CrawlRun(Base):
    """One source's part of a crawl, as its end-of-run summary shows it."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime, nullable=True)
    # Scrapy's finish reason: "finished", "shutdown" (stopped by a signal), "closespider_…", or "not started";
    # "locked elsewhere": another crawl was crawling the source (crawler.store.lock.SourceLock), nothing was fetched.
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
    # WordPress sources: whether the REST API was read ("open"), refused ("closed: <how>") or not tried ("off");
    # and the self-check of the HTML reader against it, in posts whose page agreed / disagreed.
    api: Mapped[str] = mapped_column(Text, default="")
    api_agreements: Mapped[int] = mapped_column(Integer, default=0)
    api_disagreements: Mapped[int] = mapped_column(Integer, default=0)
    # Why the run needs a person's attention, one reason per line; empty when it does not.
    problems: Mapped[str] = mapped_column(Text, default="")
    # Stored articles checked again (crawler/sources/revisits.py), found edited, found taken down.
    revisited: Mapped[int] = mapped_column(Integer, default=0)
    edited: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    # Whether part of the source's listing was left unwalked, for the next runs (crawler/sources/frontier.py).
    behind: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Coverage (crawler/sources/coverage.py): the articles the site declares by its best evidence («api total»,
    # «sitemap», «code range»), how many of them are stored; none and "" where the site gave no evidence.
    coverage_declared: Mapped[int | None] = mapped_column(Integer, nullable=True)
    coverage_stored: Mapped[int | None] = mapped_column(Integer, nullable=True)
    coverage_evidence: Mapped[str] = mapped_column(String(20), default="", server_default="")


class UnpublishedCode(Base):
    """A news code inside a source's range of sequential codes that its site answered 404 or 410 for: withdrawn
    or never published, so it is not asked for again (crawler/sources/coverage.py)."""

    __tablename__ = "unpublished_codes"
    __table_args__ = (UniqueConstraint("source", "news_code", name="uq_unpublished_codes_source_code"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    news_code: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    found_at: Mapped[datetime] = mapped_column(AwareDateTime)


class DeclaredCount(Base):
    """What a site declared it publishes, by evidence that costs requests to read (crawler/sources/coverage.py):
    its sitemaps' article URLs (`period` ""), read at most once a day, or a REST API's posts of one Jalali month
    (`period` «1404-09»); with how many of those were stored when it was counted, and how many the run left to
    fetch for want of budget (the next run reads the sitemaps again for them)."""

    __tablename__ = "declared_counts"
    __table_args__ = (
        UniqueConstraint("source", "evidence", "period", name="uq_declared_counts_source_evidence_period"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    evidence: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # None: asked, and the site gave no count (a sitemap it did not serve, a month the API did not count).
    declared: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stored: Mapped[int] = mapped_column(Integer)
    left: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # All the source's stored articles then: those stored since are counted as the holes they fill.
    source_stored: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The REST API's total: the page of posts where the next check for posts not stored resumes (None: page 2).
    resume_page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counted_at: Mapped[datetime] = mapped_column(AwareDateTime)


class ClosedApi(Base):
    """A WordPress source whose REST API refused the crawler («HTTP 403 rest_disabled»), and when: the runs of
    WORDPRESS_API_RETRY after it read the HTML without asking (crawler/sources/discovery.py, WordPressApi)."""

    __tablename__ = "closed_apis"
    __table_args__ = (UniqueConstraint("source", name="uq_closed_apis_source"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    how: Mapped[str] = mapped_column(Text)
    closed_at: Mapped[datetime] = mapped_column(AwareDateTime)


class Watermark(Base):
    """A complete segment of a source's walk (a listing, an API's pages): every article listed from
    `newest` down to `oldest` was stored; the walk below it resumes at `resume_url` (see
    crawler/sources/frontier.py)."""

    __tablename__ = "watermarks"
    __table_args__ = (Index("ix_watermarks_source_walk", "source", "walk"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    # The walk: a section of the source's listings, or another newest-first discovery path.
    walk: Mapped[str] = mapped_column(String(80))
    newest: Mapped[datetime] = mapped_column(AwareDateTime)
    oldest: Mapped[datetime] = mapped_column(AwareDateTime)
    # The last page read in full at the segment's bottom, and its number; none: the listing ends there.
    resume_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    resume_page: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The articles its first page lists (hex link keys): a page listing mostly these has reached it.
    top_links: Mapped[list] = mapped_column(JsonList, default=list)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime)


ARTICLE_COLUMNS = [c.name for c in Article.__table__.columns if c.name not in ("id",)]


class Outcome(StrEnum):
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


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


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


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL, plain (sqlite:///path) or URI (sqlite:///file:path?uri=true);
    None for another database, or one in memory."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    if parsed.query.get("uri"):
        database = urlsplit(database).path
    return Path(database).expanduser()


def prepare_directory(url: str) -> None:
    """Creates the project's own data/ directory for the default database; any other database's directory
    must exist (crawler/run/preflight.py)."""
    if url == DEFAULT_DATABASE_URL:
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def create_private(url: str) -> None:
    """Creates a SQLite database file that does not exist yet readable by its owner only: SQLite gives its
    -wal and -shm files the database file's mode, so articles are not readable by every user of the machine
    (as the crawl lock is not)."""
    database = sqlite_file(url)
    if database is None or make_url(url).query.get("mode") or not database.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str) -> Engine:
    prepare_directory(url)
    create_private(url)
    # SQLite waits this long for another writer's lock unless the URL says otherwise (?timeout=).
    waits = {"timeout": 30} if url.startswith("sqlite") and "timeout=" not in url else {}
    engine = create_engine(url, connect_args=waits, json_serializer=lambda value: json.dumps(value, ensure_ascii=False))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        # The search index's triggers fold text with the project's own Python (crawler/store/search.py).
        event.listen(engine, "connect", lambda dbapi_connection, _record: search.register(dbapi_connection))
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

    def upsert(self, item: ArticleItem, reason: str = VERSION_EDITED) -> Outcome:
        """Store an article by (source, news_code): insert it, or record that it was seen again, or
        keep its previous content as a version (with `reason`) and update it. One transaction; safe
        against a concurrent writer of the same article. A batch of one (`upsert_many`)."""
        return self.upsert_many([item], reason)[0]

    def upsert_many(self, items: list[ArticleItem], reason: str = VERSION_EDITED) -> list[Outcome]:
        """`upsert` of several articles in one transaction, with the same outcomes and versions as one by
        one: all are stored, or none (the error is raised).

        Written in rounds of a statement or two per kind of outcome: each round takes the first article of
        each key still to write; a second copy of an article in the batch waits for the next round, as does
        one that another writer inserted between our look-up and our insert (found stored then)."""
        now = datetime.now(timezone.utc)
        outcomes: dict[int, Outcome] = {}
        with Session(self.engine) as session, session.begin():
            while len(outcomes) < len(items):
                pending = [index for index in range(len(items)) if index not in outcomes]
                outcomes.update(self._write_round(session, items, pending, now, reason))
        return [outcomes[index] for index in range(len(items))]

    def _write_round(
        self, session: Session, items: list[ArticleItem], pending: list[int], now: datetime, reason: str
    ) -> dict[int, Outcome]:
        """Decides new / unchanged / updated for the first pending article of each key and writes them: the
        articles not stored yet, those seen again unchanged, those changed (their stored content kept as
        versions first); returns the outcomes by position of those written."""
        keys = {index: (items[index].source, items[index].news_code) for index in pending}
        first: dict[tuple[str, str], int] = {}
        for index in pending:
            first.setdefault(keys[index], index)
        rereading = reason == VERSION_REEXTRACTED
        stored = self._stored_for_update(session, list(first), REREAD_FIELDS if rereading else ())
        digests = {index: content_hash(items[index]) for index in first.values()}
        fresh: list[int] = []
        seen_again: list[int] = []
        changed: list[int] = []
        # Read again from the archive (`scrapy reextract`), an article changes when any field read from its page
        # does; the earlier values of those outside the content are kept in the version's `previous`.
        previous: dict[int, dict] = {}
        for key, index in first.items():
            current = stored.get(key)
            if current is None:
                fresh.append(index)
                continue
            if rereading and (
                earlier := {
                    name: _plain(current._mapping[name])
                    for name in REREAD_FIELDS
                    if current._mapping[name] != getattr(items[index], name, None)
                }
            ):
                previous[index] = earlier
            unchanged = current.content_hash == digests[index] and index not in previous
            (seen_again if unchanged else changed).append(index)
        outcomes: dict[int, Outcome] = {}
        if fresh:
            inserted = self._insert_new(
                session,
                [
                    {
                        **self._values(items[index]),
                        "content_hash": digests[index],
                        "first_seen_at": now,
                        "last_seen_at": now,
                    }
                    for index in fresh
                ],
            )
            outcomes.update((index, Outcome.NEW) for index in fresh if keys[index] in inserted)
        articles = Article.__table__
        # A reading that does not say when the site edited the article keeps what one that did said.
        kept_modified_at = func.coalesce(bindparam("new_modified_at", type_=AwareDateTime), articles.c.modified_at)
        if seen_again:
            session.execute(
                update(articles)
                .where(articles.c.id == bindparam("row_id"))
                .values(
                    last_seen_at=now,
                    view_count=bindparam("views"),
                    modified_at=kept_modified_at,
                    **{name: func.coalesce(bindparam(f"new_{name}"), articles.c[name]) for name in RECORD_COLUMNS},
                ),
                [
                    {
                        "row_id": stored[keys[index]].id,
                        "views": items[index].view_count,
                        "new_modified_at": items[index].modified_at,
                        # The record the content was read from, when this reading has one.
                        **{
                            f"new_{name}": getattr(items[index], name) if items[index].archive_file else None
                            for name in RECORD_COLUMNS
                        },
                    }
                    for index in seen_again
                ],
            )
            outcomes.update((index, Outcome.UNCHANGED) for index in seen_again)
        if changed:
            self._keep_versions(
                session,
                [stored[keys[index]].id for index in changed],
                now,
                reason,
                previous_by_id={stored[keys[index]].id: earlier for index, earlier in previous.items()},
            )
            # The SET clause is the parameters' keys: every column the item has. Read again from the archive,
            # the page was neither fetched nor seen now: crawled_at and last_seen_at stay.
            session.execute(
                update(articles).where(articles.c.id == bindparam("row_id")).values(modified_at=kept_modified_at),
                [
                    {
                        "row_id": stored[keys[index]].id,
                        **{
                            name: value
                            for name, value in self._values(items[index]).items()
                            if name != "modified_at" and not (rereading and name == "crawled_at")
                        },
                        "new_modified_at": items[index].modified_at,
                        "content_hash": digests[index],
                        **({} if rereading else {"last_seen_at": now}),
                    }
                    for index in changed
                ],
            )
            outcomes.update((index, Outcome.UPDATED) for index in changed)
        return outcomes

    def _keep_versions(
        self, session: Session, ids: list[int], now: datetime, reason: str, previous_by_id: dict[int, dict]
    ) -> None:
        """The stored content of these articles as versions replaced now for `reason`, with the earlier values
        of other fields where given."""
        articles, versions = Article.__table__, ArticleVersion.__table__
        statement = versions.insert().from_select(
            ["article_id", "title", "lead", "body", "content_hash", "replaced_at", *RECORD_COLUMNS, "reason"],
            select(
                articles.c.id,
                articles.c.title,
                articles.c.lead,
                articles.c.body,
                articles.c.content_hash,
                literal(now, AwareDateTime()),
                *(articles.c[name] for name in RECORD_COLUMNS),
                literal(reason, String()),
            )
            .where(articles.c.id.in_(ids))
            .order_by(articles.c.id),
        )
        if not previous_by_id:
            session.execute(statement)
            return
        version_ids: dict[int, int] = dict(
            session.execute(statement.returning(versions.c.article_id, versions.c.id)).all()
        )
        session.execute(
            update(versions).where(versions.c.id == bindparam("version_id")).values(previous=bindparam("earlier")),
            [
                {"version_id": version_ids[article_id], "earlier": earlier}
                for article_id, earlier in previous_by_id.items()
            ],
        )

    def _stored_for_update(
        self, session: Session, keys: list[tuple[str, str]], also: tuple[str, ...] = ()
    ) -> dict[tuple[str, str], Row]:
        """The stored rows among these keys (id, content hash and the columns `also`), locked until the
        transaction ends."""
        articles = Article.__table__
        codes: dict[str, list[str]] = {}
        for source, code in keys:
            codes.setdefault(source, []).append(code)
        stored: dict[tuple[str, str], Row] = {}
        for source, source_codes in codes.items():
            # One query per source: SQLite reads (source, news_code) IN (...) with a scan, not the index.
            # On PostgreSQL the codes go as one array: a statement with a parameter per code costs psycopg
            # more to parse than the database to run.
            matches = (
                articles.c.news_code == any_(bindparam("codes", source_codes, type_=postgresql.ARRAY(String)))
                if self.engine.dialect.name == "postgresql"
                else articles.c.news_code.in_(source_codes)
            )
            stored.update(
                ((row.source, row.news_code), row)
                for row in session.execute(
                    select(
                        articles.c.id,
                        articles.c.source,
                        articles.c.news_code,
                        articles.c.content_hash,
                        *(articles.c[name] for name in also),
                    )
                    .where(articles.c.source == source, matches)
                    .with_for_update()
                )
            )
        return stored

    def _insert_new(self, session: Session, rows: list[dict]) -> set[tuple[str, str]]:
        """Inserts the rows whose (source, news_code) is not stored yet (another writer may have stored
        some since they were looked for); returns the keys of those inserted."""
        articles = Article.__table__
        if self.engine.dialect.name == "postgresql":
            # The batch as one JSON parameter, read back into rows by the database: a multi-row VALUES has
            # a parameter per value, which psycopg parses and escapes slowly (a few times the database's work).
            names = list(rows[0])
            recordset = func.jsonb_to_recordset(cast(bindparam("rows", _json_rows(rows), type_=Text), postgresql.JSONB))
            incoming = recordset.table_valued(*(column(name, articles.c[name].type) for name in names))
            statement = self._insert().from_select(names, select(*incoming.render_derived(with_types=True).c))
        else:
            statement = self._insert()
        statement = statement.on_conflict_do_nothing(index_elements=["source", "news_code"]).returning(
            articles.c.source, articles.c.news_code
        )
        parameters = None if self.engine.dialect.name == "postgresql" else rows
        return {tuple(row) for row in session.execute(statement, parameters)}

    @staticmethod
    def _values(item: ArticleItem) -> dict:
        return {name: getattr(item, name) for name in ARTICLE_COLUMNS if hasattr(item, name)}

    def check_writable(self) -> None:
        """Raises the database's error unless articles and crawl runs can be written (nothing is kept)."""
        with Session(self.engine) as session:
            session.execute(update(Article).where(false()).values(title=""))
            session.add(CrawlRun(source="", finish_reason="write check"))
            session.flush()
            session.rollback()

    def dates_by_code(self, source: str, codes: list[str]) -> dict[str, datetime]:
        """The publication instants of those of these news codes of a source that are stored."""
        with Session(self.engine) as session:
            return dict(
                session.execute(
                    select(Article.news_code, Article.published_at).where(
                        Article.source == source, Article.news_code.in_(codes)
                    )
                ).all()
            )

    def dates_and_edits_by_code(self, source: str, codes: list[str]) -> dict[str, tuple[datetime, datetime | None]]:
        """For those of these news codes of a source that are stored: when published, when last edited."""
        with Session(self.engine) as session:
            rows = session.execute(
                select(Article.news_code, Article.published_at, Article.modified_at).where(
                    Article.source == source, Article.news_code.in_(codes)
                )
            ).all()
        return {code: (published_at, modified_at) for code, published_at, modified_at in rows}

    def dates_by_url(self, source: str, urls: list[str]) -> dict[str, datetime]:
        """The publication instants of the stored articles of a source among these URLs."""
        with Session(self.engine) as session:
            return dict(
                session.execute(
                    select(Article.url, Article.published_at).where(Article.source == source, Article.url.in_(urls))
                ).all()
            )

    # -- coverage (crawler/sources/coverage.py) ----------------------------------------------------------------

    def stored_count(self, source: str) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(Article).where(Article.source == source)) or 0

    def stored_codes(self, source: str) -> list[str]:
        with Session(self.engine) as session:
            return list(session.scalars(select(Article.news_code).where(Article.source == source)))

    def codes_published_since(self, source: str, moment: datetime) -> list[str]:
        """The news codes of a source's articles published at or after this instant."""
        with Session(self.engine) as session:
            return list(
                session.scalars(
                    select(Article.news_code).where(Article.source == source, Article.published_at >= moment)
                )
            )

    def unpublished_codes(self, source: str) -> set[str]:
        with Session(self.engine) as session:
            return set(session.scalars(select(UnpublishedCode.news_code).where(UnpublishedCode.source == source)))

    def record_unpublished(self, source: str, code: str, status: int, now: datetime) -> None:
        """A code the site answered 404/410 for (once: a second answer for it changes nothing)."""
        with Session(self.engine) as session, session.begin():
            if (
                session.scalar(
                    select(UnpublishedCode.id).where(
                        UnpublishedCode.source == source, UnpublishedCode.news_code == code
                    )
                )
                is None
            ):
                session.add(UnpublishedCode(source=source, news_code=code, status=status, found_at=now))

    def declared_count(self, source: str, evidence: str, period: str = "") -> DeclaredCount | None:
        """What the site last declared by this evidence (for this period), or None when it was never counted."""
        with Session(self.engine) as session:
            return session.scalar(
                select(DeclaredCount).where(
                    DeclaredCount.source == source, DeclaredCount.evidence == evidence, DeclaredCount.period == period
                )
            )

    def record_declared(
        self,
        source: str,
        evidence: str,
        declared: int | None,
        stored: int,
        now: datetime,
        period: str = "",
        left: int = 0,
        resume_page: int | None = None,
    ) -> None:
        """What the site declares by this evidence now, replacing what it declared before."""
        source_stored = self.stored_count(source)
        with Session(self.engine) as session, session.begin():
            found = session.scalar(
                select(DeclaredCount)
                .where(
                    DeclaredCount.source == source, DeclaredCount.evidence == evidence, DeclaredCount.period == period
                )
                .with_for_update()
            )
            if found is None:
                session.add(
                    DeclaredCount(
                        source=source,
                        evidence=evidence,
                        period=period,
                        declared=declared,
                        stored=stored,
                        left=left,
                        source_stored=source_stored,
                        resume_page=resume_page,
                        counted_at=now,
                    )
                )
            else:
                found.declared, found.stored, found.left, found.counted_at = declared, stored, left, now
                found.source_stored, found.resume_page = source_stored, resume_page

    def stored_in_month(self, source: str, month: str) -> int:
        """The articles of a source published in a Jalali month («1404-09»)."""
        with Session(self.engine) as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(Article)
                    .where(Article.source == source, Article.published_jalali.startswith(f"{month}-"))
                )
                or 0
            )

    def api_closed(self, source: str) -> ClosedApi | None:
        """When and how the source's REST API last refused the crawler, unless it answered since."""
        with Session(self.engine) as session:
            return session.scalar(select(ClosedApi).where(ClosedApi.source == source))

    def record_api_closed(self, source: str, how: str, now: datetime) -> None:
        with Session(self.engine) as session, session.begin():
            found = session.scalar(select(ClosedApi).where(ClosedApi.source == source).with_for_update())
            if found is None:
                session.add(ClosedApi(source=source, how=how, closed_at=now))
            else:
                found.how, found.closed_at = how, now

    def record_api_open(self, source: str) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(delete(ClosedApi).where(ClosedApi.source == source))

    def last_coverage(self, source: str) -> CrawlRun | None:
        """The latest crawl run of a source that measured its coverage."""
        with Session(self.engine) as session:
            return session.scalar(
                select(CrawlRun)
                .where(CrawlRun.source == source, CrawlRun.coverage_declared.is_not(None))
                .order_by(CrawlRun.finished_at.desc(), CrawlRun.id.desc())
                .limit(1)
            )

    # -- revisits (crawler/sources/revisits.py): what a check of a stored article found --------------------------

    def record_alive(self, article_id: int, now: datetime, next_check_at: datetime | None, not_modified: bool) -> bool:
        """The article answered (200 with an article, or 304): checked now; a 304 also moves last_seen_at
        (a 200 goes through the upsert, which does). Returns whether it had been removed and is restored."""
        with Session(self.engine) as session, session.begin():
            article = session.get(Article, article_id, with_for_update=True)
            if article is None:
                return False
            restored = is_removed(article)
            article.last_checked_at, article.next_check_at, article.failing_since = now, next_check_at, None
            if not_modified:
                article.last_seen_at = now
            if restored:
                article.restored_at = now
            return restored

    def record_checked(self, article_id: int, now: datetime, next_check_at: datetime | None) -> None:
        """A check that found nothing either way (the request was not allowed): on to the next stage."""
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(Article).where(Article.id == article_id).values(last_checked_at=now, next_check_at=next_check_at)
            )

    def record_removed(
        self,
        article_id: int,
        now: datetime,
        next_check_at: datetime | None,
        reason: str,
        status: int | None,
        final_url: str,
    ) -> bool:
        """The article is gone (404/410, a soft 404, a redirect to a home or listing page, or errors for a
        day): removed_at and the evidence, unless it is removed already. The row and its versions stay.
        Returns whether it is newly removed."""
        with Session(self.engine) as session, session.begin():
            article = session.get(Article, article_id, with_for_update=True)
            if article is None:
                return False
            article.last_checked_at, article.next_check_at, article.failing_since = now, next_check_at, None
            if is_removed(article):
                return False
            article.removed_at, article.removed_reason = now, reason
            article.removed_status, article.removed_url = status, final_url
            return True

    def record_failing(self, article_id: int, now: datetime, next_check_at: datetime | None) -> datetime | None:
        """A check failed with an error that may pass (5xx, a timeout): checked now, failing since the first
        of the consecutive failures, which it returns (None for an article no longer stored)."""
        with Session(self.engine) as session, session.begin():
            article = session.get(Article, article_id, with_for_update=True)
            if article is None:
                return None
            article.last_checked_at, article.next_check_at = now, next_check_at
            article.failing_since = article.failing_since or now
            return article.failing_since

    def record_validators(self, source: str, validators: dict[str, tuple[str | None, str | None]]) -> None:
        """The ETag and Last-Modified each article page (by news code) was served with."""
        if not validators:
            return
        with Session(self.engine) as session, session.begin():
            session.execute(
                update(Article.__table__)
                .where(Article.__table__.c.source == source, Article.__table__.c.news_code == bindparam("code"))
                .values(etag=bindparam("tag"), last_modified=bindparam("modified")),
                [{"code": code, "tag": tag, "modified": modified} for code, (tag, modified) in validators.items()],
            )


def is_removed(article: Article) -> bool:
    """Taken down and not restored since."""
    return article.removed_at is not None and (article.restored_at is None or article.restored_at < article.removed_at)
