"""The initial schema: articles and the versions of changed articles.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant, Json

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", Id, primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("news_code", sa.String(80), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published_at", Instant, nullable=False),
        sa.Column("published_jalali", sa.String(10), nullable=False),
        sa.Column("kicker", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("tags", Json, nullable=False),
        sa.Column("authors", Json, nullable=False),
        sa.Column("images", Json, nullable=False),
        sa.Column("view_count", sa.Integer(), nullable=True),
        sa.Column("crawled_at", Instant, nullable=False),
        sa.Column("provenance", Json, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("first_seen_at", Instant, nullable=False),
        sa.Column("last_seen_at", Instant, nullable=False),
        sa.UniqueConstraint("source", "news_code", name="uq_articles_source_news_code"),
    )
    op.create_table(
        "article_versions",
        sa.Column("id", Id, primary_key=True),
        sa.Column(
            "article_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("articles.id"),
            nullable=False,
        ),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("replaced_at", Instant, nullable=False),
    )
    op.create_index("ix_article_versions_article_id", "article_versions", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_article_versions_article_id", table_name="article_versions")
    op.drop_table("article_versions")
    op.drop_table("articles")
