"""What the README and the pages of docs/ tell a user to run exists as written: every `scrapy` command
with its options, every `python3 tasks.py` command, every link to another page; and nothing they tell a
user to run writes where git would pick it up."""

from __future__ import annotations

import argparse
import ast
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from scrapy.cmdline import _get_commands_dict
from scrapy.utils.project import get_project_settings

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE_BLOCK = re.compile(r"```(?:sh|bash|console)?\n(.*?)```", re.S)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
TASKS = re.compile(r"""if command not in (\{[^}]*\})""")


def shown_commands(program: str) -> list[tuple[Path, list[str]]]:
    """The command lines of the pages' code blocks that run `program`, split as a shell would (the
    environment assignments and the comment left out)."""
    found = []
    for page in PAGES:
        for block in CODE_BLOCK.findall(page.read_text(encoding="utf-8")):
            for line in block.splitlines():
                try:
                    words = shlex.split(line, comments=True)
                except ValueError:
                    continue
                while words and re.match(r"^[A-Z_]+=", words[0]):
                    words.pop(0)
                if words[: len(program.split())] == program.split():
                    found.append((page, words[len(program.split()) :]))
    return found


def test_the_pages_show_scrapy_commands_and_options_that_exist():
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    settings = get_project_settings()
    commands = _get_commands_dict(settings, inproject=True)
    shown = shown_commands("scrapy")
    assert len(shown) > 10
    for page, words in shown:
        name = words[0]
        assert name in commands, f"{page.name}: scrapy {name} is no command"
        parser = argparse.ArgumentParser()
        commands[name].settings = settings
        commands[name].add_options(parser)
        for word in words[1:]:
            option = word.split("=", 1)[0]
            if option.startswith("--"):
                assert option in parser._option_string_actions, f"{page.name}: scrapy {name} has no {option}"


def test_the_pages_show_tasks_that_exist():
    tasks = TASKS.search((ROOT / "tasks.py").read_text(encoding="utf-8"))
    assert tasks
    known = ast.literal_eval(tasks.group(1))
    shown = shown_commands("python3 tasks.py")
    assert len(shown) >= 3
    for page, words in shown:
        assert words and words[0] in known, f"{page.name}: python3 tasks.py {' '.join(words)} is no task"


def test_the_pages_link_to_pages_that_exist():
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


def test_the_job_directories_the_pages_show_are_ignored_by_git():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    jobdirs = [jobdir for page in PAGES for jobdir in re.findall(r"JOBDIR=(\S+?)`", page.read_text(encoding="utf-8"))]
    assert jobdirs
    for jobdir in jobdirs:
        ignored = subprocess.run(["git", "check-ignore", "-q", f"{jobdir}/hamshahri/requests.seen"], cwd=ROOT)
        assert ignored.returncode == 0, f"{jobdir} would be written into the checkout, not ignored"
