"""What a hostile site does to a crawl (tests/support/hostile_site.py: the mirror, misbehaving on some
paths only): no article is lost with exit 0. Article pages blocked, missing, redirecting without end or
inflating into gigabytes are given up, counted and asked for again by the next run; unreadable bytes
are counted; a stalled site costs bounded time; a write that fails is an error of its source."""

from __future__ import annotations

import resource
import sqlite3
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.fetch.mirror_server import DEFAULT_ROOT
from crawler.store.database import Store
from tests.conftest import scrapy_cli, stored_articles
from tests.support.hostile_site import PADDING, HostileSite
from tests.support.system import need
from tests.test_exit_status import status_cell

# Every test here crawls, or runs the scrapy command, through a server on loopback.
pytestmark = pytest.mark.crawl

HOST = "www.hamshahrionline.ir"
ARTICLES = sorted(f"/{HOST}/news/{path.parent.name}/{path.name}" for path in (DEFAULT_ROOT / HOST / "news").glob("*/*"))
LISTING = f"/{HOST}/archive"


@pytest.fixture(scope="module")
def site():
    with HostileSite() as server:
        yield server


@pytest.fixture
def hostile(site):
    """The shared site, misbehaving as the test says, and counting afresh."""
    yield site
    site.modes.clear()
    site.requests.clear()


def crawl(site: HostileSite, database_url: str, *settings: str, **kwargs):
    return scrapy_cli("crawl", "hamshahri", *settings, mirror_url=site.url, database_url=database_url, **kwargs)


def code(path: str) -> str:
    return path.split("/")[3]


def test_article_pages_answering_403_block_the_source(hostile, database_url):
    hostile.modes.update(dict.fromkeys(ARTICLES, "403"))
    result = crawl(hostile, database_url)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert status_cell(result.stdout).startswith(f"blocked: {len(ARTICLES)} article pages answered 403")
    assert stored_articles(database_url) == {}


def test_an_article_page_given_up_fails_every_run_until_it_is_stored(hostile, database_url):
    lost = ARTICLES[0]
    hostile.modes[lost] = "404"
    for _ in range(2):  # on a fresh database, then on a populated one
        result = crawl(hostile, database_url)
        assert result.returncode == 1, result.stdout + result.stderr[-2000:]
        assert "failing: 1 article page given up: 404" in status_cell(result.stdout)
        assert code(lost) not in stored_articles(database_url)
    hostile.modes.clear()
    result = crawl(hostile, database_url)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    assert set(map(code, ARTICLES)) == set(stored_articles(database_url))
    assert hostile.requests[lost] == 2


def test_an_endless_redirect_chain_is_a_redirect_loop_given_up(hostile, database_url):
    hostile.modes[ARTICLES[0]] = "redirect_chain"
    result = crawl(hostile, database_url)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "redirect loop 1" in result.stdout and "1 article page given up: redirect loop" in result.stdout
    assert hostile.requests[ARTICLES[0]] == get_project_settings().getint("REDIRECT_MAX_TIMES") + 1
    assert code(ARTICLES[0]) not in stored_articles(database_url)


def test_a_gzip_bomb_is_given_up_as_too_large(hostile, database_url):
    hostile.modes[ARTICLES[0]] = "gzip_bomb"
    result = crawl(hostile, database_url)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "too large 1" in result.stdout and "1 article page given up: too large" in result.stdout
    assert "is over DOWNLOAD_MAXSIZE (16,777,216 bytes): 65," in result.stderr


@pytest.mark.parametrize("render", ["0", "1"])
def test_a_page_over_the_size_limit_is_given_up_in_the_browser_too(hostile, database_url, render):
    if render == "1":
        need(Path(get_project_settings().get("BROWSER_EXECUTABLE")), "Chromium")
    hostile.modes[ARTICLES[0]] = "padded"
    result = crawl(hostile, database_url, "-a", f"render={render}", "-s", f"DOWNLOAD_MAXSIZE={PADDING // 2}")
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "too large 1" in result.stdout and "1 article page given up: too large" in result.stdout
    assert len(stored_articles(database_url)) == len(ARTICLES) - 1


def test_news_pages_have_sane_size_limits():
    settings = get_project_settings()
    assert settings.getint("DOWNLOAD_WARNSIZE") < settings.getint("DOWNLOAD_MAXSIZE") <= 32 * 1024 * 1024


def test_garbled_articles_fail_the_source_and_stray_bytes_are_counted(hostile, database_url):
    garbled, stray = ARTICLES[0], ARTICLES[1]
    hostile.modes.update({garbled: "garbled", stray: "stray_byte"})
    result = crawl(hostile, database_url)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "1 article NOT STORED: garbled" in status_cell(result.stdout)
    assert "invalid bytes 1" in result.stdout
    stored = stored_articles(database_url)
    assert code(garbled) not in stored and "\ufffd" in stored[code(stray)]["body"]


def test_a_stalled_site_is_unreachable_after_its_retries(hostile, database_url):
    hostile.modes[LISTING] = "stall"
    result = crawl(
        hostile, database_url, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1", "-s", "RETRY_BACKOFF_BASE=0.05"
    )
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert status_cell(result.stdout).startswith("unreachable: 1 listing page not fetched: timeout")
    assert hostile.requests[LISTING] == 2


def test_a_dead_site_costs_a_source_a_few_minutes_of_a_30_minute_cron():
    """robots.txt, then the listing: each waits out its timeout on every try, with backoff between."""
    settings = get_project_settings()
    tries = settings.getint("RETRY_TIMES") + 1
    backoff = sum(settings.getfloat("RETRY_BACKOFF_BASE") * 2**retry for retry in range(tries - 1))
    stalled = 2 * (tries * settings.getfloat("DOWNLOAD_TIMEOUT") + backoff)
    unresolved = 2 * (tries * settings.getfloat("DNS_TIMEOUT") + backoff)
    assert stalled <= 180 and unresolved <= 90


def test_a_write_failing_after_the_articles_is_an_error_of_its_source(hostile, database_url):
    """The validators are written when the crawl closes, after the articles: the database refuses them."""
    Store.open(database_url)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.execute(
            "create trigger disk_full before update of etag on articles "
            "begin select raise(abort, 'database or disk is full'); end"
        )
    result = crawl(hostile, database_url)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "validators and edit counts NOT RECORDED" in result.stderr
    assert "1 database writes FAILED" in status_cell(result.stdout) and "errors: 1 error logged" in result.stdout


def test_a_full_disk_fails_the_source_and_says_the_run_was_not_recorded(hostile, database_url):
    Store.open(database_url)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.execute("pragma wal_checkpoint(truncate)")
    # Files may grow to a few bytes: the lock file's line, not a page of the database's log.
    result = crawl(hostile, database_url, preexec=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048)))
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "NOT STORED" in status_cell(result.stdout)
    assert "could not record this run in crawl_runs: (sqlite3.OperationalError)" in result.stderr
