"""The exit status and the summary's status, one test per line of the tables of docs/operations.md, each run as
the operator runs it (`scrapy crawl`/`crawlall` in a subprocess) against a real server on loopback."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys

import pytest

from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from crawler.run.summary import STATUS_RULES
from crawler.store.database import Store
from crawler.store.lock import CrawlLock, lock_path
from tests.conftest import ROOT, SCRAPY, scrapy_cli
from tests.support.served import SOURCES, Fault, RecordingMirror, copy_mirror

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

LISTING = "/www.hamshahrionline.ir/archive"
# No retry and no backoff: the status after one failed request is what these tests read.
QUICK = ["-s", "RETRY_TIMES=0", "-s", "RETRY_BACKOFF_BASE=0", "-s", "RETRY_BACKOFF_MAX=0"]


def status_cell(output: str, source: str = "hamshahri") -> str:
    """The status column of a source's summary row (the last column, which may hold spaces)."""
    header = next(line for line in output.splitlines() if line.startswith("source "))
    row = next(line for line in output.splitlines() if line.startswith(f"{source} "))
    return row[header.index("status") :]


def problems(database_url: str) -> str:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return connection.execute("select problems from crawl_runs order by id desc limit 1").fetchone()[0]


def error_lines(stderr: str) -> list[str]:
    """What the command itself said, Scrapy's start-up log lines aside."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_the_statuses_are_those_the_operations_page_lists():
    page = (ROOT / "docs" / "operations.md").read_text()
    for rule in STATUS_RULES:
        assert f"| `{rule.status}` |" in page, rule.status


# -- 0: every source ok ---------------------------------------------------------------------------------


def test_a_clean_run_is_ok_and_exits_0(mirror, database_url):
    result = scrapy_cli("crawl", "hamshahri", mirror_url=mirror, database_url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert status_cell(result.stdout) == "ok" and problems(database_url) == ""


# -- 1: a source needs attention ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, status, reason",
    [
        ((403, {}), "blocked", "1 listing page answered 403"),
        ((429, {"Retry-After": "1"}), "blocked", "1 listing page answered 429"),
        ((404, {}), "listing failed", "1 listing page answered 404"),
        ((500, {}), "listing failed", "1 listing page answered 500"),
    ],
)
def test_a_listing_answering_an_error_is_not_ok(tmp_path, database_url, answer, status, reason):
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), faults={LISTING: Fault([answer])}) as server:
        result = scrapy_cli("crawl", "hamshahri", *QUICK, mirror_url=server.url, database_url=database_url)
    assert result.returncode == 1, result.stdout
    cell = status_cell(result.stdout)
    assert cell.startswith(f"{status}: {reason}"), cell
    assert "no listing page fetched: nothing was discovered" in cell
    assert "NEEDS ATTENTION: hamshahri" in result.stdout
    assert f"{status}: {reason}" in problems(database_url).splitlines()


def test_a_section_whose_listing_is_gone_is_not_ok(mirror, database_url):
    """The mirror has no `iran` listing: it answers 404, as a section a site removed would."""
    result = scrapy_cli("crawl", "hamshahri", "-a", "section=iran", mirror_url=mirror, database_url=database_url)
    assert result.returncode == 1
    assert status_cell(result.stdout).startswith("listing failed: 1 listing page answered 404")


@pytest.mark.parametrize("fault, reason", [("garbage", "connection lost"), ("reset", "connection lost")])
def test_a_site_answering_garbage_or_resetting_is_unreachable(database_url, fault, reason):
    with MirrorServer(DEFAULT_ROOT, faults={LISTING: fault}) as server:
        result = scrapy_cli("crawl", "hamshahri", *QUICK, mirror_url=server.url, database_url=database_url)
    assert result.returncode == 1
    assert status_cell(result.stdout).startswith(f"unreachable: 1 listing page not fetched: {reason}")


def test_a_site_nothing_answers_at_is_unreachable(database_url):
    with MirrorServer(DEFAULT_ROOT) as server:
        closed = server.url  # nothing listens there once the server is gone
    result = scrapy_cli("crawlall", *QUICK, mirror_url=closed, database_url=database_url)
    assert result.returncode == 1
    for source in SOURCES:
        # A WordPress source's first page of posts is refused too before its HTML listing is tried.
        assert re.match(r"unreachable: \d+ listing pages? not fetched: refused", status_cell(result.stdout, source))
    assert f"NEEDS ATTENTION: {', '.join(SOURCES)}" in result.stdout


def test_an_output_that_cannot_be_written_is_not_ok(mirror, database_url):
    result = scrapy_cli("crawl", "hamshahri", "-O", "/proc/articles.json", mirror_url=mirror, database_url=database_url)
    assert result.returncode == 1
    assert status_cell(result.stdout).startswith("errors: ")
    assert "errors logged (see the log)" in status_cell(result.stdout)


def test_a_crawl_cut_short_is_stopped(mirror, database_url):
    result = scrapy_cli(
        "crawl", "hamshahri", "-s", "CLOSESPIDER_PAGECOUNT=3", mirror_url=mirror, database_url=database_url
    )
    assert result.returncode == 1
    assert status_cell(result.stdout).startswith("stopped: did not run to its end (closespider_pagecount)")


# -- 1: the database cannot be used (checked before the first request) ----------------------------------


def test_a_database_that_cannot_be_written_is_refused_before_any_request(tmp_path, database_url):
    path = tmp_path / "articles.db"
    Store.open(database_url).engine.dispose()  # the schema, made by a writer
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli("crawl", "hamshahri", mirror_url=server.url, database_url=read_only)
        assert server.served.requests == []
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert error_lines(result.stderr) == [
        f"error: cannot open and write the database {read_only}: attempt to write a readonly database; nothing crawled"
    ]


def test_postgresql_down_is_one_line(tmp_path):
    with MirrorServer(DEFAULT_ROOT) as server:
        closed = server.url.rsplit(":", 1)[1]
    url = f"postgresql+psycopg://crawler:secret@127.0.0.1:{closed}/news"
    result = scrapy_cli("crawlall", mirror_url="http://127.0.0.1:9", database_url=url, XDG_STATE_HOME=str(tmp_path))
    assert result.returncode == 1
    [line] = error_lines(result.stderr)
    assert line.startswith(
        f"error: cannot open and write the database postgresql+psycopg://crawler:***@127.0.0.1:{closed}/news"
    )
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) < 20  # Scrapy's start-up lines and this one


def test_a_postgresql_role_that_may_not_write_is_refused(postgresql_server, postgresql_url, tmp_path):
    from sqlalchemy import create_engine, text

    Store.open(postgresql_url)  # the schema, made by its owner
    engine = create_engine(postgresql_url)
    with engine.begin() as connection:
        connection.execute(text("drop role if exists reader"))
        connection.execute(text("create role reader login"))
        connection.execute(text("grant select on all tables in schema public to reader"))
    engine.dispose()
    as_reader = postgresql_url.replace(postgresql_url.split("://", 1)[1].split("@", 1)[0], "reader", 1)
    result = scrapy_cli(
        "crawl", "hamshahri", mirror_url="http://127.0.0.1:9", database_url=as_reader, XDG_STATE_HOME=str(tmp_path)
    )
    assert result.returncode == 1
    [line] = error_lines(result.stderr)
    assert "permission denied" in line and line.endswith("nothing crawled")


# -- 2: usage errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["crawl", "nowhere"], "unknown source 'nowhere'; known: hamshahri, imo, omidjonoob, rasht, semnan"),
        (["crawl", "site"], "site: give -a url=https://HOST/, the site's home page"),
        (["crawl", "site", "-a", "url=example-municipality.ir"], "site: give -a url=https://HOST/"),
        (["crawl", "hamshahri", "-a", "since=yesterday"], "-a since=yesterday: not a date"),
        (["crawl", "hamshahri", "-a", "since=1499-01-01"], "-a since=1499-01-01: 2120-03-21 is in the future"),
        (["crawl", "hamshahri", "-a", "pages=ten"], "-a pages=ten: give a whole number of listing pages, 1 or more"),
        (["crawl", "hamshahri", "-a", "pages=0"], "-a pages=0: give a whole number of listing pages, 1 or more"),
        (["crawl", "hamshahri", "-a", "section=sport"], "hamshahri: unknown section 'sport'; known: archive, city"),
        (["crawl", "hamshahri", "-a", "render=maybe"], "-a render=maybe: give 1 or 0"),
        (["crawl", "hamshahri", "-a", "page=3"], "unknown spider argument(s) -a page; hamshahri takes -a section"),
        (["crawlall", "-a", "pages=-1"], "-a pages=-1: give a whole number"),
        (
            ["crawlall", "-a", "nonsense=1"],
            "unknown spider argument(s) -a nonsense; hamshahri, imo take -a section, "
            "-a pages, -a since, -a render; omidjonoob, rasht, semnan take -a section",
        ),
        (
            ["crawlall", "--sources", "hamshahri,imo", "-a", "api=0"],
            "unknown spider argument(s) -a api; hamshahri, imo take -a section",
        ),
        (["crawlall", "-a", "api=maybe"], "-a api=maybe: give 1 or 0"),
        (["crawlall", "--sources", ""], "--sources names no source"),
        (["crawlall", "--sources", " , "], "--sources names no source"),
        (["crawlall", "--sources", "hamshahri,nowhere"], "unknown sources: nowhere"),
    ],
)
def test_a_usage_error_is_one_line_and_exits_2(tmp_path, database_url, arguments, message):
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli(*arguments, mirror_url=server.url, database_url=database_url)
        assert server.served.requests == []
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Task exception" not in result.stderr
    [line] = error_lines(result.stderr)
    assert line.startswith(f"error: {message}"), line
    assert result.stdout == ""


@pytest.mark.parametrize(
    "setting, message",
    [
        ("LISTING_PAGE_BUDGET=abc", "setting LISTING_PAGE_BUDGET='abc': give a whole number, 0 or more"),
        ("STORE_BATCH_SIZE=-1", "setting STORE_BATCH_SIZE='-1': give a whole number, 0 or more"),
        ("DOWNLOAD_DELAY=soon", "setting DOWNLOAD_DELAY='soon': give a number, 0 or more"),
        ("ARCHIVE_HORIZON=1400-13-01", "setting ARCHIVE_HORIZON='1400-13-01': give a day such as 1400-01-01"),
        ("FRESHNESS_WINDOW=60", "setting FRESHNESS_WINDOW='60': give a span of time such as 90m, 6h, 1d or 2w"),
        ("REVISIT_SCHEDULE=1h,6x", "setting REVISIT_SCHEDULE='1h,6x': give spans of time such as 1h,6h,1d"),
        ('FRESHNESS_MAX_SILENCE={"imo": "soon"}', 'setting FRESHNESS_MAX_SILENCE=\'{"imo": "soon"}\': give a span'),
        ("CLOCK_NOW=2026-11-22T08:00", "setting CLOCK_NOW='2026-11-22T08:00': give an instant with its offset"),
        (
            "CRAWL_LOCK_FILE={tmp}/missing/crawl.lock",
            "CRAWL_LOCK_FILE {tmp}/missing/crawl.lock: the directory {tmp}/missing does not exist",
        ),
        # A directory nobody may create a file in, root included.
        ("CRAWL_LOCK_FILE=/proc/crawl.lock", "cannot open the crawl lock /proc/crawl.lock: "),
    ],
)
def test_a_setting_that_cannot_be_read_is_one_line_and_exits_2_before_any_request(
    tmp_path, database_url, setting, message
):
    setting, message = setting.replace("{tmp}", str(tmp_path)), message.replace("{tmp}", str(tmp_path))
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli("crawlall", "-s", setting, mirror_url=server.url, database_url=database_url)
        assert server.served.requests == []
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    [line] = error_lines(result.stderr)
    assert line.startswith(f"error: {message}"), line
    assert result.stdout == ""
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    "database_url, message",
    [
        ("", "DATABASE_URL is empty"),
        ("not a url", "DATABASE_URL is not a database URL"),
        ("sqlite://", "DATABASE_URL sqlite:// is a database in memory: everything stored would be lost at exit"),
        ("sqlite:///:memory:", "DATABASE_URL sqlite:///:memory: is a database in memory"),
        (
            "sqlite:///{tmp}/missing/articles.db",
            "DATABASE_URL sqlite:///{tmp}/missing/articles.db: the directory {tmp}/missing does not exist",
        ),
        (
            "mysql+pymysql://crawler:secret@127.0.0.1/news",
            "DATABASE_URL: mysql is not supported; the crawler stores "
            "into SQLite (sqlite:///path/to/file.db) or PostgreSQL",
        ),
    ],
)
def test_an_unusable_database_url_is_one_line_and_exits_2(tmp_path, database_url, message):
    database_url, message = database_url.format(tmp=tmp_path), message.format(tmp=tmp_path)
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli("crawlall", mirror_url=server.url, database_url=database_url)
        assert server.served.requests == []
    assert result.returncode == 2
    [line] = error_lines(result.stderr)
    assert line.startswith(f"error: {message}"), line
    assert not (tmp_path / "missing").exists()


def test_a_mirror_url_with_a_password_is_refused_without_repeating_it(database_url):
    result = scrapy_cli(
        "crawl", "hamshahri", mirror_url="http://crawler:hunter2@127.0.0.1:8000", database_url=database_url
    )
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        "error: MIRROR_URL carries a user name or password: the mirror is a plain "
        "http(s) address such as http://127.0.0.1:8000, and the crawler sends no "
        "credentials to it"
    ]
    assert "hunter2" not in result.stderr + result.stdout


@pytest.mark.parametrize("mirror_url", ["garbage", "127.0.0.1:8000", "http://127.0.0.1:port"])
def test_an_unusable_mirror_url_is_one_line_and_exits_2(database_url, mirror_url):
    result = scrapy_cli("crawl", "hamshahri", mirror_url=mirror_url, database_url=database_url)
    assert result.returncode == 2
    assert error_lines(result.stderr) == [
        f"error: MIRROR_URL {mirror_url!r} is not an http(s) URL such as http://127.0.0.1:8000"
    ]


# -- the lock -------------------------------------------------------------------------------------------


def test_the_lock_file_is_private_and_names_no_command_line_value(tmp_path, mirror):
    """A -s DATABASE_URL=… with a password: the lock file, 0600, says pid, start time and command only."""
    database_url = f"sqlite:///{tmp_path / 'articles.db'}?timeout=30"
    path = lock_path(database_url)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from crawler.store.lock import CrawlLock;"
            "lock = CrawlLock(Path(sys.argv[1]), 'crawlall'); lock.acquire();"
            "print('held', flush=True); time.sleep(60)",
            str(path),
            "--password=hunter2",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        content = path.read_text()
        assert content.startswith(f"pid {holder.pid}, started ") and content.endswith(": scrapy crawlall\n")
        refused = scrapy_cli(
            "crawl",
            "hamshahri",
            "-s",
            f"DATABASE_URL={database_url}&password=hunter2",
            "-s",
            "CRAWL_LOCK_WAIT_SECONDS=0",
            mirror_url=mirror,
            database_url=database_url,
        )
    finally:
        holder.kill()
        holder.wait()
    assert refused.returncode == 75
    assert "hunter2" not in refused.stderr.split("Overridden settings")[0] + refused.stderr.splitlines()[-1]
    assert f"another crawl holds {path} (pid {holder.pid}" in refused.stderr


def test_the_lock_file_does_not_depend_on_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    server = "postgresql+psycopg://crawler:secret@db.example:5432/news"
    here = lock_path(server)
    monkeypatch.chdir(tmp_path)
    assert lock_path(server) == here == tmp_path / "state" / "iran-municipal-news" / "db.example_5432_news.lock"
    # A SQLite database's lock is next to it: a relative database path is the current directory's.
    assert lock_path("sqlite:///data/articles.db") == tmp_path / "data" / "articles.db.lock"
    assert lock_path(server, "/run/crawl.lock").as_posix() == "/run/crawl.lock"


def test_a_lock_file_left_readable_by_all_becomes_private(tmp_path):
    path = tmp_path / "old.lock"
    path.write_text("pid 1, started 2026-01-01: scrapy crawlall -s DATABASE_URL=postgresql://u:pw@h/db\n")
    path.chmod(0o644)
    lock = CrawlLock(path, "crawl")
    lock.acquire()
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and "pw@" not in path.read_text()
    finally:
        lock.release()


def test_a_new_sqlite_database_and_its_wal_and_shm_files_are_private(tmp_path):
    """Articles and crawl history are readable by their owner only, as the crawl lock is, whatever the umask."""
    previous = os.umask(0o022)
    try:
        store = Store.open(f"sqlite:///{tmp_path / 'articles.db'}")
        store.check_writable()
        with store.engine.connect():  # held open: the -wal and -shm files exist while a connection does
            files = sorted(path.name for path in tmp_path.iterdir())
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in tmp_path.iterdir()}
    finally:
        os.umask(previous)
    assert files == ["articles.db", "articles.db-shm", "articles.db-wal"]
    assert modes == dict.fromkeys(files, 0o600)


def test_a_crawl_waits_for_the_lock_and_goes_ahead_once_it_is_released(tmp_path, mirror):
    """On SQLite, sources scheduled together (scrapyd jobs, a crawl started by hand during the cron's) queue."""
    database_url = f"sqlite:///{tmp_path / 'articles.db'}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from crawler.store.lock import CrawlLock;"
            "lock = CrawlLock(Path(sys.argv[1]), 'crawl'); lock.acquire(); print('held', flush=True); sys.stdin.read()",
            str(lock_path(database_url)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert holder.stdout.readline() == "held\n"
    waiting = subprocess.Popen(
        [str(SCRAPY), "crawl", "hamshahri"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MIRROR_URL": mirror, "DATABASE_URL": database_url},
    )
    try:
        said = next(line for line in waiting.stderr if "waiting up to" in line)
        assert f"WARNING: another crawl holds {lock_path(database_url)} (pid {holder.pid}, started " in said
        assert said.endswith(": scrapy crawl): waiting up to 1200 s for it\n")
    finally:
        holder.stdin.close()  # the holder ends: the lock is released
        holder.wait()
        out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err[-3000:]
    assert status_cell(out) == "ok"
    assert lock_path(database_url).read_text() == ""  # released, with nothing left of either holder


def test_a_crawl_that_gives_up_waiting_records_its_sources_as_locked_elsewhere(tmp_path, mirror):
    database_url = f"sqlite:///{tmp_path / 'articles.db'}"
    lock = CrawlLock(lock_path(database_url), "crawlall")
    lock.acquire()
    try:
        result = scrapy_cli(
            "crawlall",
            "--sources",
            "imo,semnan",
            "-s",
            "CRAWL_LOCK_WAIT_SECONDS=0.5",
            mirror_url=mirror,
            database_url=database_url,
        )
    finally:
        lock.release()
    assert result.returncode == 75
    assert "waiting up to 0.5 s" in result.stderr and "not crawling: exiting" in result.stderr
    with sqlite3.connect(tmp_path / "articles.db") as connection:
        runs = connection.execute("select source, finish_reason, pages from crawl_runs order by source").fetchall()
    assert runs == [("imo", "locked elsewhere", 0), ("semnan", "locked elsewhere", 0)]
