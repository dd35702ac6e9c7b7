"""Where a crawl may send requests: its source's own hosts on ports 80/443 at public addresses, whether
the URL comes from a listing, a redirect or `scrapy refetch` (whose requests skip Scrapy's offsite check)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
import pytest_twisted
from twisted.internet import reactor
from twisted.internet.error import DNSLookupError
from w3lib.url import safe_url_string

from crawler.fetch.redirects import PublicAddressResolver, url_problem
from tests.conftest import scrapy_cli
from tests.support.served import Fault, RecordingMirror, copy_mirror
from tests.test_browser import chromium  # noqa: F401 - the fixture

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

ARTICLE = "https://www.hamshahrionline.ir/news/962182/فروزنده-نواحی"
ARTICLE_PATH = "/www.hamshahrionline.ir/news/962182/"


def article_count(database_url: str) -> int:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return connection.execute("select count(*) from articles").fetchone()[0]


@pytest.fixture
def inward(tmp_path):
    """Another loopback server, standing for an internal service a redirect must never reach."""
    with RecordingMirror(copy_mirror(tmp_path / "inward")) as server:
        yield server


@pytest.mark.parametrize(
    "target",
    [
        "{inward}/www.hamshahrionline.ir/news/962182/x",  # loopback, another port
        "http://127.0.0.1/www.hamshahrionline.ir/news/962182/x",
        "http://10.0.0.1/news/962182/x",
        "http://[::1]/news/962182/x",
        "https://example.com/news/962182/x",  # a host of no source
        "https://imo.org.ir/news/962182/x",  # another source's host
        "https://user@www.hamshahrionline.ir/news/962182/x",
        "https://www.hamshahrionline.ir:8443/news/962182/x",
    ],
)
def test_refetch_does_not_follow_a_redirect_off_the_sources_hosts(tmp_path, database_url, inward, target):
    target = target.format(inward=inward.url)
    faults = {ARTICLE_PATH: Fault([(302, {"Location": target})])}
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), faults=faults) as server:
        result = scrapy_cli("refetch", ARTICLE, mirror_url=server.url, database_url=database_url)
    assert result.returncode == 1
    assert f"{ARTICLE}: not fetched: redirected to " in result.stderr and "which is refused" in result.stderr
    assert "refused the redirect from" in result.stderr
    assert inward.served.requests == []
    assert article_count(database_url) == 0


def test_a_redirect_within_the_source_is_followed(tmp_path, database_url):
    faults = {"/hamshahrionline.ir/news/962182/x": Fault([(301, {"Location": safe_url_string(ARTICLE)})])}
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), faults=faults) as server:
        result = scrapy_cli(
            "refetch", "https://hamshahrionline.ir/news/962182/x", mirror_url=server.url, database_url=database_url
        )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout)["news_code"] == "962182"


def test_a_crawl_refuses_a_redirect_off_the_source_and_says_so(tmp_path, database_url, inward):
    """An article redirecting to loopback is not fetched; the run names it and fails."""
    faults = {ARTICLE_PATH: Fault([(302, {"Location": f"{inward.url}/x"})] * 4)}
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), faults=faults) as server:
        result = scrapy_cli("crawl", "hamshahri", mirror_url=server.url, database_url=database_url)
    assert result.returncode == 1, result.stdout
    assert "pages given up: 1" in result.stdout and "NEEDS ATTENTION: hamshahri" in result.stdout
    assert f"refused the redirect from {safe_url_string(ARTICLE)} to {inward.url}/x: port " in result.stderr
    assert inward.served.requests == []
    assert article_count(database_url) == 4  # the other articles


@pytest.mark.parametrize(
    "url, reason",
    [
        ("https://www.hamshahrionline.ir:8443/news/962182/x", "port 8443: only 80 and 443 are fetched"),
        ("https://me:secret@www.hamshahrionline.ir/news/962182/x", "carries a user name (user@host)"),
        ("https://www.hamshahrionline.ir/news/962182/" + "x" * 2100, "longer than 2083 characters"),
        ("https://www.hamshahrionline.ir:port/news/1", "its port is not a number"),
    ],
)
def test_refetch_refuses_a_url_before_any_request(tmp_path, database_url, url, reason):
    with RecordingMirror(copy_mirror(tmp_path / "mirror")) as server:
        result = scrapy_cli("refetch", url, mirror_url=server.url, database_url=database_url)
        assert server.served.requests == []
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert reason in line and line.endswith("nothing fetched")


def test_urls_the_crawler_never_fetches():
    assert url_problem("https://www.hamshahrionline.ir/news/1") is None
    assert url_problem("http://www.hamshahrionline.ir:80/news/1") is None
    assert url_problem("https://10.1.2.3/x") == "names an IP address (10.1.2.3), not a host"
    assert url_problem("ftp://www.hamshahrionline.ir/x") == "not an http(s) URL (ftp)"


def resolver(allowed: set[str]) -> PublicAddressResolver:
    """The crawl's resolver, on the real system resolver (localhost comes from /etc/hosts)."""
    resolver = PublicAddressResolver(reactor, cache_size=0, timeout=5.0)
    resolver.allowed = allowed
    return resolver


@pytest_twisted.ensureDeferred
async def test_a_name_resolving_to_a_loopback_address_is_refused():
    with pytest.raises(DNSLookupError, match="localhost resolves to 127.0.0.1, which is not a public address"):
        await resolver(set()).getHostByName("localhost")


@pytest_twisted.ensureDeferred
async def test_the_mirror_address_is_the_one_exception():
    assert await resolver({"127.0.0.1"}).getHostByName("127.0.0.1") == "127.0.0.1"
    with pytest.raises(DNSLookupError, match="127.0.0.2 resolves to 127.0.0.2"):
        await resolver({"127.0.0.1"}).getHostByName("127.0.0.2")


def test_the_browser_does_not_follow_a_redirect_off_the_source(tmp_path, database_url, inward, chromium):
    """`-a render=1` through the mirror: the browser's requests go through the same guard, one redirect
    at a time."""
    faults = {ARTICLE_PATH: Fault([(302, {"Location": f"{inward.url}/x"})] * 8)}
    with RecordingMirror(copy_mirror(tmp_path / "mirror"), faults=faults) as server:
        result = scrapy_cli(
            "crawl",
            "hamshahri",
            "-a",
            "render=1",
            "-s",
            "RETRY_TIMES=0",
            mirror_url=server.url,
            database_url=database_url,
        )
    assert (
        f"to {inward.url}/x: port" in result.stderr and "the browser did not follow the redirect from" in result.stderr
    )
    assert inward.served.requests == []
    assert article_count(database_url) == 4
    assert result.returncode == 1 and "pages given up: 1" in result.stdout


def test_the_browser_follows_a_redirect_within_the_source(tmp_path, database_url, chromium):
    root = copy_mirror(tmp_path / "mirror")
    listing = root / "www.hamshahrionline.ir" / "archive"
    listing.write_text(re.sub(r'href="[^"]*/news/962182/[^"]*"', 'href="/news/962182/x"', listing.read_text()))
    faults = {"/www.hamshahrionline.ir/news/962182/x": Fault([(301, {"Location": safe_url_string(ARTICLE)})] * 3)}
    with RecordingMirror(root, faults=faults) as server:
        result = scrapy_cli("crawl", "hamshahri", "-a", "render=1", mirror_url=server.url, database_url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert article_count(database_url) == 5
