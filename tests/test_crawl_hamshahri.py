"""`scrapy crawl hamshahri` end to end: the bundled mirror over real HTTP into a real SQLite file."""

import json

import pytest

from tests.conftest import scrapy_cli
from tests.conftest import stored_articles as stored
from tests.golden import GOLDEN_ROOT

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

EXPECTED = {path.stem: json.loads(path.read_text())["item"] for path in (GOLDEN_ROOT / "hamshahri").glob("*.json")}


def test_crawl_stores_every_article_once_then_nothing_new(mirror, database_url):
    first = scrapy_cli("crawl", "hamshahri", mirror_url=mirror, database_url=database_url)
    assert first.returncode == 0, first.stderr[-3000:]
    rows = stored(database_url)
    assert set(rows) == set(EXPECTED)
    for code, expected in EXPECTED.items():
        row = rows[code]
        for field in ("url", "title", "lead", "body", "published_at", "published_jalali", "category", "kicker"):
            assert row[field] == expected[field], (code, field)
        assert json.loads(row["tags"]) == expected["tags"]
        assert json.loads(row["images"]) == expected["images"]
    summary = first.stdout
    assert "hamshahri" in summary and "ok" in summary and "articles.db" in summary

    second = scrapy_cli("crawl", "hamshahri", mirror_url=mirror, database_url=database_url)
    assert second.returncode == 0, second.stderr[-3000:]
    assert stored(database_url).keys() == rows.keys()
    line = next(row for row in second.stdout.splitlines() if row.startswith("hamshahri"))
    pages, new, updated, unchanged = line.split()[1:5]
    # Incremental: the first listing page holds only stored articles, so nothing else is fetched.
    assert (pages, new, updated, unchanged) == ("2", "0", "0", "0")


def test_section_and_page_limit_arguments(mirror, database_url):
    result = scrapy_cli(
        "crawl",
        "hamshahri",
        "-a",
        "section=city",
        "-a",
        "pages=1",
        "-s",
        "SITEMAP_HOLES_PER_RUN=0",
        mirror_url=mirror,
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # The first page of the city section lists three articles; the second page is not fetched (nor the articles
    # of the sitemap, counted for coverage).
    assert set(stored(database_url)) == {"962182", "961950", "962500"}


def test_unknown_section_is_refused(mirror, database_url):
    result = scrapy_cli("crawl", "hamshahri", "-a", "section=sports", mirror_url=mirror, database_url=database_url)
    assert result.returncode != 0
    assert "unknown section 'sports'" in result.stderr
