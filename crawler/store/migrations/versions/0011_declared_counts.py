"""Declared counts: what a site declared it publishes, by the evidence that costs requests to read (its
sitemaps' article URLs, read at most once a day; a REST API's posts of one Jalali month), with how many of those
were stored then, how many were left to fetch for want of budget (for the REST API: the page of posts where its
check resumes), and when it was counted, so that the runs in
between measure coverage without asking again.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "declared_counts",
        sa.Column("id", Id, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("evidence", sa.String(20), nullable=False),
        sa.Column("period", sa.String(10), nullable=False, server_default=""),
        sa.Column("declared", sa.Integer(), nullable=True),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("left", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("source_stored", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("resume_page", sa.Integer(), nullable=True),
        sa.Column("counted_at", Instant, nullable=False),
        sa.UniqueConstraint("source", "evidence", "period", name="uq_declared_counts_source_evidence_period"),
    )


def downgrade() -> None:
    op.drop_table("declared_counts")
