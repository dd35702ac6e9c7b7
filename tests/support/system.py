"""System programs some tests need (Chromium, the PostgreSQL server), found where Debian installs them.

A test whose program is missing is skipped with the reason locally; under CI=true it fails instead,
so CI can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

INSTALL_HINT = "apt-get install chromium postgresql"


def need(program: Path | None, what: str) -> Path:
    """The program's path; or skip (fail under CI=true) saying what is missing and how to install it."""
    if program is not None and program.exists():
        return program
    reason = f"{what} not found; install it with `{INSTALL_HINT}`"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)
