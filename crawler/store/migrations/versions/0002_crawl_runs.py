"""crawl_runs: one row per source per run, with the figures of its summary.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant, Json

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "pages",
    "listing_pages",
    "article_pages",
    "new",
    "updated",
    "unchanged",
    "known_skipped",
    "dropped",
    "errors",
    "fallbacks",
)


def upgrade() -> None:
    op.create_table(
        "crawl_runs",
        sa.Column("id", Id, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("started_at", Instant, nullable=True),
        sa.Column("finished_at", Instant, nullable=True),
        sa.Column("finish_reason", sa.String(40), nullable=False),
        sa.Column("arguments", Json, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("dropped_reasons", Json, nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
    )
    op.create_index("ix_crawl_runs_source", "crawl_runs", ["source"])


def downgrade() -> None:
    op.drop_index("ix_crawl_runs_source", table_name="crawl_runs")
    op.drop_table("crawl_runs")
