"""Day-to-day operation through the mirror over real HTTP: the cron line, incremental runs and backfills,
the crawl lock, the exit status on a changed layout, crawl_runs, resuming a killed job, `scrapy refetch`."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import scrapy
from scrapy.dupefilters import RFPDupeFilter

from crawler.commands.refetch import source_for
from crawler.extract.urls import url_variants
from crawler.sources.discovery import WordPressApi
from crawler.sources.wpapi import posts_url
from crawler.stats import RETRY_BACKOFF_DELAY_MAX
from crawler.store.lock import LOCKED_EXIT_STATUS, lock_path
from tests.conftest import ROOT, SCRAPY, scrapy_cli
from tests.golden import GOLDEN_ROOT
from tests.support.served import (
    SCRIPT_SHELL,
    SOURCES,
    SPIDERS,
    Fault,
    RecordingMirror,
    article_files,
    copy_mirror,
    mirror_url_of,
)

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

HAMSHAHRI_CODES = {path.stem for path in (GOLDEN_ROOT / "hamshahri").glob("*.json")}
ARTICLE = "https://www.hamshahrionline.ir/news/962182/فروزنده-نواحی"


def rows(database_url: str, query: str, *parameters) -> list[dict]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return [dict(row) for row in connection.execute(query, parameters)]


def stored_codes(database_url: str, source: str = "hamshahri") -> list[str]:
    found = rows(database_url, "select news_code from articles where source = ?", source)
    return sorted(row["news_code"] for row in found)


def has_articles_table(database_url: str) -> bool:
    """Whether the crawl has made its tables yet (the file exists a moment before they do)."""
    if not Path(database_url.removeprefix("sqlite:///")).exists():
        return False
    return bool(rows(database_url, "select name from sqlite_master where type = 'table' and name = 'articles'"))


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def summary_row(output: str, source: str) -> list[str]:
    return next(line for line in output.splitlines() if line.startswith(f"{source} ")).split()


def cron_job(job: str = "crawlall", **overrides: str) -> tuple[str, dict[str, str]]:
    """The line of deploy/crontab that runs `scrapy <job>` and the environment cron gives it, with some
    variables overridden."""
    environment, command = {}, None
    for line in (ROOT / "deploy" / "crontab").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if re.match(r"^[A-Z_]+=", line):
            name, value = line.split("=", 1)
            environment[name] = value
        elif f"scrapy {job} " in line:
            assert command is None, f"one {job} line expected"
            command = line.split(None, 5)[5].replace("\\%", "%")
    assert command
    return command, {**os.environ, **environment, **overrides}


# -- the cron line, incremental by default ------------------------------------------------------------


def test_cron_line_twice_stores_everything_then_fetches_one_listing_page_per_source(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'articles.db'}"
    logs = tmp_path / "logs"
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        command, environment = cron_job(
            CRAWLER_HOME=str(ROOT), CRAWLER_LOGS=str(logs), DATABASE_URL=database_url, MIRROR_URL=server.url
        )
        first = subprocess.run(["sh", "-c", command], env=environment, capture_output=True, text=True, timeout=300)
        assert first.returncode == 0, first.stdout + (logs / "runs.log").read_text()
        assert first.stdout == ""  # cron mails nothing when all is well
        first_requests = len(server.served.requests)
        second = subprocess.run(["sh", "-c", command], env=environment, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, (logs / "runs.log").read_text()
        second_paths = [path for path, _ in server.served.requests[first_requests:]]
        agents = {agent for _, agent in server.served.requests}

    from settings import CONTACT_URL

    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("iran-municipal-news/") and CONTACT_URL in agent
    runs_log = (logs / "runs.log").read_text()
    assert (logs / "crawl.log").stat().st_size > 0
    # On SQLite the crawl lock is a file: the per-source lock of PostgreSQL is not worth a warning per source.
    assert "Disabled crawler.store.lock.SourceLock" not in (logs / "crawl.log").read_text()
    assert runs_log.count("== ") == 2 and "NEEDS ATTENTION" not in runs_log
    for source in SOURCES:
        spider = SPIDERS.load(source)()
        # The first listing page: of the REST API's posts for a WordPress source.
        api = spider.strategy(WordPressApi)
        start = posts_url(api.home, 1, 10) if api else next(iter(spider.sections.values()))
        # The second run: robots.txt and the first listing page of each source, nothing else.
        asked = sorted(path for path in second_paths if spider.owns_url("https:/" + path))
        host_and_path = unquote(start.split("://", 1)[1])
        assert asked == sorted([f"/{host_and_path}", f"/{host_and_path.split('/')[0]}/robots.txt"])
        first_run, second_run = rows(database_url, "select * from crawl_runs where source = ? order by id", source)
        assert first_run["new"] > 0 and first_run["finish_reason"] == "finished" and first_run["problems"] == ""
        assert (second_run["new"], second_run["updated"], second_run["unchanged"]) == (0, 0, 0)
        assert (second_run["listing_pages"], second_run["article_pages"], second_run["pages"]) == (1, 0, 2)
        assert second_run["known_skipped"] > 0 and second_run["problems"] == ""
        assert first_run["started_at"] <= first_run["finished_at"] <= second_run["started_at"]
        assert summary_row(runs_log.split("== ")[2], source)[2] == "0"
    assert stored_codes(database_url) == sorted(HAMSHAHRI_CODES)


def test_crawlall_sources_option_limits_the_run(mirror, database_url):
    result = scrapy_cli("crawlall", "--sources", "hamshahri", mirror_url=mirror, database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert {row["source"] for row in rows(database_url, "select source from crawl_runs")} == {"hamshahri"}
    refused = scrapy_cli("crawlall", "--sources", "hamshahri,nowhere", mirror_url=mirror, database_url=database_url)
    assert refused.returncode == 2 and "unknown sources: nowhere" in refused.stderr


def test_crawlall_gives_an_argument_to_the_sources_that_take_it(mirror, database_url):
    """`-a api=0` is the WordPress sources' argument: they read their HTML pages, the others run as usual."""
    result = scrapy_cli(
        "crawlall", "-a", "api=0", "--sources", "hamshahri,semnan", mirror_url=mirror, database_url=database_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert summary_row(result.stdout, "semnan")[11] == "off" and summary_row(result.stdout, "hamshahri")[11] == "-"
    arguments = {
        row["source"]: json.loads(row["arguments"])
        for row in rows(database_url, "select source, arguments from crawl_runs")
    }
    assert arguments == {"hamshahri": {}, "semnan": {"api": "0"}}


# -- backfill ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("since", ["1404-04-15", "2025-07-06", "۱۴۰۴/۰۴/۱۵"])
def test_backfill_walks_past_stored_pages_down_to_its_date(mirror, database_url, since):
    # A first run limited to one listing page, as if the archive had grown since (the sitemap's articles
    # fetched by none).
    limited = ["-a", "pages=1", "-s", "SITEMAP_HOLES_PER_RUN=0"]
    first = scrapy_cli("crawl", "hamshahri", *limited, mirror_url=mirror, database_url=database_url)
    assert first.returncode == 0
    page_one = ["628431", "961950", "962182"]
    assert stored_codes(database_url) == page_one
    # An incremental run with the same budget spends it on the first page, all of it stored, and says
    # the source is behind.
    incremental = scrapy_cli("crawl", "hamshahri", *limited, mirror_url=mirror, database_url=database_url)
    assert incremental.returncode == 0 and stored_codes(database_url) == page_one
    assert summary_row(incremental.stdout, "hamshahri")[-1] == "behind"
    # The backfill walks on: 962500 (1404-04-23) is stored, 960310 (1404-04-14) is older than the date.
    backfill = scrapy_cli("crawl", "hamshahri", "-a", f"since={since}", mirror_url=mirror, database_url=database_url)
    assert backfill.returncode == 0, backfill.stdout + backfill.stderr[-3000:]
    assert stored_codes(database_url) == [*page_one, "962500"]
    run = rows(database_url, "select * from crawl_runs order by id desc limit 1")[0]
    assert json.loads(run["arguments"]) == {"since": since} and run["known_skipped"] == 3 and run["new"] == 1


def test_backfill_stops_paginating_past_its_date(tmp_path, database_url):
    """An archive whose pages 3 to 10 hold only old articles: the backfill stops soon after page 3."""
    root = copy_mirror(tmp_path / "mirror")
    site = root / "www.hamshahrionline.ir"
    old_article = next((site / "news" / "628431").iterdir()).read_text()
    page_two = (site / "archive?pi=2").read_text()
    next_link = '<li><a href="/archive?pi=3" rel="next">بعدی</a></li>'
    page_two = page_two.replace('<ul class="pagination">', f'<ul class="pagination">{next_link}', 1)
    (site / "archive?pi=2").write_text(page_two)
    for page in range(3, 11):
        links = []
        for n in range(2):
            code = 700000 + page * 10 + n
            (site / "news" / str(code)).mkdir()
            (site / "news" / str(code) / "old").write_text(old_article)
            links.append(f'<li class="news"><h3><a href="/news/{code}/old">old {code}</a></h3></li>')
        following = f'<li><a href="/archive?pi={page + 1}" rel="next">بعدی</a></li>' if page < 10 else ""
        (site / f"archive?pi={page}").write_text(
            f'<html><body><section class="list"><ul class="items">{"".join(links)}</ul>'
            f'<ul class="pagination">{following}</ul></section></body></html>'
        )
    with RecordingMirror(root) as server:
        result = scrapy_cli(
            "crawl", "hamshahri", "-a", "since=1404-01-01", mirror_url=server.url, database_url=database_url
        )
        listings = [path for path in server.served.paths("www.hamshahrionline.ir") if "archive" in path]
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert stored_codes(database_url) == sorted(HAMSHAHRI_CODES - {"628431"})
    assert "/www.hamshahrionline.ir/archive?pi=3" in listings
    assert not {f"/www.hamshahrionline.ir/archive?pi={page}" for page in (7, 8, 9, 10)} & set(listings), listings


def test_a_listing_that_repeats_its_last_page_ends_the_walk(tmp_path, database_url):
    """A site answering any page number past its end with its last page: a backfill has no page limit."""
    root = copy_mirror(tmp_path / "mirror")
    site = root / "www.hamshahrionline.ir"
    last = (site / "archive?pi=2").read_text()
    for page in range(2, 11):
        link = f'<li><a href="/archive?pi={page + 1}" rel="next">بعدی</a></li>'
        listing = last.replace('<ul class="pagination">', f'<ul class="pagination">{link}', 1)
        (site / f"archive?pi={page}").write_text(listing)
    with RecordingMirror(root) as server:
        result = scrapy_cli(
            "crawl", "hamshahri", "-a", "since=1390-01-01", mirror_url=server.url, database_url=database_url
        )
        listings = [path for path in server.served.paths("www.hamshahrionline.ir") if "archive" in path]
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert stored_codes(database_url) == sorted(HAMSHAHRI_CODES)
    assert listings == [f"/www.hamshahrionline.ir/archive{query}" for query in ("", "?pi=2", "?pi=3")]


# -- the lock ---------------------------------------------------------------------------------------


def test_a_second_crawl_on_the_same_database_exits_at_once(tmp_path, database_url):
    # The first crawl's article requests wait until the second crawl has been turned away.
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), hold="/news/") as server:
        environment = {**os.environ, "MIRROR_URL": server.url, "DATABASE_URL": database_url}
        running = subprocess.Popen(
            [str(SCRAPY), "crawlall"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lock = tmp_path / "articles.db.lock"
        try:
            wait_for(lambda: lock.exists() and f"pid {running.pid}" in lock.read_text())
            second = scrapy_cli(
                "crawlall",
                "-s",
                "CRAWL_LOCK_WAIT_SECONDS=0",
                mirror_url=server.url,
                database_url=database_url,
                timeout=30,
            )
            assert running.poll() is None
        finally:
            server.release.set()
            out, err = running.communicate(timeout=120)
        # Released at the end: the next run goes ahead.
        after = scrapy_cli("crawlall", mirror_url=server.url, database_url=database_url)
    assert second.returncode == LOCKED_EXIT_STATUS
    assert f"another crawl holds {lock}" in second.stderr and f"pid {running.pid}" in second.stderr
    assert "source" not in second.stdout  # no summary: it crawled nothing
    assert running.returncode == 0, err[-3000:]
    assert after.returncode == 0, after.stderr[-3000:]
    # The run turned away is in crawl_runs too, a row per source, between the two that crawled.
    reasons = [row["finish_reason"] for row in rows(database_url, "select finish_reason from crawl_runs order by id")]
    assert reasons == ["locked elsewhere"] * len(SOURCES) + ["finished"] * 2 * len(SOURCES)


# -- a changed layout makes the run fail, naming the source ------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("broken_share, problem", [(1.0, "produced no article"), (0.5, "coverage")])
def test_exit_status_names_a_source_whose_layout_changed(tmp_path, database_url, source, broken_share, problem):
    root = copy_mirror(tmp_path / "mirror")
    # The HTML reader's own alarms: without the REST API, which would keep the articles (and its
    # self-check raise the alarm instead: test_wordpress_api.py).
    shutil.rmtree(root / SPIDERS.load(source).hosts[0] / "wp-json", ignore_errors=True)
    pages = article_files(root, source)
    broken = pages[: max(1, round(len(pages) * broken_share))]
    for page in broken:
        page.write_text(SCRIPT_SHELL)
    with RecordingMirror(root) as server:
        result = scrapy_cli("crawlall", mirror_url=server.url, database_url=database_url)
    assert result.returncode == 1, result.stdout
    assert f"NEEDS ATTENTION: {source}" in result.stdout
    assert problem in " ".join(summary_row(result.stdout, source))
    assert len(stored_codes(database_url, source)) == len(pages) - len(broken)
    run = rows(database_url, "select * from crawl_runs where source = ?", source)[0]
    assert problem in run["problems"] and json.loads(run["dropped_reasons"]).get("invalid") == len(broken)
    for other in set(SOURCES) - {source}:
        assert summary_row(result.stdout, other)[-1] == "ok"


# -- resume -----------------------------------------------------------------------------------------


def test_a_job_killed_with_sigkill_resumes_with_nothing_lost_nor_stored_twice(tmp_path, database_url):
    jobdir = tmp_path / "job"
    arguments = ["crawl", "hamshahri", "-s", f"JOBDIR={jobdir}"]
    # Article 628431 is served; the others (/news/96…) wait, so the kill comes mid-crawl.
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), hold="/news/96") as server:
        environment = {**os.environ, "MIRROR_URL": server.url, "DATABASE_URL": database_url}
        killed = subprocess.Popen(
            [str(SCRAPY), *arguments], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for(lambda: has_articles_table(database_url) and stored_codes(database_url) == ["628431"])
            wait_for(lambda: len(server.served.paths("www.hamshahrionline.ir/news/96")) >= 2)
        finally:
            killed.send_signal(signal.SIGKILL)
            killed.wait()
        job = jobdir / "hamshahri"
        assert (job / "crawl.running").exists() and not (job / "requests.queue" / "active.json").exists()
        # Scrapy writes the seen-list through a buffer; a longer crawl would have flushed the requests
        # this one had queued, listings included. Write them as Scrapy does, so the restart meets them.
        seen = RFPDupeFilter(str(job))
        for path in server.served.paths("www.hamshahrionline.ir"):
            seen.request_seen(scrapy.Request("https:/" + path))
        seen.close("killed")
        server.release.set()
        resumed = scrapy_cli(*arguments, mirror_url=server.url, database_url=database_url)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-3000:]
    assert "was killed" in resumed.stderr
    assert stored_codes(database_url) == sorted(HAMSHAHRI_CODES)
    new, updated, unchanged = summary_row(resumed.stdout, "hamshahri")[2:5]
    assert (int(new), updated, unchanged) == (len(HAMSHAHRI_CODES) - 1, "0", "0")
    assert rows(database_url, "select count(*) as n from article_versions")[0]["n"] == 0
    assert not (jobdir / "hamshahri" / "crawl.running").exists()


# -- politeness -------------------------------------------------------------------------------------


def test_retries_back_off_as_the_site_asks(tmp_path, database_url):
    faults = {"/www.hamshahrionline.ir/news/962182/": Fault([(429, {"Retry-After": "1"}), (503, {})])}
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), faults=faults) as server:
        result = scrapy_cli(
            "crawl", "hamshahri", "-s", "RETRY_BACKOFF_BASE=0.2", mirror_url=server.url, database_url=database_url
        )
        asked = [path for path in server.served.paths() if "/news/962182/" in path]
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(asked) == 3 and "962182" in stored_codes(database_url)
    assert "answered HTTP 429: waiting 1.0s between its requests" in result.stderr
    # The 503 came on the first retry: 0.2 s doubled is less than the 1 s already waited, which stays.
    assert f"'{RETRY_BACKOFF_DELAY_MAX}': 1.0" in result.stderr


def test_connection_failures_back_off_and_are_reported(tmp_path, database_url):
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        closed = server.url  # nothing listens there once the server is gone
    result = scrapy_cli(
        "refetch",
        ARTICLE,
        "-s",
        "RETRY_TIMES=2",
        "-s",
        "RETRY_BACKOFF_BASE=0.05",
        mirror_url=closed,
        database_url=database_url,
    )
    assert result.returncode == 1
    assert f"{ARTICLE}: not fetched:" in result.stderr and "refused" in result.stderr
    assert "waiting 0.1s between its requests" in result.stderr  # 0.05 s, doubled on the second retry


def test_a_database_the_store_cannot_use_is_refused_before_any_request(tmp_path, database_url):
    # A database whose articles table lacks columns: its schema cannot be brought up to date, so nothing
    # is crawled (rather than every article fetched and then NOT STORED).
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.execute("create table articles (id integer primary key, source text, news_code text)")
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli("crawl", "hamshahri", mirror_url=server.url, database_url=database_url)
        assert server.served.requests == []
    assert result.returncode == 1 and result.stdout == ""
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: cannot open and write the database {database_url}: ")
    assert line.endswith("; nothing crawled")


# -- refetch ----------------------------------------------------------------------------------------


def test_refetch_of_a_changed_page_updates_the_row_and_keeps_the_old_version(tmp_path, database_url):
    root = copy_mirror(tmp_path / "mirror")
    with RecordingMirror(root) as server:
        assert scrapy_cli("crawl", "hamshahri", mirror_url=server.url, database_url=database_url).returncode == 0
        before = rows(database_url, "select * from articles where news_code = '962182'")[0]
        page = next((root / "www.hamshahrionline.ir" / "news" / "962182").iterdir())
        first_line = before["body"].split("\n")[0]
        html = page.read_text()
        assert first_line[:40] in html
        page.write_text(html.replace(first_line[:40], "اصلاحیه: " + first_line[:40], 1))

        changed = scrapy_cli("refetch", ARTICLE, mirror_url=server.url, database_url=database_url)
        assert changed.returncode == 0, changed.stderr[-3000:]
        record = json.loads(changed.stdout)
        again = scrapy_cli("refetch", ARTICLE, mirror_url=server.url, database_url=database_url)
    assert record["news_code"] == "962182" and record["body"].startswith("اصلاحیه: ")
    assert record["versions"] == 1 and record["first_seen_at"] == before["first_seen_at"]
    old = rows(database_url, "select * from article_versions")
    assert [version["body"] for version in old] == [before["body"]]
    after = rows(database_url, "select * from articles where news_code = '962182'")[0]
    assert after["body"] == record["body"] and after["last_seen_at"] > before["last_seen_at"]
    # Unchanged: only last_seen_at moves.
    assert again.returncode == 0
    unchanged = json.loads(again.stdout)
    assert unchanged["versions"] == 1 and unchanged["content_hash"] == record["content_hash"]
    assert unchanged["last_seen_at"] > record["last_seen_at"]


def write_soft_404(root: Path) -> None:
    """A «news not found» page served with status 200 at an article URL, in the site's chrome."""
    site = root / "www.hamshahrionline.ir"
    chrome = (site / "archive").read_text()
    start, end = chrome.index('<div class="col-md-8">'), chrome.index("<aside")
    message = (
        '<div class="col-md-8"><div class="error-page"><h1>خطا</h1><p>خبر مورد نظر یافت نشد. ممکن است '
        "این خبر حذف شده باشد یا نشانی آن را اشتباه وارد کرده باشید.</p></div></div>"
    )
    (site / "news" / "999998").mkdir()
    (site / "news" / "999998" / "x").write_text(chrome[:start] + message + chrome[end:])


@pytest.mark.parametrize(
    "url, fault, reason",
    [
        ("https://www.hamshahrionline.ir/archive", None, "not an article page"),
        ("https://www.hamshahrionline.ir/news/999998/x", None, "lacks published_at; not stored"),
        ("https://www.hamshahrionline.ir/news/999999/نیست", None, "the site answered HTTP 404"),
        (ARTICLE, Fault([(500, {}), (500, {})]), "the site answered HTTP 500"),
        ("https://www.hamshahrionline.ir/search?q=news/1", None, "Forbidden by robots.txt"),
    ],
)
def test_refetch_of_what_is_not_an_article_stores_nothing(tmp_path, database_url, url, fault, reason):
    faults = {"/www.hamshahrionline.ir/news/962182/": fault} if fault else {}
    root = copy_mirror(tmp_path / "mirror")
    write_soft_404(root)
    with RecordingMirror(root, faults=faults) as server:
        result = scrapy_cli(
            "refetch",
            url,
            "-s",
            "RETRY_TIMES=1",
            "-s",
            "RETRY_BACKOFF_BASE=0.05",
            mirror_url=server.url,
            database_url=database_url,
        )
        asked = server.served.paths("www.hamshahrionline.ir")
    assert result.returncode == 1
    assert f"{url}: " in result.stderr and reason in result.stderr
    assert result.stdout == ""
    assert rows(database_url, "select count(*) as n from articles")[0]["n"] == 0
    if fault:
        assert asked.count("/www.hamshahrionline.ir/news/962182/فروزنده-نواحی") == 2  # retried once


def test_refetch_refuses_a_foreign_host_without_fetching(tmp_path, database_url):
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli(
            "refetch", ARTICLE, "https://example.com/news/1", mirror_url=server.url, database_url=database_url
        )
        assert server.served.requests == []
    assert result.returncode == 2
    assert "https://example.com/news/1: no source answers to this host" in result.stderr
    assert "hamshahrionline.ir" in result.stderr


def test_the_lock_file_sits_next_to_a_sqlite_database_or_in_the_state_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert lock_path("sqlite:////srv/news/articles.db") == Path("/srv/news/articles.db.lock")
    assert lock_path("sqlite:///data/articles.db?timeout=5") == Path.cwd() / "data" / "articles.db.lock"
    assert lock_path("sqlite:///file:/srv/news/articles.db?mode=ro&uri=true") == Path("/srv/news/articles.db.lock")
    assert (
        lock_path("postgresql+psycopg://crawler:secret@db.example:5432/news")
        == tmp_path / "iran-municipal-news" / "db.example_5432_news.lock"
    )
    assert lock_path("postgresql+psycopg://db/news", "/run/crawl.lock") == Path("/run/crawl.lock")


def test_a_database_reached_through_a_symbolic_link_is_locked_as_itself(tmp_path):
    """Two crawls, one given the database's path and one a link to it (or to its directory), must not both
    write it: they take the same lock."""
    tmp_path = tmp_path.resolve()
    (tmp_path / "real").mkdir()
    (tmp_path / "linked-directory").symlink_to(tmp_path / "real")
    (tmp_path / "link.db").symlink_to(tmp_path / "real" / "articles.db")
    (tmp_path / "link.lock").symlink_to(tmp_path / "real" / "crawl.lock")
    real = lock_path(f"sqlite:///{tmp_path / 'real' / 'articles.db'}")
    assert real == tmp_path / "real" / "articles.db.lock"
    assert lock_path(f"sqlite:///{tmp_path / 'link.db'}") == real
    assert lock_path(f"sqlite:///{tmp_path / 'linked-directory' / 'articles.db'}") == real
    assert lock_path("sqlite:///db", str(tmp_path / "link.lock")) == tmp_path / "real" / "crawl.lock"


def test_a_source_is_found_by_any_of_its_hosts_with_or_without_www():
    spiders = [SPIDERS.load(name) for name in SOURCES]
    for spider in spiders:
        for host in spider.hosts:
            bare = host.removeprefix("www.")
            assert source_for(f"https://{bare}/x", spiders) is spider
            assert source_for(f"http://www.{bare}/x", spiders) is spider
    assert source_for("https://example.com/x", spiders) is None


def test_a_stored_url_is_recognised_in_its_other_spellings():
    stored = "https://news.example.ir/%d8%a7%d8%ae%d8%a8%d8%a7%d8%b1/"
    assert stored in url_variants("http://www.news.example.ir/اخبار")
    assert "https://news.example.ir/?p=12" in url_variants("https://www.news.example.ir/?p=12")


def test_mirror_url_of_a_file():
    root = Path("/m")
    assert mirror_url_of(root, root / "a.ir" / "index.html") == "https://a.ir/"
    assert mirror_url_of(root, root / "a.ir" / "archive?pi=2") == "https://a.ir/archive?pi=2"
