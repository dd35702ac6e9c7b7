"""The WordPress sources through their REST API, end to end: the mirror's API (tests/support/wpapi_mirror.py) over
real HTTP into a real SQLite file. The same articles as the HTML golden files, with exact instants; the
same stop at stored posts; a closed API read through the HTML; edits caught by «modified_gmt»; the
self-check of the HTML reader against the posts."""

from __future__ import annotations

import json
import math
import re
import shutil
import sqlite3
import urllib.request
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from crawler.extract.dates import parse_day_bound
from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer, mirror_path
from crawler.sources.discovery import WordPressApi
from crawler.sources.wpapi import API_ROOT, post_url, posts_url
from tests.conftest import scrapy_cli, stored_articles
from tests.golden import GOLDEN_ROOT
from tests.support.served import SPIDERS, WORDPRESS_HOSTS, Fault, RecordingMirror, copy_mirror

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

SOURCES = tuple(WORDPRESS_HOSTS)
# The fields a post gives (the rest come from its page, as the source's spider declares).
FROM_THE_POST = ("news_code", "title", "lead", "body", "published_at", "category", "tags")


def golden_items(source: str) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text())["item"] for path in (GOLDEN_ROOT / source).glob("*.json")}


def exact_instants(source: str) -> dict[str, str]:
    return json.loads((GOLDEN_ROOT / source / "api" / "published_at.json").read_text())


def stored(database_url: str, source: str) -> dict[str, dict]:
    """The source's rows, `published_at` on Tehran's clock (conftest.stored_articles)."""
    return {code: row for code, row in stored_articles(database_url).items() if row["source"] == source}


def runs(database_url: str, source: str) -> list[dict]:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return [
            dict(row) for row in connection.execute("select * from crawl_runs where source = ? order by id", (source,))
        ]


def summary(stdout: str, source: str) -> dict[str, str]:
    """The source's row of the end-of-run table, by column (cells are aligned under their headers)."""
    lines = stdout.splitlines()
    header = next(line for line in lines if line.startswith("source"))
    row = next(line for line in lines if line.startswith(source + " "))
    starts = [header.index(f" {name}") + 1 if i else 0 for i, name in enumerate(header.split())]
    return {
        name: row[start:end].strip() for name, start, end in zip(header.split(), starts, [*starts[1:], len(row) + 1])
    }


def home(source: str) -> str:
    api = SPIDERS.load(source).strategy(WordPressApi)
    assert api is not None, f"{source} reads no REST API"
    return api.home


def host(source: str) -> str:
    hostname = urlsplit(home(source)).hostname
    assert hostname, home(source)
    return hostname


def site_path(url: str) -> str:
    """The path a request of the URL has at the mirror, as the recording mirror notes it."""
    parts = urlsplit(url)
    return f"/{parts.hostname}{unquote(parts.path)}"


def api_requests(paths: list[str], route: str) -> list[dict[str, list[str]]]:
    """The query of each request of an API route («posts», «tags»), in order; not the counts of a month's posts
    (once a day, for coverage)."""
    queries = [parse_qs(urlsplit(path).query) for path in paths if urlsplit(path).path.endswith(f"/{API_ROOT}{route}")]
    return [query for query in queries if "before" not in query]


def crawl(source: str, server_url: str, database_url: str, *options: str):
    result = scrapy_cli("crawl", source, *options, mirror_url=server_url, database_url=database_url)
    assert "spider_exceptions" not in result.stderr, result.stderr[-3000:]
    return result


@pytest.mark.parametrize("source", SOURCES)
def test_the_api_path_stores_the_golden_articles_with_exact_instants_then_costs_two_requests(source, database_url):
    articles = golden_items(source)
    page_fields = SPIDERS.load(source).strategy(WordPressApi).page_fields
    with RecordingMirror(DEFAULT_ROOT) as server:
        first = crawl(source, server.url, database_url, "-s", "WORDPRESS_API_PER_PAGE=3")
        first_paths = server.served.paths()
        server.served.requests.clear()
        second = crawl(source, server.url, database_url, "-s", "WORDPRESS_API_PER_PAGE=3")
        second_paths = server.served.paths()
    assert first.returncode == 0, first.stdout + first.stderr[-3000:]
    rows = stored(database_url, source)
    assert set(rows) == set(articles)
    instants = exact_instants(source)
    for code, item in articles.items():
        row = rows[code]
        for field in ("url", "title", "lead", "body", "published_jalali", "kicker", "category", "view_count"):
            assert row[field] == item[field], (code, field)
        for field in ("tags", "authors", "images"):
            assert json.loads(row[field]) == item[field], (code, field)
        # The post's instant, to the second, on Tehran's clock; on the day the page prints.
        assert row["published_at"] == instants[code] and instants[code][:10] == item["published_at"][:10]
        provenance = {field: "api" for field in FROM_THE_POST if item[field]}
        provenance.update((field, step) for field, step in item["provenance"].items() if field in page_fields)
        assert json.loads(row["provenance"]) == provenance, code
        post = json.loads(mirror_path(DEFAULT_ROOT, post_url(home(source), int(code))).read_text())
        assert row["modified_at"] == post["modified_gmt"] + "+00:00"

    row = summary(first.stdout, source)
    assert (row["new"], row["dropped"], row["api"], row["agree"], row["status"]) == (
        str(len(articles)),
        "0",
        "api",
        f"{len(articles)}/{len(articles)}",
        "ok",
    )
    # Every page of posts, X-WP-TotalPages of them, newest first; each tag and category name asked once.
    pages = [query["page"] for query in api_requests(first_paths, "posts")]
    assert pages == [[str(n)] for n in range(1, math.ceil(len(articles) / 3) + 1)]
    assert all(
        query["orderby"] == ["date"] and query["order"] == ["desc"] for query in api_requests(first_paths, "posts")
    )
    for taxonomy in ("tags", "categories"):
        asked = [term for query in api_requests(first_paths, taxonomy) for term in query["include"][0].split(",")]
        assert len(asked) == len(set(asked)) and len(api_requests(first_paths, taxonomy)) <= len(pages)
    # Every post's page, once; nothing of the HTML path (listings, feed, sitemaps).
    article_pages = [path for path in first_paths if API_ROOT not in path and not path.endswith("/robots.txt")]
    assert sorted(article_pages) == sorted(site_path(item["url"]) for item in articles.values())

    # Nothing new: robots.txt and the first page of posts, which holds only stored posts.
    assert second.returncode == 0, second.stderr[-3000:]
    assert len(second_paths) == 2 and second_paths[0].endswith("/robots.txt")
    assert api_requests(second_paths, "posts")[0]["page"] == ["1"]
    row = summary(second.stdout, source)
    assert (row["new"], row["updated"], row["known"], row["pages"], row["api"]) == ("0", "0", "3", "2", "api")
    first_run, second_run = runs(database_url, source)
    assert (first_run["api"], first_run["api_agreements"], first_run["api_disagreements"]) == ("open", len(articles), 0)
    assert (second_run["api"], second_run["api_agreements"], second_run["pages"]) == ("open", 0, 2)


CLOSED = {
    "401": Fault([(401, {})]),
    "403": Fault([(403, {})]),
    "404": Fault([(404, {})]),
    "rest_disabled": Fault(
        [(403, {"Content-Type": "application/json; charset=UTF-8"})],
        b'{"code":"rest_disabled","message":"The REST API is disabled on this site.","data":{"status":403}}',
    ),
    "html answer": Fault([(200, {})], b"<!DOCTYPE html><html><body><h1>Hello from the theme</h1></body></html>"),
    "not posts": Fault([(200, {"Content-Type": "application/json"})], b'{"namespace":"wp/v2","routes":{}}'),
    "malformed json": Fault([(200, {"Content-Type": "application/json"})], b'[{"id": 9512, "link": "https://news.'),
}


@pytest.mark.parametrize("answer", CLOSED)
def test_a_closed_api_is_read_through_the_html_and_said_so(answer, database_url):
    articles = golden_items("semnan")
    posts = f"/{host('semnan')}/{API_ROOT}posts"
    with RecordingMirror(DEFAULT_ROOT, faults={posts: CLOSED[answer]}) as server:
        result = crawl("semnan", server.url, database_url)
        paths = server.served.paths()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    # The same articles as the HTML path gives, every one of them.
    rows = stored(database_url, "semnan")
    assert set(rows) == set(articles)
    for code, item in articles.items():
        assert (rows[code]["title"], rows[code]["body"], rows[code]["published_at"]) == (
            item["title"],
            item["body"],
            item["published_at"],
        )
        assert json.loads(rows[code]["provenance"]) == item["provenance"]
    row = summary(result.stdout, "semnan")
    assert (row["api"], row["agree"], row["status"]) == ("closed", "-", "ok")
    if answer == "malformed json":
        assert "malformed json 1" in row["faults"]
    # Said once, with how the site refused; asked once.
    assert result.stderr.count("the REST API is closed") == 1
    assert {
        "401": "HTTP 401",
        "403": "HTTP 403",
        "404": "HTTP 404",
        "rest_disabled": "HTTP 403 rest_disabled",
        "html answer": "an HTML answer",
        "not posts": "JSON that is not a list of posts",
        "malformed json": "malformed JSON",
    }[answer] in runs(database_url, "semnan")[0]["api"]
    assert len(api_requests(paths, "posts")) == 1 and f"/{host('semnan')}/" in paths


def test_a_post_edited_since_it_was_stored_is_read_again_and_its_old_version_kept(tmp_path, database_url):
    root = copy_mirror(tmp_path / "mirror")
    with RecordingMirror(root) as server:
        assert crawl("omidjonoob", server.url, database_url).returncode == 0
        server.served.requests.clear()
        # The site edits post 15208: a new title, and WordPress moves its modified_gmt.
        old_title = golden_items("omidjonoob")["15208"]["title"]
        new_title = old_title + " (اصلاحیه)"
        listing = mirror_path(root, posts_url(home("omidjonoob"), 1, 10))
        posts = json.loads(listing.read_text())
        edited = next(post for post in posts if post["id"] == 15208)
        edited["title"]["rendered"] = new_title
        edited["modified_gmt"] = "2022-10-26T08:00:00"
        listing.write_text(json.dumps(posts, ensure_ascii=False))
        page = mirror_path(root, edited["link"])
        page.write_text(re.sub(r'(<h1 class="news-title">)[^<]*', rf"\g<1>{new_title}", page.read_text()))
        result = crawl("omidjonoob", server.url, database_url)
        paths = server.served.paths()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    row = summary(result.stdout, "omidjonoob")
    assert (row["new"], row["updated"], row["agree"], row["status"]) == ("0", "1", "1/1", "ok")
    article = stored(database_url, "omidjonoob")["15208"]
    assert (article["title"], article["modified_at"]) == (new_title, "2022-10-26T08:00:00+00:00")
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        versions = connection.execute("select title from article_versions").fetchall()
    assert versions == [(old_title,)]
    # Only that post's page among the articles.
    assert [path for path in paths if API_ROOT not in path and not path.endswith("robots.txt")] == [
        site_path(edited["link"])
    ]


def test_a_page_that_disagrees_with_its_post_is_counted_and_fails_the_source(tmp_path, database_url):
    root = copy_mirror(tmp_path / "mirror")
    # The theme prints post 9015's day wrong: ۲۱ آذر on the site's metadata-less page, ۲۲ here.
    page = mirror_path(root, golden_items("semnan")["9015"]["url"])
    html = page.read_text()
    assert html.count("۲۱ آذر ۱۴۰۰") >= 1
    page.write_text(html.replace("۲۱ آذر ۱۴۰۰", "۲۲ آذر ۱۴۰۰"))
    with MirrorServer(root) as server:
        result = crawl("semnan", server.url, database_url)
    assert result.returncode == 1, result.stdout
    row = summary(result.stdout, "semnan")
    assert row["agree"] == "6/7" and "1 of 7 pages disagree with the REST API" in row["status"]
    assert "NEEDS ATTENTION: semnan" in result.stdout
    assert "disagrees with the REST API on date" in result.stderr
    run = runs(database_url, "semnan")[0]
    assert (run["api_agreements"], run["api_disagreements"]) == (6, 1)
    # The article is stored with the post's date, not the page's.
    assert stored(database_url, "semnan")["9015"]["published_at"] == exact_instants("semnan")["9015"]


def test_a_backfill_asks_for_the_posts_after_its_date(database_url):
    since = "1400-09-01"
    expected = {
        code
        for code, instant in exact_instants("semnan").items()
        if datetime.fromisoformat(instant) >= parse_day_bound(since)
    }
    with RecordingMirror(DEFAULT_ROOT) as server:
        result = crawl("semnan", server.url, database_url, "-a", f"since={since}")
        paths = server.served.paths()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert set(stored(database_url, "semnan")) == expected
    assert [query["after"] for query in api_requests(paths, "posts")] == [["2021-11-21T20:30:00Z"]]
    assert not [path for path in paths if "sitemap" in path or "/feed/" in path]


def test_the_mirror_sends_a_file_s_own_headers(tmp_path):
    shutil.copytree(DEFAULT_ROOT / "rasht.ir", tmp_path / "rasht.ir")
    url = posts_url(home("rasht"), 1, 3)
    with (
        MirrorServer(tmp_path) as server,
        urllib.request.urlopen(server.url + "/" + url.split("://", 1)[1]) as answer,
    ):
        headers, posts = answer.headers, json.load(answer)
    assert (headers["X-WP-TotalPages"], headers["X-WP-Total"], headers["Content-Type"]) == (
        "2",
        "5",
        "application/json",
    )
    assert [post["id"] for post in posts] == [24302, 24110, 23905]


def test_refetch_asks_the_api_for_the_post_by_id_or_by_slug_then_reads_its_page(database_url):
    semnan, omidjonoob = golden_items("semnan")["8731"], golden_items("omidjonoob")["16002"]
    with RecordingMirror(DEFAULT_ROOT) as server:
        # A shortlink carries the post id; a permalink only its slug.
        result = scrapy_cli(
            "refetch",
            "https://news.semnan.ir/?p=8731",
            omidjonoob["url"],
            mirror_url=server.url,
            database_url=database_url,
        )
        paths = server.served.paths()
    assert result.returncode == 0, result.stderr[-3000:]
    decoder, text, records = json.JSONDecoder(), result.stdout.strip(), []
    while text:
        record, end = decoder.raw_decode(text)
        records.append(record)
        text = text[end:].strip()
    by_code = {record["news_code"]: record for record in records}
    for source, item in (("semnan", semnan), ("omidjonoob", omidjonoob)):
        record = by_code[item["news_code"]]
        assert (record["url"], record["title"], record["body"], record["kicker"]) == (
            item["url"],
            item["title"],
            item["body"],
            item["kicker"],
        )
        assert record["published_at"] == exact_instants(source)[item["news_code"]]
        assert record["provenance"]["published_at"] == "api"
    assert len(api_requests(paths, "posts/8731")) == 1
    assert [query["slug"] for query in api_requests(paths, "posts")] == [
        [unquote(urlsplit(omidjonoob["url"]).path.strip("/"))]
    ]
    assert site_path(semnan["url"]) in paths and site_path(omidjonoob["url"]) in paths


def test_malformed_json_of_tag_names_is_a_counted_fault_and_loses_no_article(database_url):
    tags = f"/{host('rasht')}/{API_ROOT}tags"
    malformed = Fault([(200, {"Content-Type": "application/json"})], b'[{"id": 100, "name": "')
    with RecordingMirror(DEFAULT_ROOT, faults={tags: malformed}) as server:
        result = crawl("rasht", server.url, database_url)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    rows = stored(database_url, "rasht")
    assert set(rows) == set(golden_items("rasht"))
    assert all(json.loads(row["tags"]) == [] for row in rows.values())  # the names were unreadable
    row = summary(result.stdout, "rasht")
    assert (row["faults"], row["api"], row["status"]) == ("1 (malformed json 1)", "api", "ok")
    assert "the names of tags" in result.stderr and "unreadable" in result.stderr


def test_without_x_wp_totalpages_a_full_page_is_followed_and_a_400_past_the_last_ends_the_walk(tmp_path, database_url):
    root = copy_mirror(tmp_path / "mirror")
    for headers in (root / host("semnan")).rglob("*.headers"):  # a proxy that drops the API's headers
        headers.unlink()
    # Seven posts, three a page: pages 1 and 2 are full; the site answers page 3 with its 400 (here it
    # stands for the page past the last one).
    past_the_last = urlsplit(posts_url(home("semnan"), 3, 3))
    fault = {f"/{host('semnan')}{past_the_last.path}?{unquote(past_the_last.query)}": Fault([(400, {})])}
    with RecordingMirror(root, faults=fault) as server:
        result = crawl("semnan", server.url, database_url, "-s", "WORDPRESS_API_PER_PAGE=3")
        paths = server.served.paths()
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert [query["page"] for query in api_requests(paths, "posts")] == [["1"], ["2"], ["3"]]
    assert summary(result.stdout, "semnan")["api"] == "api" and "REST API is closed" not in result.stderr
    assert len(stored(database_url, "semnan")) == 6
    assert not [path for path in paths if "/page/" in path or "/feed/" in path]


def test_a_closed_api_is_remembered_for_a_day_then_asked_again(database_url):
    posts = f"/{host('semnan')}/{API_ROOT}posts"
    # The site refuses the API once (the first run), then serves it again.
    refused = Fault(
        [(403, {"Content-Type": "application/json; charset=UTF-8"})],
        b'{"code":"rest_disabled","message":"The REST API is disabled on this site.","data":{"status":403}}',
    )
    today, tomorrow = "2026-12-04T10:00:00+00:00", "2026-12-05T10:00:01+00:00"
    paths = []
    results = []
    with RecordingMirror(DEFAULT_ROOT, faults={posts: refused}) as server:
        for clock in (today, today, tomorrow):
            before = len(server.served.paths(host("semnan")))
            results.append(crawl("semnan", server.url, database_url, "-s", f"CLOCK_NOW={clock}"))
            paths.append(server.served.paths(host("semnan"))[before:])
    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    first, quiet, next_day = results
    assert summary(first.stdout, "semnan")["api"] == "closed" and sum(posts in path for path in paths[0]) == 1
    # The same day, nothing new: robots.txt and the home page's listing; the API not asked.
    assert len(paths[1]) <= 2 and not any(API_ROOT in path for path in paths[1]), paths[1]
    assert summary(quiet.stdout, "semnan")["api"] == "closed"
    assert runs(database_url, "semnan")[1]["api"].startswith("closed: HTTP 403 rest_disabled (since 2026-12-04 10:00")
    # A day later it is asked again, answers, and is forgotten as closed.
    assert any(posts in path for path in paths[2]) and summary(next_day.stdout, "semnan")["api"] == "api"
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        assert connection.execute("select count(*) from closed_apis").fetchone()[0] == 0
