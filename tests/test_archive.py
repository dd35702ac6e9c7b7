"""The WARC archive of every crawl (crawler/fetch/archive.py), `scrapy reextract` (crawler/commands/reextract.py)
and `scrapy archive verify | prune`: one crawl of the demo's mirror for the module, read back with warcio, then
the mirror stopped for everything that must send no request."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from crawler import stats
from crawler.fetch.archive import ArchivedRecord, ArchiveFiles, archive_files, read_record, responses_in, verify
from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from tests.conftest import ROOT, SCRAPY, scrapy_cli
from tests.golden import GOLDEN_ROOT

# Every test here crawls, or runs the scrapy command, through a server on loopback.
pytestmark = pytest.mark.crawl

SOURCES = ("hamshahri", "imo", "omidjonoob", "rasht", "semnan")


def stats_of(log: str, key: str) -> int:
    """The sum of a stat over every spider's stats dump in a crawl's log."""
    return sum(int(value) for value in re.findall(rf"'{re.escape(key)}': (\d+)", log))


def rows(database_url: str, query: str) -> list[sqlite3.Row]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute(query).fetchall()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """Every source of the demo's mirror crawled once with the archive on; the mirror is stopped afterwards,
    so a command that sent a request would find nothing there."""
    directory = tmp_path_factory.mktemp("archived")
    database_url, archive = f"sqlite:///{directory / 'articles.db'}", directory / "archive"
    with MirrorServer(DEFAULT_ROOT) as server:
        result = scrapy_cli("crawlall", mirror_url=server.url, database_url=database_url, ARCHIVE_DIR=str(archive))
        stopped_mirror = server.url
    assert result.returncode == 0, result.stderr[-3000:]
    return {"database_url": database_url, "archive": archive, "log": result.stderr, "mirror": stopped_mirror}


def copy_of(crawled, tmp_path) -> str:
    """A copy of the crawled database, for a test that writes."""
    shutil.copy(crawled["database_url"].removeprefix("sqlite:///"), tmp_path / "articles.db")
    return f"sqlite:///{tmp_path / 'articles.db'}"


def test_a_crawl_keeps_one_record_per_content_response_that_warcio_reads_and_checks(crawled):
    files = archive_files(crawled["archive"])
    assert sorted(path.name.split("-")[0] for path in files) == sorted(SOURCES)  # one file per source per day
    check = subprocess.run(
        [str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr

    kinds: dict[str, int] = {}
    responses = []
    for path in files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
                if record.rec_type == "response":
                    assert record.rec_headers.get_header("WARC-Date")
                    assert record.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")
                    assert record.http_headers.get_statuscode() == "200"
                    responses.append(record.rec_headers.get_header("WARC-Target-URI"))
    log = crawled["log"]
    content_responses = stats_of(log, "downloader/response_status_count/200") - stats_of(
        log, "robotstxt/response_status_count/200"
    )
    assert len(responses) == content_responses == stats_of(log, stats.ARCHIVE_RECORDS) > 0
    assert kinds == {"warcinfo": len(files), "response": len(responses), "request": len(responses)}
    assert not any(url.endswith("/robots.txt") for url in responses)


def test_every_stored_article_points_at_the_record_of_its_page(crawled):
    articles = rows(crawled["database_url"], "select * from articles")
    assert len(articles) == 27
    for article in articles:
        record = ArchivedRecord(article["archive_file"], article["archive_offset"], article["archive_digest"])
        assert record.file.startswith(f"{article['source']}-")
        archived = read_record(crawled["archive"], record)  # raises unless the digest is the one stored
        assert archived.status == 200 and b"<html" in archived.body.lower()


def test_reextract_dry_run_with_the_mirror_stopped_reports_no_change(crawled):
    result = scrapy_cli(
        "reextract",
        "--dry-run",
        mirror_url=crawled["mirror"],
        database_url=crawled["database_url"],
        ARCHIVE_DIR=str(crawled["archive"]),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for source, articles in (("hamshahri", 5), ("imo", 5), ("omidjonoob", 5), ("rasht", 5), ("semnan", 7)):
        assert (
            f"{source}: {articles} read again, 0 would change (none), 0 no longer an article, "
            f"0 answers not in the archive"
        ) in lines
    assert lines[-1] == "would change: 0 articles"
    # Every download was answered by the archive: the article pages and the WordPress API questions.
    assert stats_of(result.stderr, "downloader/request_count") == stats_of(
        result.stderr, stats.REEXTRACT_PAGES
    ) + stats_of(result.stderr, stats.REEXTRACT_API_ANSWERS)
    assert stats_of(result.stderr, stats.REEXTRACT_PAGES) == 27


def test_a_changed_reading_rule_is_applied_by_reextract_and_the_old_text_kept(crawled, tmp_path):
    database_url = copy_of(crawled, tmp_path)
    before = {
        row["news_code"]: dict(row) for row in rows(database_url, "select * from articles where source = 'hamshahri'")
    }
    changed_rule = ("-s", "SPIDER_MODULES=tests.support.changed_rule")
    options = {"mirror_url": crawled["mirror"], "database_url": database_url, "ARCHIVE_DIR": str(crawled["archive"])}

    dry = scrapy_cli("reextract", "hamshahri", "--dry-run", *changed_rule, **options)
    assert dry.returncode == 0, dry.stderr[-3000:]
    # Three of the five articles have a last paragraph to lose (the others have one paragraph, or end in a caption).
    assert "hamshahri: 5 read again, 3 would change (body 3), 0 no longer an article" in dry.stdout
    assert "[-⏎شهروندان می‌توانند برای خرید طرح روزانه به سامانه تهران من مراجعه کنند.-]" in dry.stdout
    assert rows(database_url, "select count(*) from article_versions")[0][0] == 0  # a dry run stores nothing

    applied = scrapy_cli("reextract", "hamshahri", *changed_rule, **options)
    assert applied.returncode == 0, applied.stderr[-3000:]
    assert "hamshahri: 5 read again, 3 changed (body 3)" in applied.stdout
    after = {
        row["news_code"]: dict(row) for row in rows(database_url, "select * from articles where source = 'hamshahri'")
    }
    versions = {row["article_id"]: dict(row) for row in rows(database_url, "select * from article_versions")}
    assert len(versions) == 3
    for code, article in after.items():
        old = before[code]
        if article["id"] not in versions:
            assert article == old
            continue
        version = versions[article["id"]]
        assert old["body"].startswith(article["body"] + "\n") and version["body"] == old["body"]
        assert version["reason"] == "reextract" and version["previous"] is None
        assert (version["archive_file"], version["archive_offset"], version["archive_digest"]) == (
            old["archive_file"],
            old["archive_offset"],
            old["archive_digest"],
        )
        # Only the body changed: the record, the crawl's instants and every other field stay.
        assert {name for name in article if article[name] != old[name]} == {"body", "content_hash"}

    again = scrapy_cli("reextract", "hamshahri", "--dry-run", *changed_rule, **options)
    assert "hamshahri: 5 read again, 0 would change (none)" in again.stdout


def test_an_unwritable_archive_is_a_counted_error_and_the_articles_are_stored(mirror, database_url, tmp_path):
    not_a_directory = tmp_path / "archive"
    not_a_directory.write_text("a file where the archive's directory should be")
    result = scrapy_cli(
        "crawl", "hamshahri", mirror_url=mirror, database_url=database_url, ARCHIVE_DIR=str(not_a_directory)
    )
    assert result.returncode != 0  # an error was logged: the run needs attention
    content_responses = stats_of(result.stderr, "downloader/response_status_count/200") - stats_of(
        result.stderr, "robotstxt/response_status_count/200"
    )
    assert stats_of(result.stderr, stats.ARCHIVE_FAILED) == content_responses > 5
    assert stats_of(result.stderr, "store/new") == 5
    assert "NOT ARCHIVED (the article is stored all the same)" in result.stderr
    articles = rows(database_url, "select archive_file from articles")
    assert len(articles) == 5 and all(row["archive_file"] is None for row in articles)


def test_archive_off_writes_nothing(mirror, database_url, tmp_path):
    result = scrapy_cli(
        "crawl",
        "hamshahri",
        "-s",
        "ARCHIVE_ENABLED=False",
        mirror_url=mirror,
        database_url=database_url,
        ARCHIVE_DIR=str(tmp_path / "archive"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "archive").exists() and len(rows(database_url, "select id from articles")) == 5


WRITER = """
import os, sys
from scrapy import Request
from scrapy.http import HtmlResponse
from crawler.fetch.archive import ArchiveFiles
files = ArchiveFiles(sys.argv[1], 10**12)
for number in range(10**6):
    body = os.urandom(2_000_000)  # incompressible: each write takes a while
    files.write("hamshahri", Request(f"https://www.hamshahrionline.ir/news/{number}"),
                HtmlResponse(f"https://www.hamshahrionline.ir/news/{number}", body=body))
    print(number, flush=True)
"""


def test_a_kill_during_a_write_leaves_the_earlier_records_readable(tmp_path):
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    written = [writer.stdout.readline() for _ in range(3)]
    assert [line.strip() for line in written] == ["0", "1", "2"]
    (path,) = archive_files(tmp_path)
    # Kill it in the middle of a later write: wait until the file has grown past the three records.
    size = path.stat().st_size
    while path.stat().st_size == size:
        time.sleep(0.001)
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    urls = []
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and len(record.content_stream().read()) == 2_000_000:
                urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    assert urls[:3] == [f"https://www.hamshahrionline.ir/news/{number}" for number in range(3)]
    check = verify(path)
    assert check.records >= 7  # warcinfo, then request and response thrice
    if check.problems:  # killed inside a record: reported as cut short, not sound
        assert len(check.problems) == 1 and "cut short" in check.problems[0]


def test_archive_verify_reports_a_file_cut_short(crawled, tmp_path):
    (source,) = [path for path in archive_files(crawled["archive"]) if path.name.startswith("imo-")]
    with source.open("rb") as stream:
        records = ArchiveIterator(stream)
        offsets = [records.get_record_offset() for _ in records]
    # Cut inside the last record: a cut at a record's boundary would leave a sound, shorter file.
    cut = offsets[-1] + (source.stat().st_size - offsets[-1]) // 2
    (tmp_path / source.name).write_bytes(source.read_bytes()[:cut])
    shutil.copy(archive_files(crawled["archive"])[0], tmp_path)
    result = subprocess.run(
        [str(SCRAPY), "archive", "verify"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "ARCHIVE_DIR": str(tmp_path)},
    )
    assert result.returncode == 1
    left = cut - offsets[-1]
    assert (
        f"{source.name}: cut short: {left} bytes after the last complete record ({len(offsets) - 1} records readable)"
        in result.stdout.splitlines()
    ), result.stdout
    assert "1 of 2 files sound" in result.stdout


def test_prune_never_deletes_a_file_a_stored_article_points_into(crawled, tmp_path):
    archive = tmp_path / "archive"
    shutil.copytree(crawled["archive"], archive)
    unreferenced = archive / "imo-20200101-00000.warc.gz"
    shutil.copy(archive_files(archive)[0], unreferenced)
    result = scrapy_cli(
        "archive",
        "prune",
        "--keep-days",
        "1",
        "-s",
        "CLOCK_NOW=2099-01-01T00:00:00+00:00",
        mirror_url=crawled["mirror"],
        database_url=crawled["database_url"],
        ARCHIVE_DIR=str(archive),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "deleted imo-20200101-00000.warc.gz" in result.stdout
    assert sorted(path.name for path in archive_files(archive)) == sorted(
        path.name for path in archive_files(crawled["archive"])
    )


def test_a_rendered_page_is_marked_as_rendered(tmp_path):
    files = ArchiveFiles(tmp_path, 10**9)
    request = Request("https://imo.org.ir/", meta={"render": True})
    record = files.write("imo", request, HtmlResponse(request.url, body=b"<html>rendered</html>"), rendered=True)
    plain = files.write("imo", request, HtmlResponse(request.url, body=b"<html>plain</html>"))
    assert read_record(tmp_path, record).rendered and not read_record(tmp_path, plain).rendered
    assert [archived.body for archived in responses_in(tmp_path / record.file)] == [
        b"<html>rendered</html>",
        b"<html>plain</html>",
    ]


def test_files_roll_at_the_size_limit(tmp_path):
    files = ArchiveFiles(tmp_path, 1000)
    for number in range(3):
        url = f"https://www.hamshahrionline.ir/news/{number}"
        files.write("hamshahri", Request(url), HtmlResponse(url, body=os.urandom(2000)))
    assert len(archive_files(tmp_path)) == 3


def test_record_from_the_archive_writes_the_golden_file_without_fetching(crawled, tmp_path):
    expected = json.loads((GOLDEN_ROOT / "omidjonoob" / "14491.json").read_text())
    result = scrapy_cli(
        "record",
        expected["url"],
        "--from-archive",
        "--mirror",
        str(tmp_path / "mirror"),
        "--golden",
        str(tmp_path / "golden"),
        mirror_url=crawled["mirror"],
        database_url=crawled["database_url"],
        ARCHIVE_DIR=str(crawled["archive"]),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((tmp_path / "golden" / "omidjonoob" / "14491.json").read_text()) == expected
    assert stats_of(result.stderr, stats.REEXTRACT_NOT_ARCHIVED) == 0

    missing = scrapy_cli(
        "record",
        "https://omidjonob.ir/no-such-post/",
        "--from-archive",
        "--mirror",
        str(tmp_path / "mirror"),
        "--golden",
        str(tmp_path / "golden"),
        mirror_url=crawled["mirror"],
        database_url=crawled["database_url"],
        ARCHIVE_DIR=str(crawled["archive"]),
    )
    assert missing.returncode == 1
    assert "NOT RECORDED https://omidjonob.ir/no-such-post/: not in the archive" in missing.stdout


def test_the_desk_links_an_article_to_its_archived_page_served_from_the_archive(crawled, tmp_path, monkeypatch):
    from tests.test_desk import served

    database_url = copy_of(crawled, tmp_path)
    monkeypatch.setenv("ARCHIVE_DIR", str(crawled["archive"]))
    (article,) = rows(database_url, "select * from articles where source = 'imo' order by id limit 1")
    link = f"/-/archive/{article['archive_file']}/{article['archive_offset']}?digest={article['archive_digest']}"
    page, archived, wrong = served(
        tmp_path / "articles.db",
        f"/articles/articles/{article['id']}",
        link,
        link.replace("?digest=sha1:", "?digest=sha1:X"),
    )
    assert page.status_code == 200 and f'href="{link}"'.replace("&", "&amp;") in page.text
    assert archived.status_code == 200 and archived.headers["content-security-policy"] == "sandbox"
    assert (
        archived.content
        == read_record(
            crawled["archive"],
            ArchivedRecord(article["archive_file"], article["archive_offset"], article["archive_digest"]),
        ).body
    )
    assert wrong.status_code == 404


def test_reextract_refuses_an_unknown_source_or_span_before_reading_anything(crawled):
    options = {
        "mirror_url": crawled["mirror"],
        "database_url": crawled["database_url"],
        "ARCHIVE_DIR": str(crawled["archive"]),
    }
    unknown = scrapy_cli("reextract", "tehran", **options)
    assert unknown.returncode == 2 and "unknown source tehran (sources: hamshahri, imo" in unknown.stderr
    span = scrapy_cli("reextract", "--since", "soon", **options)
    assert span.returncode == 2 and "--since 'soon' is not a span of time" in span.stderr
    recent = scrapy_cli("reextract", "imo", "--since", "2d", "--dry-run", **options)
    assert recent.returncode == 0 and recent.stdout.splitlines()[0].startswith("imo: 5 read again, 0 would change")
