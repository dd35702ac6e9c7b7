"""Persian full-text search over articles, kept current by triggers; syndicated copies of articles.

SQLite: the FTS5 table `articles_fts` (external content: the articles themselves) indexes the folded
title, lead and body (crawler/store/search.py); triggers on `articles` keep it in step with every insert,
update and delete, whoever writes. PostgreSQL: the same folding as SQL functions, a `tsvector` of the
`simple` configuration per article in `article_search` with a GIN index, kept by a trigger.

Also `copies` (pairs of near-duplicate articles), `copy_bands` (their MinHash bands), an index on
articles.content_hash (exact copies), and the view `article_list` (an article with its Jalali month,
for browsing).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crawler.store.migrations.columns import Id, Instant
from crawler.store.search import POSTGRESQL_FUNCTIONS

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = "persian_search_text({row}.title), persian_search_text({row}.lead), persian_search_text({row}.body)"
_ADD = f"INSERT INTO articles_fts (rowid, title, lead, body) VALUES (new.id, {_INDEXED.format(row='new')});"
# An external-content FTS5 table forgets a row by being told the values it indexed.
_FORGET = (
    f"INSERT INTO articles_fts (articles_fts, rowid, title, lead, body) "
    f"VALUES ('delete', old.id, {_INDEXED.format(row='old')});"
)
SQLITE_INDEX = (
    """CREATE VIRTUAL TABLE articles_fts USING fts5(title, lead, body, content="articles", content_rowid="id",
                                                   tokenize='unicode61 remove_diacritics 2')""",
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_ADD} END",
    f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, lead, body ON articles BEGIN {_FORGET} {_ADD} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_FORGET} END",
    f"INSERT INTO articles_fts (rowid, title, lead, body) SELECT id, {_INDEXED.format(row='articles')} FROM articles",
)

POSTGRESQL_INDEX = (
    *POSTGRESQL_FUNCTIONS,
    """CREATE TABLE article_search (
         article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
         document tsvector NOT NULL)""",
    "CREATE INDEX ix_article_search_document ON article_search USING gin (document)",
    """CREATE FUNCTION article_search_document(title text, lead text, body text) RETURNS tsvector
         LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $document$
         SELECT setweight(to_tsvector('simple', persian_search_text(title)), 'A')
             || setweight(to_tsvector('simple', persian_search_text(lead)), 'B')
             || to_tsvector('simple', persian_search_text(body))
       $document$""",
    """CREATE FUNCTION article_search_index() RETURNS trigger LANGUAGE plpgsql AS $index$
       BEGIN
         INSERT INTO article_search (article_id, document)
         VALUES (NEW.id, article_search_document(NEW.title, NEW.lead, NEW.body))
         ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document;
         RETURN NULL;
       END
       $index$""",
    "CREATE TRIGGER article_search_insert AFTER INSERT ON articles FOR EACH ROW EXECUTE FUNCTION article_search_index()",
    "CREATE TRIGGER article_search_update AFTER UPDATE OF title, lead, body ON articles "
    "FOR EACH ROW EXECUTE FUNCTION article_search_index()",
    "INSERT INTO article_search (article_id, document) SELECT id, article_search_document(title, lead, body) "
    "FROM articles",
)

ARTICLE_LIST = """
CREATE VIEW article_list AS
  SELECT id, source, substr(published_jalali, 1, 7) AS jalali_month, published_jalali, published_at, category,
         title, url
  FROM articles
"""


def upgrade() -> None:
    op.create_index("ix_articles_content_hash", "articles", ["content_hash"])
    op.create_table(
        "copies",
        sa.Column("id", Id, primary_key=True),
        sa.Column("original_id", Id, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("copy_id", Id, sa.ForeignKey("articles.id"), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("found_at", Instant, nullable=False),
        sa.UniqueConstraint("original_id", "copy_id", name="uq_copies_original_id_copy_id"),
    )
    op.create_index("ix_copies_original_id", "copies", ["original_id"])
    op.create_index("ix_copies_copy_id", "copies", ["copy_id"])
    op.create_table(
        "copy_bands",
        sa.Column("article_id", Id, sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("band", sa.Integer(), primary_key=True),
        sa.Column("key", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_copy_bands_key", "copy_bands", ["key"])
    for statement in POSTGRESQL_INDEX if op.get_bind().dialect.name == "postgresql" else SQLITE_INDEX:
        op.execute(statement)
    op.execute(ARTICLE_LIST)


def downgrade() -> None:
    op.execute("DROP VIEW article_list")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER article_search_insert ON articles")
        op.execute("DROP TRIGGER article_search_update ON articles")
        op.execute("DROP TABLE article_search")
        op.execute(
            "DROP FUNCTION article_search_index(), article_search_document(text, text, text), "
            "persian_search_text(text), persian_fold(text)"
        )
    else:
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER articles_fts_{trigger}")
        op.execute("DROP TABLE articles_fts")
    op.drop_index("ix_copy_bands_key", table_name="copy_bands")
    op.drop_table("copy_bands")
    op.drop_index("ix_copies_copy_id", table_name="copies")
    op.drop_index("ix_copies_original_id", table_name="copies")
    op.drop_table("copies")
    op.drop_index("ix_articles_content_hash", table_name="articles")
