"""WordPress's REST API: each article's «last edited» instant, and each run's API state and self-check.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Instant

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as articles:
        articles.add_column(sa.Column("modified_at", Instant, nullable=True))
    with op.batch_alter_table("crawl_runs") as runs:
        runs.add_column(sa.Column("api", sa.Text(), nullable=False, server_default=""))
        runs.add_column(sa.Column("api_agreements", sa.Integer(), nullable=False, server_default="0"))
        runs.add_column(sa.Column("api_disagreements", sa.Integer(), nullable=False, server_default="0"))
    # The defaults filled the rows there were; new rows get theirs from the models.
    with op.batch_alter_table("crawl_runs") as runs:
        for name in ("api", "api_agreements", "api_disagreements"):
            runs.alter_column(name, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as runs:
        for name in ("api_disagreements", "api_agreements", "api"):
            runs.drop_column(name)
    with op.batch_alter_table("articles") as articles:
        articles.drop_column("modified_at")
