"""Closed APIs: a WordPress source whose REST API refused the crawler, how and when, so that the runs of the next
day read its HTML pages without asking the API first; the row goes once the API answers again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "closed_apis",
        sa.Column("id", Id, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("how", sa.Text(), nullable=False),
        sa.Column("closed_at", Instant, nullable=False),
        sa.UniqueConstraint("source", name="uq_closed_apis_source"),
    )


def downgrade() -> None:
    op.drop_table("closed_apis")
