"""Coverage: what each crawl run found the site declares (its REST API's total, its sitemaps' articles, its range
of sequential codes), how many of those were stored, and the evidence; and the codes inside a range the site
answered 404 or 410 for, not asked again. Older runs have no coverage.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("coverage_declared", sa.Integer(), nullable=True))
    op.add_column("crawl_runs", sa.Column("coverage_stored", sa.Integer(), nullable=True))
    op.add_column("crawl_runs", sa.Column("coverage_evidence", sa.String(20), nullable=False, server_default=""))
    op.create_table(
        "unpublished_codes",
        sa.Column("id", Id, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("news_code", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("found_at", Instant, nullable=False),
        sa.UniqueConstraint("source", "news_code", name="uq_unpublished_codes_source_code"),
    )


def downgrade() -> None:
    op.drop_table("unpublished_codes")
    op.drop_column("crawl_runs", "coverage_evidence")
    op.drop_column("crawl_runs", "coverage_stored")
    op.drop_column("crawl_runs", "coverage_declared")
