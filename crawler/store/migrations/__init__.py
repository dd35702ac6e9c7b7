"""The store's schema, as Alembic migrations (`versions/`). Every command upgrades the database to
the newest schema on first use (Store.open calls `upgrade`), so a new or older database just works.

A change to the models in crawler/store/database.py comes with a migration, written from the repository
root against a scratch database at the newest schema:

    export DATABASE_URL=sqlite:////tmp/schema.db
    alembic upgrade head && alembic revision --autogenerate -m "what changed"

then review the generated file (tests/test_store_schema.py checks that the migrations build exactly
the models, on SQLite and PostgreSQL; `alembic check` says whether anything is missing).
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import tempfile
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

DIRECTORY = Path(__file__).resolve().parent
#: The revision whose schema Base.metadata.create_all made before migrations existed.
INITIAL_REVISION = "0001"
#: The newest revision in versions/ (tests/test_store_schema.py holds the two together): a database already
#: there is not migrated, and Alembic is not even imported (with the template engine it loads, 0.1 s of every
#: command's start).
HEAD = "0012"
# The search index's tables, made by the migrations and kept by triggers, with no model (crawler/store/search.py):
# SQLite's FTS5 table and its shadow tables, PostgreSQL's tsvector table.
_SEARCH_INDEX_TABLES = re.compile(r"articles_fts(_(data|idx|docsize|config|content))?|article_search")
# Alembic, imported once the log is set up, would announce each of its plugins at INFO on every migration.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
# Any constant number: the PostgreSQL advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK = 61_857_120


def _copy(source: Traversable, target: Path) -> None:
    target.mkdir(exist_ok=True)
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())


@cache
def script_location() -> Path:
    """The scripts' directory; when the package is read from a zip (the egg scrapyd runs), a copy of
    them in a temporary directory, for Alembic reads them as files."""
    if DIRECTORY.is_dir():
        return DIRECTORY
    copy = Path(tempfile.mkdtemp(prefix="crawler-migrations-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    _copy(files(__name__), copy)
    return copy


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location()))
    config.attributes["connection"] = connection
    return config


def include_name(name: str | None, type_: str, _parent_names) -> bool:
    """Whether the models describe this object: what autogenerate and the schema check compare."""
    return not (type_ == "table" and name and _SEARCH_INDEX_TABLES.fullmatch(name))


def _lock(connection: Connection) -> None:
    """One migrating process at a time: another one starting at the same moment waits for this
    transaction, then finds the schema current."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        # Takes the write lock now (SQLite DDL is transactional; the driver would not begin here).
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, read without a lock; None when it has none (a new database)."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:
        return None


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema, in one transaction; nothing when it is at HEAD already."""
    if current_revision(engine) == HEAD:
        return
    from alembic import command

    with engine.begin() as connection:
        _lock(connection)
        config = alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if "articles" in tables and "alembic_version" not in tables:
            # A database made before migrations: its schema is the initial revision's.
            command.stamp(config, INITIAL_REVISION)
        command.upgrade(config, "head")
