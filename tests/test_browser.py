"""The browser in the real headless Chromium, against loopback sites (tests/support/js_site.py): pages written by
JavaScript, and a CDN challenge solved once per host and then left to plain HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_twisted
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.utils.project import get_project_settings
from sqlalchemy import select
from sqlalchemy.orm import Session
from twisted.internet.defer import Deferred

from crawler.fetch.challenges import is_challenge
from crawler.run.summary import SourceSummary, challenges
from crawler.sources.discovery import Listing
from crawler.sources.spider import NewsSpider
from crawler.stats import (
    BROWSER,
    BROWSER_NOT_READY,
    BROWSER_PAGES,
    CHALLENGE_FAILED,
    CHALLENGE_SOLVED,
    LISTING_NO_ARTICLE_LINKS,
    PLAYWRIGHT,
    PLAYWRIGHT_BROWSER_COUNT,
)
from crawler.store.database import Article, Store
from tests.conftest import scrapy_cli
from tests.support.js_site import PLAIN, PLAIN_CODES, RENDERED, ChallengeGate, SiteServer
from tests.support.system import need
from tests.test_crawl_hamshahri import EXPECTED, stored

# Every test here is about the browser (most render pages in Chromium).
pytestmark = pytest.mark.browser

SETTINGS = get_project_settings()


@pytest.fixture
def chromium() -> None:
    need(Path(SETTINGS["BROWSER_EXECUTABLE"]), f"Chromium (BROWSER_EXECUTABLE={SETTINGS['BROWSER_EXECUTABLE']})")


def loopback_spider(site_url: str, **attributes) -> type[NewsSpider]:
    """A source on the loopback site, described like every real one."""

    class LoopbackSpider(NewsSpider):
        name = "loopback"
        hosts = ("127.0.0.1",)
        discovery = (Listing(f"{site_url}/news/", links="ul.news h3 a::attr(href)"),)
        article_url = r"^http://127\.0\.0\.1:\d+/news/(?P<code>\d+)/"
        selectors = {
            "article": "article",
            "title": "h1.title",
            "body": ".item-text",
            "news_code": ".item-code",
            "images": "article img",
        }

    for name, value in attributes.items():
        setattr(LoopbackSpider, name, value)
    return LoopbackSpider


async def crawl(spidercls: type[NewsSpider], database_url: str, settings: dict | None = None, **arguments: str) -> dict:
    """One crawl in this process with the project's settings (plain loopback HTTP: no mirror)."""
    overrides = {
        "DATABASE_URL": database_url,
        "MIRROR_URL": "",
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        # The loopback site is crawled as a live site: on loopback and its own port.
        "LOOPBACK_SITES": list(spidercls.sections.values()),
        **(settings or {}),
    }
    crawl_settings = SETTINGS.copy()
    crawl_settings.setdict(overrides, priority="cmdline")
    runner = AsyncCrawlerRunner(crawl_settings)
    crawler = runner.create_crawler(spidercls)
    await Deferred.fromFuture(runner.crawl(crawler, **arguments))
    return crawler.stats.get_stats()


def bodies(database_url: str) -> dict[str, str]:
    with Session(Store.open(database_url).engine) as session:
        return dict(session.execute(select(Article.news_code, Article.body)).all())


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (b"<html><script>document.cookie='__arcsjs=1f2e; path=/'; location.reload();</script></html>", True),
        (b"<html><script>document.cookie = 'beget=begetok; path=/'; location.reload();</script></html>", True),
        (b"<html><script>document.cookie = 'consent=1';</script><p>an ordinary small page</p></html>", False),
        (b"<html>" + b"<p>article text</p>" * 5000 + b"<script>x='__arcsjs'</script></html>", False),
    ],
)
def test_a_challenge_is_a_small_page_that_sets_a_cookie_and_reloads(page, expected):
    assert is_challenge(page) is expected


@pytest_twisted.ensureDeferred
async def test_pages_written_by_javascript_are_read_after_rendering(chromium, database_url):
    with SiteServer(RENDERED) as site:
        stats = await crawl(loopback_spider(site.url, render=True), database_url)
    assert bodies(database_url) == {
        "101": "متنی که پس از نیم ثانیه نوشته می‌شود.\nبند دوم.",
        "102": "متنی که اسکریپت می‌نویسد.",
    }
    assert stats[PLAYWRIGHT_BROWSER_COUNT] == 1
    assert stats.get(BROWSER_NOT_READY, 0) == 0
    # robots.txt stays plain HTTP; every page went through the browser.
    assert sorted((hit.path, hit.browser) for hit in site.hits) == [
        ("/news/", True),
        ("/news/101/delayed", True),
        ("/news/102/scripted", True),
        ("/robots.txt", False),
    ]


@pytest_twisted.ensureDeferred
async def test_without_rendering_the_browser_never_starts(chromium, database_url):
    """The same site crawled with `-a render=0`: plain HTTP sees no links, and no browser is started."""
    with SiteServer(RENDERED) as site:
        stats = await crawl(loopback_spider(site.url, render=True), database_url, render="0")
    assert stats[LISTING_NO_ARTICLE_LINKS] == 1
    assert not [key for key in stats if key.startswith((PLAYWRIGHT, BROWSER))]
    assert not any(hit.browser for hit in site.hits)


@pytest_twisted.ensureDeferred
async def test_a_cdn_challenge_is_solved_in_the_browser_then_plain_http_carries_its_cookie(chromium, database_url):
    gate = ChallengeGate(uses_per_cookie=6)
    with SiteServer(PLAIN, gate) as site:
        stats = await crawl(loopback_spider(site.url), database_url)
    assert sorted(bodies(database_url)) == PLAIN_CODES
    # 1 robots.txt + 1 listing + 8 articles, with one cookie good for 6 requests: solved twice
    # (the second time when the first cookie expired), in one browser.
    assert stats[PLAYWRIGHT_BROWSER_COUNT] == 1
    assert stats[CHALLENGE_SOLVED] == 2
    assert stats.get(CHALLENGE_FAILED, 0) == 0
    browser_hits = [hit for hit in site.hits if hit.browser]
    # Each solve: the challenge page, then the reload carrying the cookie its script set.
    assert [hit.admitted for hit in browser_hits] == [False, True, False, True]
    # Everything the crawl read came over plain HTTP with the browser's cookie.
    plain_admitted = sorted(hit.path for hit in site.hits if not hit.browser and hit.admitted)
    assert plain_admitted == sorted(["/robots.txt", "/news/", *(f"/news/{code}/x" for code in PLAIN_CODES)])


@pytest_twisted.ensureDeferred
async def test_an_unsolvable_challenge_is_counted_and_named(chromium, database_url, caplog):
    """A challenge page whose script never sets the cookie: the solve fails once, the host's pages are skipped."""
    gate = ChallengeGate(uses_per_cookie=0)
    with SiteServer(PLAIN, gate) as site:
        stats = await crawl(loopback_spider(site.url), database_url, settings={"BROWSER_TIMEOUT": 2})
    assert stats[CHALLENGE_FAILED] == 1 and CHALLENGE_SOLVED not in stats
    assert bodies(database_url) == {}
    assert "NOT SOLVED" in caplog.text
    # The run needs attention: the summary says the source is blocked, and why.
    summary = SourceSummary.from_stats("loopback", stats)
    assert challenges(summary) == "1 failed"
    assert summary.status == "blocked" and summary.needs_attention
    assert "blocked: 1 CDN challenge(s) NOT SOLVED: the pages behind them were skipped" in summary.problems


def test_rendering_through_the_offline_mirror_stores_the_same_articles(chromium, mirror, database_url):
    """`-a render=1` on a real source through the mirror: the browser's page requests are answered
    from the mirror too, and the articles read are those of the plain crawl."""
    result = scrapy_cli("crawl", "hamshahri", "-a", "render=1", mirror_url=mirror, database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    rows = stored(database_url)
    assert set(rows) == set(EXPECTED)
    for code, expected in EXPECTED.items():
        for field in ("url", "title", "lead", "body", "published_at", "category"):
            assert rows[code][field] == expected[field], (code, field)
    assert f"'{PLAYWRIGHT_BROWSER_COUNT}': 1," in result.stderr
    # robots.txt over plain HTTP; the two listing pages and the five articles in the browser.
    assert f"'{BROWSER_PAGES}': 7," in result.stderr


def test_the_summary_shows_challenges():
    solved = SourceSummary.from_stats("x", {"finish_reason": "finished", CHALLENGE_SOLVED: 2})
    both = SourceSummary.from_stats("x", {"finish_reason": "finished", CHALLENGE_SOLVED: 2, CHALLENGE_FAILED: 1})
    assert (challenges(solved), challenges(both)) == ("2 solved", "2 solved, 1 failed")
