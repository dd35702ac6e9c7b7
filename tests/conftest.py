"""Shared fixtures: the offline mirror on loopback, a real SQLite file, the project's CLI."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.mirror_server import DEFAULT_ROOT, MirrorServer

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = Path(sys.executable).parent / "scrapy"
DATABASE_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def mirror():
    """The bundled mirror served over real HTTP on 127.0.0.1; yields its URL."""
    with MirrorServer(DEFAULT_ROOT) as server:
        yield server.url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'articles.db'}"


@pytest.fixture
def database_url(sqlite_url) -> str:
    return sqlite_url


def scrapy_cli(*args: str, mirror_url: str, database_url: str, timeout: float = 120,
               **env: str) -> subprocess.CompletedProcess:
    """The `scrapy` command of the project as an operator runs it, against the mirror."""
    environment = {**os.environ, "MIRROR_URL": mirror_url, "DATABASE_URL": database_url, **env}
    return subprocess.run([str(SCRAPY), *args], cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def postgresql_server():
    """A real PostgreSQL server for the whole test session, started here and stopped at the end."""
    from tests.postgres import postgres_or_skip

    with postgres_or_skip() as server:
        yield server


@pytest.fixture
def postgresql_url(postgresql_server) -> str:
    """A new, empty database on the test server."""
    return postgresql_server.create_database(f"test_{next(DATABASE_NUMBERS)}")
