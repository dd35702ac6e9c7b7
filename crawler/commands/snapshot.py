"""`scrapy snapshot PATH.db`: a SQLite copy of the store (a PostgreSQL one, typically) to browse with
`scrapy browse PATH.db` or hand to a reader. Run again, it brings the same file up to date."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import Connection, Table, delete, func, or_, select
from sqlalchemy.dialects import sqlite

from crawler.store.database import Article, ArticleCopy, ArticleVersion, CrawlRun, DeclaredCount, Store

CHUNK = 1000


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] PATH.db"

    def short_desc(self) -> str:
        return "Write (or bring up to date) a SQLite snapshot of the store at DATABASE_URL, to browse"

    def long_desc(self) -> str:
        return (
            "Copies the store at DATABASE_URL into the SQLite file PATH.db with the same ids, its search index "
            "built as the rows go in. Into an existing snapshot only what changed since it was taken is copied: "
            "articles seen, stored or rewritten since (with SNAPSHOT_OVERLAP_SECONDS of overlap for writes that "
            "were still committing), and their versions, copies and the crawl runs since."
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give the SQLite file to write, e.g. `scrapy snapshot data/snapshot.db`", print_help=False)
        assert self.settings
        url = self.settings.get("DATABASE_URL")
        path = Path(args[0]).resolve()
        if url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).resolve() == path:
            raise UsageError(
                f"{args[0]} is the store itself (DATABASE_URL); browse it directly with `scrapy browse`",
                print_help=False,
            )
        source, target = Store.open(url), Store.open(f"sqlite:///{path}")
        overlap = timedelta(seconds=self.settings.getfloat("SNAPSHOT_OVERLAP_SECONDS", 300))
        with source.engine.connect() as reading, target.engine.begin() as writing:
            copied = copy_changes(reading, writing, overlap)
            total = writing.scalar(select(func.count()).select_from(Article))
        print(
            f"snapshot {path}: {copied['articles']} articles copied ({copied['since']}), {total} in all; "
            f"{copied['versions']} versions, {copied['copies']} copies, {copied['runs']} crawl runs added"
        )


def copy_changes(reading: Connection, writing: Connection, overlap: timedelta) -> dict:
    articles = Article.__table__
    since = writing.scalar(select(func.max(articles.c.last_seen_at)))
    changed = select(articles)
    if since is not None:
        changed = changed.where(articles.c.last_seen_at > since - overlap)
    ids: list[int] = []
    for rows in _chunks(reading, changed):
        ids += [row["id"] for row in rows]
        _upsert(writing, articles, rows)
    counts: dict[str, Any] = {"articles": len(ids), "since": f"changed since {since - overlap}" if since else "all"}
    counts["versions"] = _append(reading, writing, ArticleVersion.__table__)
    counts["runs"] = _append(reading, writing, CrawlRun.__table__)
    # What the sites declare (a few rows per source, updated in place): copied whole, for the desk's coverage by month.
    for rows in _chunks(reading, select(DeclaredCount.__table__)):
        _upsert(writing, DeclaredCount.__table__, rows)
    # An article's copies are found again whenever it changes: its links are replaced by the store's.
    copies = ArticleCopy.__table__
    counts["copies"] = 0
    for at in range(0, len(ids), CHUNK):
        chunk = ids[at : at + CHUNK]
        involved = or_(copies.c.original_id.in_(chunk), copies.c.copy_id.in_(chunk))
        writing.execute(delete(copies).where(involved))
        for rows in _chunks(reading, select(copies).where(involved)):
            _upsert(writing, copies, rows)
            counts["copies"] += len(rows)
    return counts


def _append(reading: Connection, writing: Connection, table: Table) -> int:
    """Rows of a table that only grows, past those the snapshot has."""
    last = writing.scalar(select(func.max(table.c.id))) or 0
    added = 0
    for rows in _chunks(reading, select(table).where(table.c.id > last)):
        _upsert(writing, table, rows)
        added += len(rows)
    return added


def _chunks(reading: Connection, statement):
    result = reading.execution_options(stream_results=True, yield_per=CHUNK).execute(statement.order_by("id"))
    for partition in result.mappings().partitions(CHUNK):
        yield [dict(row) for row in partition]


def _upsert(writing: Connection, table: Table, rows: list[dict]) -> None:
    insert = sqlite.insert(table)
    writing.execute(
        insert.on_conflict_do_update(
            index_elements=["id"],
            set_={column.name: insert.excluded[column.name] for column in table.columns if column.name != "id"},
        ),
        rows,
    )
