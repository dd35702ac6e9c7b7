"""watermarks: the complete segments of each source's listing walk; crawl_runs.behind.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant, Json

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "watermarks",
        sa.Column("id", Id, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("walk", sa.String(80), nullable=False),
        sa.Column("newest", Instant, nullable=False),
        sa.Column("oldest", Instant, nullable=False),
        sa.Column("resume_url", sa.Text(), nullable=True),
        sa.Column("resume_page", sa.Integer(), nullable=True),
        sa.Column("top_links", Json, nullable=False),
        sa.Column("recorded_at", Instant, nullable=False),
    )
    op.create_index("ix_watermarks_source_walk", "watermarks", ["source", "walk"])
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("behind", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("behind")
    op.drop_index("ix_watermarks_source_walk", table_name="watermarks")
    op.drop_table("watermarks")
