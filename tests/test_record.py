"""`scrapy record URL`: fetches a page through the mirror, saves it and writes its golden file."""

import json
from pathlib import Path

import pytest

from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer, mirror_path
from tests.conftest import scrapy_cli
from tests.golden import GOLDEN_ROOT

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl


def test_record_saves_the_page_and_writes_the_same_golden_file(mirror, database_url, tmp_path):
    expected = json.loads((GOLDEN_ROOT / "omidjonoob" / "14491.json").read_text())
    url = expected["url"]
    result = scrapy_cli(
        "record",
        url,
        "--mirror",
        str(tmp_path / "mirror"),
        "--golden",
        str(tmp_path / "golden"),
        mirror_url=mirror,
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    saved = mirror_path(tmp_path / "mirror", url)
    assert saved.parent.name == "همایش-آمار-و-توسعه-مدیریت-شهری-به-میزبانی-اهواز" and saved.name == "index.html"
    assert saved.read_bytes() == mirror_path(DEFAULT_ROOT, url).read_bytes()
    assert json.loads((tmp_path / "golden" / "omidjonoob" / "14491.json").read_text()) == expected
    assert str(saved) in result.stdout


def test_record_refuses_what_it_cannot_record(mirror, database_url, tmp_path):
    options = ("--mirror", str(tmp_path / "mirror"), "--golden", str(tmp_path / "golden"))
    foreign = scrapy_cli(
        "record", "https://example.com/news/1/", *options, mirror_url=mirror, database_url=database_url
    )
    assert foreign.returncode != 0 and "no source knows the host of https://example.com/news/1/" in foreign.stderr

    result = scrapy_cli(
        "record",
        "https://rasht.ir/no-such-post/",
        "https://rasht.ir/",
        *options,
        mirror_url=mirror,
        database_url=database_url,
    )
    assert result.returncode == 1
    assert "NOT RECORDED https://rasht.ir/no-such-post/: HTTP 404" in result.stdout
    assert "NOT RECORDED https://rasht.ir/: https://rasht.ir/ gives 0 articles" in result.stdout
    assert not (tmp_path / "mirror").exists() and not (tmp_path / "golden").exists()


def test_record_saves_the_api_answers_of_a_wordpress_post_so_that_it_replays_offline(mirror, database_url, tmp_path):
    expected = json.loads((GOLDEN_ROOT / "omidjonoob" / "15208.json").read_text())
    url = expected["url"]
    result = scrapy_cli(
        "record",
        url,
        "--mirror",
        str(tmp_path / "mirror"),
        "--golden",
        str(tmp_path / "golden"),
        mirror_url=mirror,
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    api = sorted(path.name for path in (tmp_path / "mirror" / "omidjonob.ir" / "wp-json" / "wp" / "v2").iterdir())
    assert len(api) == 2 and api[0].startswith("posts?") and "slug=" in api[0] and api[1].startswith("tags?")
    # Recorded, not stored: the database DATABASE_URL names is not even created.
    assert not Path(database_url.removeprefix("sqlite:///")).exists()

    # Offline: only what was recorded, served again.
    with MirrorServer(tmp_path / "mirror") as recorded:
        replay = scrapy_cli("refetch", url, mirror_url=recorded.url, database_url=database_url)
    assert replay.returncode == 0, replay.stderr[-3000:]
    record = json.loads(replay.stdout)
    assert (record["title"], record["body"], record["tags"]) == (
        expected["item"]["title"],
        expected["item"]["body"],
        expected["item"]["tags"],
    )
    assert record["provenance"]["published_at"] == "api" and record["kicker"] == expected["item"]["kicker"]
