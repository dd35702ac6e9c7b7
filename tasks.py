#!/usr/bin/env python3
"""Set up and run the project with nothing but Python 3.11+ on the machine.

    python3 tasks.py demo      # crawl the bundled offline mirror of all sources into SQLite, print a summary
    python3 tasks.py test      # run the whole test suite (two workers)
    python3 tasks.py test --fast   # the unit, golden and accuracy tests only: no crawl, browser, PostgreSQL, scrapyd
    python3 tasks.py lint      # ruff's lint rules, its format check and mypy, as configured in pyproject.toml
    python3 tasks.py browse    # browse and search the demo database (or DATABASE_URL's SQLite file) in the browser
    python3 tasks.py bench     # the benchmarks (bench/): five figures against references measured in the same run
    python3 tasks.py accuracy  # the robustness corpus: every golden page in other themes, each field scored
    python3 tasks.py setup     # only create/refresh the virtual environment at .venv

Each command first makes sure `.venv` exists and holds the dependencies declared in pyproject.toml
(re-installing only when pyproject.toml changed), so every command is idempotent.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed-from"
DEMO_DATABASE = "sqlite:///data/demo.db"
# The demo's pages are archived apart from a production archive the shell may name.
DEMO_ARCHIVE = "data/demo-archive"


def run(*args: str | Path, env: dict | None = None) -> int:
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    log = VENV / "install.log"
    print(f"installing dependencies into .venv (log: {log.relative_to(ROOT)}) ...", flush=True)
    with log.open("w") as output:
        for step in (["--upgrade", "pip"], ["-e", ".[test]"]):
            if subprocess.call([PYTHON, "-m", "pip", "install", *step], cwd=ROOT, stdout=output, stderr=output):
                sys.exit(f"pip install {' '.join(step)} failed; see {log}")
    STAMP.write_text(wanted)


def demo() -> int:
    """The cron job's crawl of every source, against the bundled mirror on loopback, into data/demo.db
    only: never into the database the shell's DATABASE_URL names (the fixture articles would count as
    known there, and the real ones would never be fetched)."""
    (ROOT / "data").mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": DEMO_DATABASE, "CRAWL_LOCK_FILE": "", "ARCHIVE_DIR": DEMO_ARCHIVE}
    mirror = subprocess.Popen(
        [PYTHON, "-m", "crawler.fetch.mirror_server"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert mirror.stdout is not None
        env["MIRROR_URL"] = mirror.stdout.readline().strip()
        print(f"offline mirror serving tests/mirror at {env['MIRROR_URL']}", flush=True)
        return run(BIN / "scrapy", "crawlall", "-L", "ERROR", env=env)
    finally:
        mirror.terminate()
        mirror.wait()


def browse(extra: list[str]) -> int:
    """Datasette on the demo database, or on DATABASE_URL's when it is set (`scrapy browse`)."""
    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", DEMO_DATABASE)}
    if "DATABASE_URL" not in os.environ:
        env["ARCHIVE_DIR"] = DEMO_ARCHIVE
    try:
        return run(BIN / "scrapy", "browse", *extra, env=env)
    except KeyboardInterrupt:  # Ctrl-C stops the server too (same terminal)
        return 0


# The markers of tests that need more than Python (pyproject.toml): left out of `test --fast`.
SLOW_MARKERS = ("crawl", "browser", "postgres", "scrapyd", "heavy")


def test(extra: list[str]) -> int:
    """The whole suite on two workers, each test module on one worker (tests of a module share its servers and
    fixtures); `--fast`: only the tests that need nothing but Python and take seconds. Other options go to pytest."""
    if "--fast" in extra:
        extra.remove("--fast")
        extra = ["-m", f"not ({' or '.join(SLOW_MARKERS)})", *extra]
    return run(PYTHON, "-m", "pytest", "-n", "2", "--dist", "loadfile", *extra)


def lint(extra: list[str]) -> int:
    """ruff check, ruff format --check and mypy over the tree (or the paths given); each runs, the worst status wins."""
    checks: list[tuple[str, list[str | Path]]] = [
        ("ruff check", [BIN / "ruff", "check", *extra]),
        ("ruff format --check", [BIN / "ruff", "format", "--check", *extra]),
        ("mypy", [PYTHON, "-m", "mypy", *extra]),
    ]
    failed = [name for name, command in checks if run(*command)]
    if failed:
        print(f"lint: {', '.join(failed)} found problems")
    return 1 if failed else 0


def bench(extra: list[str]) -> int:
    return run(PYTHON, "-m", "bench", *extra)


def accuracy(extra: list[str]) -> int:
    return run(PYTHON, "-m", "bench.accuracy", *extra)


def main() -> None:
    command, *extra = sys.argv[1:] or ["help"]
    if command not in {"setup", "demo", "browse", "test", "lint", "bench", "accuracy"}:
        print(__doc__)
        sys.exit(0 if command == "help" else 2)
    setup()
    if command == "demo":
        sys.exit(demo())
    if command == "browse":
        sys.exit(browse(extra))
    if command == "test":
        sys.exit(test(extra))
    if command == "lint":
        sys.exit(lint(extra))
    if command == "bench":
        sys.exit(bench(extra))
    if command == "accuracy":
        sys.exit(accuracy(extra))


if __name__ == "__main__":
    main()
