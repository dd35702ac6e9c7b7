"""Instants in SQLite as UTC text, so that they sort by time; indexes on articles.url and
articles.published_at.

SQLite has no timestamp type: instants are ISO 8601 text, which until now kept the offset they came
with (a publication time its Tehran offset, +03:30 or +04:30), so ordering the text mixed clocks. The
rows are rewritten in UTC (the same instants); the store reads publication times back on Tehran's
clock. PostgreSQL's timestamptz needs no change.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INSTANTS = {
    "articles": ("published_at", "crawled_at", "first_seen_at", "last_seen_at"),
    "article_versions": ("replaced_at",),
    "crawl_runs": ("started_at", "finished_at"),
}
UTC_SUFFIX = "+00:00"
CHUNK = 5000


def in_utc(value: str | None) -> str | None:
    if value is None or value.endswith(UTC_SUFFIX):
        return value
    return datetime.fromisoformat(value).astimezone(timezone.utc).isoformat()


def rewrite_in_utc(connection, name: str, columns: tuple[str, ...]) -> None:
    """Every instant of the table not in UTC yet, rewritten in UTC, a chunk of rows at a time."""
    table = sa.table(name, sa.column("id"), *(sa.column(column) for column in columns))
    not_utc = sa.or_(
        *(sa.and_(table.c[column].is_not(None), table.c[column].not_like(f"%{UTC_SUFFIX}")) for column in columns)
    )
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values({column: sa.bindparam(f"new_{column}") for column in columns})
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table).where(not_utc, table.c.id > last).order_by(table.c.id).limit(CHUNK)
        ).all()
        if not rows:
            return
        connection.execute(
            update,
            [
                {"row_id": row.id, **{f"new_{column}": in_utc(getattr(row, column)) for column in columns}}
                for row in rows
            ],
        )
        last = rows[-1].id


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        for name, columns in INSTANTS.items():
            rewrite_in_utc(connection, name, columns)
    op.create_index("ix_articles_url", "articles", ["url"], postgresql_using="hash")
    op.create_index("ix_articles_published_at", "articles", ["published_at"])


def downgrade() -> None:
    # The instants stay in UTC: the same instants, which every reader of ISO 8601 reads alike.
    op.drop_index("ix_articles_published_at", table_name="articles")
    op.drop_index("ix_articles_url", table_name="articles")
