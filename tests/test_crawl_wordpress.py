"""`scrapy crawl` of the WordPress sources' HTML path end to end (`-a api=0`; the REST API path is in
test_wordpress_api.py): the bundled mirror over real HTTP into a real SQLite file; backfills through the
sitemaps; the «since» bound on listings, feeds and sitemaps."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import pytest_twisted
from scrapy.crawler import CrawlerRunner
from scrapy.utils.project import get_project_settings

from crawler.extract.dates import parse_day_bound
from crawler.fetch.mirror_server import DEFAULT_ROOT
from crawler.stats import (
    ARTICLE_OLDER_THAN_SINCE,
    ARTICLE_PAGES,
    DISCOVERY_OLDER_THAN_SINCE,
    LISTING_PAGES,
    LISTING_PAST_SINCE,
)
from tests.conftest import scrapy_cli
from tests.conftest import stored_articles as stored
from tests.golden import GOLDEN_ROOT, spider_for
from tests.support.served import WORDPRESS_HOSTS

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

SOURCES = tuple(WORDPRESS_HOSTS)
HOME = WORDPRESS_HOSTS


def expected(source: str) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text())["item"] for path in (GOLDEN_ROOT / source).glob("*.json")}


def summary(stdout: str, source: str) -> dict[str, str]:
    """The source's row of the end-of-run table."""
    lines = stdout.splitlines()
    header = next(line for line in lines if line.startswith("source"))
    row = next(line for line in lines if line.startswith(source + " "))
    names = header.split()
    values = row.split(None, len(names) - 1)
    return dict(zip(names, values))


def published_since(source: str, since: str) -> set[str]:
    bound = parse_day_bound(since)
    return {code for code, item in expected(source).items() if datetime.fromisoformat(item["published_at"]) >= bound}


async def crawl_in_process(source: str, mirror: str, database_url: str, **arguments: str) -> dict:
    """One crawl in this process, for its stats."""
    settings = get_project_settings()
    settings.setdict({"MIRROR_URL": mirror, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
    crawler = CrawlerRunner(settings).create_crawler(source)
    await crawler.crawl(**arguments)
    return crawler.stats.get_stats()


@pytest.mark.parametrize("source", SOURCES)
def test_crawl_stores_every_article_once_then_nothing_new(source, mirror, database_url):
    articles = expected(source)
    first = scrapy_cli("crawl", source, "-a", "api=0", mirror_url=mirror, database_url=database_url)
    assert first.returncode == 0, first.stderr[-3000:]
    rows = stored(database_url)
    assert set(rows) == set(articles)
    for code, item in articles.items():
        row = rows[code]
        for field in (
            "url",
            "title",
            "lead",
            "body",
            "published_at",
            "published_jalali",
            "kicker",
            "category",
            "view_count",
        ):
            assert row[field] == item[field], (code, field)
        assert json.loads(row["tags"]) == item["tags"], code
        assert json.loads(row["images"]) == item["images"], code
        assert json.loads(row["provenance"]) == item["provenance"], code
    row = summary(first.stdout, source)
    # A step the source declares usual (rasht's dates from the text) is no fallback.
    spider = spider_for(next(iter(articles.values()))["url"])
    fallbacks = sum(
        1
        for item in articles.values()
        if any(spider.is_fallback(field, step) for field, step in item["provenance"].items())
    )
    # Once each: none dropped, not even as a duplicate found by both the listing and the feed.
    assert (row["new"], row["dropped"], row["errors"], row["status"]) == (str(len(articles)), "0", "0", "ok")
    assert row["fallbacks"] == str(fallbacks)

    second = scrapy_cli("crawl", source, "-a", "api=0", mirror_url=mirror, database_url=database_url)
    assert second.returncode == 0, second.stderr[-3000:]
    assert stored(database_url).keys() == rows.keys()
    row = summary(second.stdout, source)
    # Incremental: the first listing page holds only stored articles, so nothing else is fetched.
    assert (row["new"], row["updated"], row["unchanged"], row["pages"]) == ("0", "0", "0", "2")


BACKFILLS = [
    # source, since, an old article only listed on page 3, an article older than «since»
    ("semnan", "1398-01-01", "5120", "3304"),
    ("omidjonoob", "1400-01-01", "11210", None),
    ("rasht", "1399-01-01", "19870", None),
]


@pytest.mark.parametrize(("source", "since", "old", "older"), BACKFILLS, ids=[b[0] for b in BACKFILLS])
def test_backfill_reaches_old_articles_through_the_sitemap(source, since, old, older, mirror, database_url):
    old_url = expected(source)[old]["url"]
    first_listing = (DEFAULT_ROOT / HOME[source] / "index.html").read_text()
    feed = (DEFAULT_ROOT / HOME[source] / "feed" / "index.html").read_text()
    assert old_url not in first_listing and old_url not in feed  # only page 3 and the sitemap know it

    result = scrapy_cli(
        "crawl",
        source,
        "-a",
        "api=0",
        "-a",
        "pages=1",
        "-a",
        f"since={since}",
        mirror_url=mirror,
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = stored(database_url)
    assert old in rows and rows[old]["published_at"] == expected(source)[old]["published_at"]
    assert set(rows) == published_since(source, since)
    if older:
        assert older not in rows


@pytest_twisted.ensureDeferred
async def test_feed_and_sitemap_entries_older_than_since_are_not_fetched(mirror, database_url):
    stats = await crawl_in_process("semnan", mirror, database_url, api="0", pages="1", since="1400-09-01")
    recent = published_since("semnan", "1400-09-01")
    # Only the recent posts are fetched: not the seed post of 1400-06 (in the feed and the second post
    # sitemap), nor Yoast's first post sitemap (its «lastmod» is of 1398), nor its posts.
    assert stats[ARTICLE_PAGES] == len(recent)
    assert ARTICLE_OLDER_THAN_SINCE not in stats
    assert stats[DISCOVERY_OLDER_THAN_SINCE] >= 3
    assert set(stored(database_url)) == recent


# source, since, the articles of listing pages 1 and 2 (page 3 and the old sitemap entries are older)
LISTING_WALKS = [("semnan", "1400-09-01", 5), ("omidjonoob", "1401-08-01", 4)]


@pytest.mark.parametrize(("source", "since", "on_first_pages"), LISTING_WALKS, ids=[w[0] for w in LISTING_WALKS])
@pytest_twisted.ensureDeferred
async def test_since_ends_the_listing_walk(source, since, on_first_pages, mirror, database_url):
    stats = await crawl_in_process(source, mirror, database_url, api="0", since=since)
    # Listing page 3 is older than «since»: the walk ends there and its articles are not requested.
    assert (stats[LISTING_PAGES], stats[LISTING_PAST_SINCE]) == (3, 1)
    assert stats[ARTICLE_PAGES] == on_first_pages
    assert set(stored(database_url)) == published_since(source, since)


def test_known_counts_articles_not_the_links_to_them(mirror, sqlite_url):
    """A backfill reads the listing, the feed and the sitemap: each stored article is linked from several
    of them, and counted once."""
    first = scrapy_cli("crawl", "omidjonoob", mirror_url=mirror, database_url=sqlite_url)
    assert first.returncode == 0, first.stderr[-3000:]
    again = scrapy_cli("crawl", "omidjonoob", "-a", "since=1390-01-01", mirror_url=mirror, database_url=sqlite_url)
    header, _, row = (line.split() for line in again.stdout.strip().splitlines()[:3])
    counts = dict(zip(header, row))
    assert (counts["new"], counts["known"]) == ("0", "5"), again.stdout
