"""The benchmarks' synthetic mirror (bench/synthetic.py): every source and every fixture page is a
template, and a crawl of the mirror stores each synthetic article once, under its own code and URL."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from bench.synthetic import generate, mirror_file, synthetic_code
from crawler.fetch.mirror_server import MirrorServer
from tests.conftest import scrapy_cli
from tests.golden import GOLDEN_ROOT, parse_items

PAGES = 60


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("synthetic") / "mirror", article_pages=PAGES, per_listing=5)


def test_every_source_and_every_fixture_page_is_a_template(manifest):
    for source, report in manifest.sources.items():
        goldens = sorted(path.stem for path in (GOLDEN_ROOT / source).glob("*.json"))
        assert report.left_out == {}, source
        assert sorted(report.templates) == goldens, source
        assert report.articles == PAGES // len(manifest.sources)
        assert report.listing_pages > 1, f"{source}: the listing is not paginated"


@pytest.mark.parametrize("source", ["hamshahri", "imo", "semnan", "omidjonoob", "rasht"])
def test_a_synthetic_page_reads_as_its_own_article(manifest, source):
    report = manifest.sources[source]
    url = report.sample[-1]
    (item,) = parse_items(url, mirror_file(Path(manifest.root), url).read_bytes())
    assert item.news_code not in report.templates
    assert item.url not in {
        json.loads(path.read_text())["item"]["url"] for path in (GOLDEN_ROOT / source).glob("*.json")
    }
    assert 40_000 <= len(mirror_file(Path(manifest.root), url).read_bytes()) <= 160_000


def test_synthetic_codes_are_of_the_template_s_kind():
    assert synthetic_code(90_000_001, "962182") == "90000001"
    assert synthetic_code(90_000_001, "NKXL").isalnum() and not synthetic_code(90_000_001, "NKXL").isdigit()
    assert synthetic_code(90_000_001, "NKXL") != synthetic_code(90_000_002, "NKXL")


@pytest.mark.crawl
def test_a_crawl_of_the_synthetic_mirror_stores_every_article_once(manifest, tmp_path):
    database = tmp_path / "synthetic.db"
    with MirrorServer(Path(manifest.root)) as server:
        result = scrapy_cli(
            "crawlall", "-a", "pages=1000", mirror_url=server.url, database_url=f"sqlite:///{database}", timeout=300
        )
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT source, news_code, url FROM articles").fetchall()
    assert Counter(source for source, _, _ in rows) == {
        name: report.articles for name, report in manifest.sources.items()
    }
    assert len({(source, code) for source, code, _ in rows}) == len({url for _, _, url in rows}) == len(rows)
