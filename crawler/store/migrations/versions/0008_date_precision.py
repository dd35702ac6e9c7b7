"""How exactly each article's publication instant is known: a day alone, a minute or a second.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy of the table, which would drop the search index's triggers); the
    # articles stored before keep NULL: their precision was not recorded.
    op.add_column("articles", sa.Column("published_precision", sa.String(6), nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place since 3.35, keeping the triggers.
    op.drop_column("articles", "published_precision")
