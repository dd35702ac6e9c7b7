"""Alembic's entry point: migrations run on the connection `upgrade()` hands over, or, from the
`alembic` command line, on DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from crawler.store.database import DEFAULT_DATABASE_URL, Base, make_engine
from crawler.store.migrations import include_name


def run_migrations(connection) -> None:
    # Batch mode lets later migrations alter SQLite tables (it copies the table, as SQLite requires).
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=True, include_name=include_name
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")

handed_over = context.config.attributes.get("connection")
if handed_over is not None:
    run_migrations(handed_over)
else:
    with make_engine(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)).begin() as connection:
        run_migrations(connection)
