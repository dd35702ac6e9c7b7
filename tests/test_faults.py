"""A crawl of every source through a misbehaving mirror (crawler/fetch/mirror_server.py's faults): it
finishes, retries what deserves a retry, stores every article that was eventually served, and its
summary counts each kind of fault."""

from __future__ import annotations

import re
import sqlite3
from itertools import cycle

import pytest

from crawler.fetch.mirror import mirrored_url
from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from crawler.sources.discovery import WordPressApi
from tests.conftest import scrapy_cli
from tests.golden import parse_items, spider_for

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

# Each article gets one plan in turn: transient faults (a list: one per request, then the page) must
# end with the article stored; permanent ones (a string) with it not stored, and said so.
ARTICLE_PLANS = [["500", "reset"], ["503", "stall"], ["429", "truncated"], "redirect_loop", "soft404"]
LISTING_PLAN = ["truncated", "503"]
# Short timeouts and backoff (backoff itself is tested in test_operations.py).
SHORT_TIMES = [
    "-s",
    "DOWNLOAD_TIMEOUT=2",
    "-s",
    "RETRY_BACKOFF_BASE=0.05",
    "-s",
    "RETRY_BACKOFF_MAX=0.5",
    "-s",
    "LOG_LEVEL=DEBUG",
]
# How the summary names each fault kind.
SEEN_AS = {
    "500": "500",
    "503": "503",
    "429": "429",
    "reset": "connection lost",
    "stall": "timeout",
    "truncated": "truncated",
    "redirect_loop": "redirect loop",
}


def crawled_urls(log: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"Crawled \(200\) <GET (\S+)>", log)))


def read_from_api(url: str) -> bool:
    """A WordPress post: its article comes from the REST API even when its page is not the article."""
    return spider_for(url).strategy(WordPressApi) is not None


def stored_codes(database_url: str) -> set[tuple[str, str]]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return set(connection.execute("select source, news_code from articles"))


@pytest.fixture(scope="module")
def clean_crawl(tmp_path_factory):
    """What a crawl of the intact mirror fetches and stores."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'articles.db'}"
    with MirrorServer(DEFAULT_ROOT) as server:
        result = scrapy_cli("crawlall", *SHORT_TIMES, mirror_url=server.url, database_url=database_url)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    urls = [url for url in crawled_urls(result.stderr) if not url.endswith("/robots.txt")]
    articles = [url for url in urls if spider_for(url).is_article_url(url)]
    return articles, [url for url in urls if url not in articles], stored_codes(database_url)


def test_a_crawl_through_faults_stores_what_was_served_and_counts_each_fault(clean_crawl, database_url):
    articles, listings, clean = clean_crawl
    assert len(articles) >= len(ARTICLE_PLANS), "too few fixture articles to give each fault to one"
    plans = dict(zip(articles, cycle(ARTICLE_PLANS)))
    faults = {mirrored_url("", url): plan for url, plan in plans.items()}
    faults.update({mirrored_url("", url): LISTING_PLAN for url in listings})
    # A WordPress post whose page is not its article, or is given up, is stored from its REST API.
    lost = {
        (item.source, item.news_code)
        for url, plan in plans.items()
        if isinstance(plan, str) and not (plan in ("soft404", "redirect_loop") and read_from_api(url))
        for item in parse_items(url)
    }

    with MirrorServer(DEFAULT_ROOT, faults=faults) as server:
        result = scrapy_cli("crawlall", *SHORT_TIMES, mirror_url=server.url, database_url=database_url)

    assert stored_codes(database_url) == clean - lost
    summary = result.stdout
    assert "finished with" not in summary, summary
    injected = {
        kind for plan in [*plans.values(), LISTING_PLAN] for kind in ([plan] if isinstance(plan, str) else plan)
    }
    for kind in injected - {"soft404"}:
        assert SEEN_AS[kind] in summary, f"{kind} is not in the summary:\n{summary}"
    soft_404s = sum(plan == "soft404" and not read_from_api(url) for url, plan in plans.items())
    dropped = sum(
        int(row.split()[6])
        for row in summary.splitlines()
        if row.split() and row.split()[0] in {source for source, _ in clean}
    )
    assert dropped >= soft_404s, summary
    # A redirect loop cost an article: the run says so and fails.
    assert result.returncode == 1 and "pages given up" in summary and "NEEDS ATTENTION" in summary
