"""Archive records: where each article and each kept version was read from (WARC file, offset, payload
digest), why a version was kept (`edited` by the site, or `reextract`ed by newer code) and, for a re-read,
the earlier values of the other fields that changed.
Older rows have no record and no reason.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Json

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_COLUMNS = (
    ("archive_file", sa.String(120)),
    ("archive_offset", sa.BigInteger()),
    ("archive_digest", sa.String(64)),
)


# Plain ADD / DROP COLUMN, which SQLite has: a batch would rebuild `articles` under its search triggers and view.
def upgrade() -> None:
    for table in ("articles", "article_versions"):
        for name, kind in RECORD_COLUMNS:
            op.add_column(table, sa.Column(name, kind, nullable=True))
    op.add_column("article_versions", sa.Column("reason", sa.String(20), nullable=True))
    op.add_column("article_versions", sa.Column("previous", Json, nullable=True))


def downgrade() -> None:
    op.drop_column("article_versions", "previous")
    op.drop_column("article_versions", "reason")
    for table in ("article_versions", "articles"):
        for name, _ in reversed(RECORD_COLUMNS):
            op.drop_column(table, name)
