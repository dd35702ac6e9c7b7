"""A throwaway PostgreSQL server for tests that need the real one (tests/support/postgres_server.py).

Skips with the reason when PostgreSQL is not installed, and fails instead when CI=true.
"""

from __future__ import annotations

import os

import pytest

from tests.support.postgres_server import PostgresServer, PostgresUnavailable


def postgres_or_skip() -> PostgresServer:
    try:
        return PostgresServer(durable=False)
    except PostgresUnavailable as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {missing}")
        pytest.skip(str(missing))


@pytest.fixture
def postgres_server():
    """A PostgreSQL server of the test's own (it may stop it)."""
    with postgres_or_skip() as server:
        yield server
