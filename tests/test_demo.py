"""`python3 tasks.py demo` writes only its own database, whatever the shell exports."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import CACHES, ROOT

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl


def test_the_demo_writes_only_its_own_database(tmp_path):
    # A copy of the checkout (sharing its .venv), so that the demo's data/ is not this checkout's. The .venv
    # is brought up to date from this checkout first: else the copy's setup would install the project from
    # the copy, and the shared .venv would point into a directory about to be deleted.
    subprocess.run([sys.executable, "tasks.py", "setup"], cwd=ROOT, check=True, capture_output=True)
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(*CACHES, "data"))
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    production = tmp_path / "production.db"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{production}",
        "CRAWL_LOCK_FILE": str(tmp_path / "production.lock"),
    }
    result = subprocess.run(
        [sys.executable, "tasks.py", "demo"], cwd=checkout, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert not production.exists() and not (tmp_path / "production.lock").exists()
    assert "database: sqlite:///data/demo.db" in result.stdout
    with sqlite3.connect(checkout / "data" / "demo.db") as connection:
        assert connection.execute("select count(*) from articles").fetchone()[0] == 27
