"""Several machines on one PostgreSQL database: the per-source crawl lock, and the project deployed to two
real scrapyd servers on loopback with the work split by source."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Sequence

import pytest
from sqlalchemy import Row, text

from crawler.store.database import Store
from crawler.store.lock import LOCKED_EXIT_STATUS
from tests.conftest import ROOT, SCRAPY
from tests.golden import GOLDEN_ROOT
from tests.support.scrapyd_servers import ScrapydServer, build_egg, deploy
from tests.support.served import SOURCES, RecordingMirror, copy_mirror

# Crawls on scrapyd servers into PostgreSQL.
pytestmark = [pytest.mark.crawl, pytest.mark.scrapyd, pytest.mark.postgres]

CODES = {source: sorted(path.stem for path in (GOLDEN_ROOT / source).glob("*.json")) for source in SOURCES}
# Served at once; every other hamshahri article waits for the test's release (see RecordingMirror).
FIRST_SERVED, HELD = "628431", "/www.hamshahrionline.ir/news/96"


def query(database_url: str, sql: str, **parameters) -> Sequence[Row]:
    with Store.open(database_url).engine.connect() as connection:
        return connection.execute(text(sql), parameters).all()


def stored(database_url: str, source: str) -> list[str]:
    return sorted(
        row[0] for row in query(database_url, "select news_code from articles where source = :source", source=source)
    )


def holders(database_url: str, source: str) -> list[str]:
    """The sessions holding the crawl lock of a source (their application_name names the crawl)."""
    return [
        row[0]
        for row in query(
            database_url,
            "select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid"
            " where l.locktype = 'advisory' and l.granted and a.application_name like :name",
            name=f"crawl {source}:%",
        )
    ]


def no_duplicates(database_url: str) -> None:
    total, distinct, versions = query(
        database_url,
        "select count(*), count(distinct (source, news_code)), (select count(*) from article_versions) from articles",
    )[0]
    assert total == distinct and versions == 0


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.1)


def summary_status(stdout: str, source: str) -> str:
    line = next(line for line in stdout.splitlines() if line.startswith(f"{source} "))
    return line.split("  ")[-1].strip()


# -- the lock on the command line ----------------------------------------------------------------------


def test_a_source_crawled_elsewhere_is_skipped_and_its_lock_dies_with_a_killed_crawl(tmp_path, postgresql_url):
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), hold=HELD) as server:
        environment = {**os.environ, "MIRROR_URL": server.url, "DATABASE_URL": postgresql_url}

        def crawl(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [str(SCRAPY), *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180
            )

        killed = subprocess.Popen(
            [str(SCRAPY), "crawl", "hamshahri"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(
                lambda: (
                    holders(postgresql_url, "hamshahri")
                    == [f"crawl hamshahri: pid {killed.pid} on {os.uname().nodename}"[:63]]
                )
            )
            # The same source, wherever it runs, is skipped; the other sources are crawled as usual.
            alone = crawl("crawl", "hamshahri")
            others = crawl("crawlall", "--sources", "hamshahri,semnan")
            assert killed.poll() is None
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
        # PostgreSQL ends the killed crawl's session, and its lock with it.
        wait_for(lambda: not holders(postgresql_url, "hamshahri"), seconds=60)
        server.release.set()
        after = crawl("crawl", "hamshahri")

    assert alone.returncode == LOCKED_EXIT_STATUS, alone.stdout + alone.stderr[-3000:]
    assert summary_status(alone.stdout, "hamshahri") == "locked elsewhere"
    assert f"pid {killed.pid}" in alone.stderr  # the log names the holder
    assert others.returncode == 0, others.stdout + others.stderr[-3000:]
    assert summary_status(others.stdout, "hamshahri") == "locked elsewhere"
    assert summary_status(others.stdout, "semnan") == "ok"
    assert stored(postgresql_url, "semnan") == CODES["semnan"]
    assert after.returncode == 0, after.stdout + after.stderr[-3000:]
    assert stored(postgresql_url, "hamshahri") == CODES["hamshahri"]
    no_duplicates(postgresql_url)
    runs = query(
        postgresql_url, "select finish_reason, pages, problems from crawl_runs where source = 'hamshahri' order by id"
    )
    assert [tuple(run) for run in runs[:2]] == [("locked elsewhere", 0, "")] * 2
    assert runs[2].finish_reason == "finished"


# -- scrapyd ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def egg(tmp_path_factory):
    return build_egg(tmp_path_factory.mktemp("egg"))


@pytest.fixture
def scrapyd_pair(tmp_path, postgresql_url, egg):
    """Two crawl servers sharing one PostgreSQL database (DATABASE_URL in their environment), with the
    project deployed to both by `scrapyd-deploy -a`."""
    servers = []
    try:
        for name in ("crawl-1", "crawl-2"):
            servers.append(ScrapydServer(tmp_path / name, {"DATABASE_URL": postgresql_url}))
        deployed = deploy(egg, servers)
        assert deployed.returncode == 0, deployed.stderr
        for server in servers:
            assert server.get("listprojects.json")["projects"] == ["iran-municipal-news"]
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_two_scrapyd_servers_split_the_sources_and_crawl_a_doubly_scheduled_one_once(
    tmp_path, postgresql_url, scrapyd_pair
):
    first, second = scrapyd_pair
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), hold=HELD) as mirror:
        # hamshahri goes to both servers: the second job comes while the first one holds it.
        double = first.schedule("hamshahri", MIRROR_URL=mirror.url)
        wait_for(lambda: holders(postgresql_url, "hamshahri"))
        skipped = second.schedule("hamshahri", MIRROR_URL=mirror.url)
        jobs = [(first, source, first.schedule(source, MIRROR_URL=mirror.url)) for source in ("semnan", "omidjonoob")]
        jobs += [(second, source, second.schedule(source, MIRROR_URL=mirror.url)) for source in ("rasht", "imo")]
        wait_for(lambda: second.finished(skipped))
        assert first.running(double)
        mirror.release.set()
        for server, _, job in [(first, "hamshahri", double), *jobs]:
            wait_for(lambda: server.finished(job))  # noqa: B023 - waited for at once

    for source in SOURCES:
        assert stored(postgresql_url, source) == CODES[source], source
    no_duplicates(postgresql_url)
    assert "hamshahri: locked elsewhere" in second.job_log("hamshahri", skipped)
    hamshahri_runs = query(
        postgresql_url, "select finish_reason, new, arguments from crawl_runs where source = 'hamshahri' order by id"
    )
    assert sorted((run.finish_reason, run.new) for run in hamshahri_runs) == [
        ("finished", len(CODES["hamshahri"])),
        ("locked elsewhere", 0),
    ]
    # Each row names its scrapyd job.
    assert {run.arguments["_job"] for run in hamshahri_runs} == {double, skipped}
    for server, source, job in jobs:
        log = server.job_log(source, job)
        assert "NOT STORED" not in log and "locked elsewhere" not in log


def test_a_job_on_a_server_that_died_is_scheduled_again_on_the_other(tmp_path, postgresql_url, scrapyd_pair):
    dead, alive = scrapyd_pair
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), hold=HELD) as mirror:
        dead.schedule("hamshahri", MIRROR_URL=mirror.url)
        wait_for(lambda: stored(postgresql_url, "hamshahri") == [FIRST_SERVED])
        wait_for(lambda: len(mirror.served.paths("www.hamshahrionline.ir/news/96")) >= 2)
        dead.kill()  # the machine goes down mid-job: scrapyd and its crawl
        wait_for(lambda: not holders(postgresql_url, "hamshahri"), seconds=60)
        mirror.release.set()
        job = alive.schedule("hamshahri", MIRROR_URL=mirror.url)
        wait_for(lambda: alive.finished(job))
    assert stored(postgresql_url, "hamshahri") == CODES["hamshahri"]
    no_duplicates(postgresql_url)
    log = alive.job_log("hamshahri", job)
    assert "locked elsewhere" not in log and "NOT STORED" not in log


def test_on_sqlite_scrapyd_jobs_scheduled_together_queue_for_the_lock(tmp_path, egg):
    """One server on SQLite, sources scheduled while another is being crawled (deploy/scrapyd/schedule gives
    three at once): each job waits for the one before it and every source is crawled."""
    database_url = f"sqlite:///{tmp_path / 'articles.db'}"
    server = ScrapydServer(tmp_path / "crawl-1", {"DATABASE_URL": database_url})
    try:
        assert deploy(egg, [server, server]).returncode == 0
        with RecordingMirror(copy_mirror(tmp_path / "mirror"), hold=HELD) as mirror:
            # hamshahri first, held by the mirror until the two others wait for it.
            jobs = {"hamshahri": server.schedule("hamshahri", MIRROR_URL=mirror.url)}
            lock = tmp_path / "articles.db.lock"
            wait_for(lambda: lock.exists() and lock.read_text().endswith(": scrapy crawl\n"))
            jobs |= {source: server.schedule(source, MIRROR_URL=mirror.url) for source in ("imo", "rasht")}

            def waiting(source: str) -> bool:
                try:
                    return "waiting up to" in server.job_log(source, jobs[source])
                except FileNotFoundError:  # the job has not started its log yet
                    return False

            wait_for(lambda: waiting("imo") and waiting("rasht"))
            mirror.release.set()
            for job in jobs.values():
                wait_for(lambda: server.finished(job))  # noqa: B023 - waited for at once
    finally:
        server.stop()
    runs = query(database_url, "select source, finish_reason from crawl_runs order by source")
    assert [tuple(run) for run in runs] == [("hamshahri", "finished"), ("imo", "finished"), ("rasht", "finished")]
    for source in jobs:
        assert stored(database_url, source) == CODES[source], source
