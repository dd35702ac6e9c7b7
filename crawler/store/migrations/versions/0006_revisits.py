"""Revisits, takedowns and the watch counts: validators, check times and removal evidence on articles;
revisited, edited and removed in crawl_runs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Instant

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ARTICLE_COLUMNS = (
    ("etag", sa.String(200)),
    ("last_modified", sa.String(64)),
    ("last_checked_at", Instant),
    ("next_check_at", Instant),
    ("failing_since", Instant),
    ("removed_at", Instant),
    ("removed_reason", sa.String(40)),
    ("removed_status", sa.Integer()),
    ("removed_url", sa.Text()),
    ("restored_at", Instant),
)
RUN_COUNTS = ("revisited", "edited", "removed")


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        for name, kind in ARTICLE_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.create_index("ix_articles_source_next_check_at", "articles", ["source", "next_check_at"])
    with op.batch_alter_table("crawl_runs") as batch:
        for name in RUN_COUNTS:
            # Earlier runs counted none of these.
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        for name in reversed(RUN_COUNTS):
            batch.drop_column(name)
    op.drop_index("ix_articles_source_next_check_at", table_name="articles")
    with op.batch_alter_table("articles") as batch:
        for name, _ in reversed(ARTICLE_COLUMNS):
            batch.drop_column(name)
