"""What the README tells a user to run writes nowhere git would pick up."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def test_the_backfill_examples_job_directory_is_ignored_by_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    jobdirs = re.findall(r"JOBDIR=(\S+?)`", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert jobdirs
    for jobdir in jobdirs:
        ignored = subprocess.run(["git", "check-ignore", "-q", f"{jobdir}/hamshahri/requests.seen"], cwd=ROOT)
        assert ignored.returncode == 0, f"{jobdir} would be written into the checkout, not ignored"
