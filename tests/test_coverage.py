"""Coverage (crawler/sources/coverage.py): a source's stored articles against what its site declares, by the
best evidence the site gives, in the summary, `crawl_runs` and `scrapy report`; the holes of a range of
sequential codes filled, a withdrawn code (404) remembered and not asked again; a run with nothing new still
cheap."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from crawler.fetch.mirror_server import DEFAULT_ROOT
from tests.conftest import scrapy_cli, stored_articles
from tests.support.served import Fault, RecordingMirror

# Every test here crawls, or runs the scrapy command, through a server on loopback.
pytestmark = pytest.mark.crawl

HOST = "www.sequential.test"
ARTICLE = DEFAULT_ROOT / "www.hamshahrionline.ir" / "news" / "962182" / "فروزنده-نواحی"
#: Codes 101..108: four listed, two published but linked from no listing, one withdrawn (404), one a photo
#: gallery sharing the numbering (no article).
LISTED, UNLINKED, WITHDRAWN, GALLERY = (108, 104, 103, 101), (106, 102), 107, 105
REGISTRY = f"""
[sequential]
site_name = "همشهری آنلاین"
hosts = ["{HOST}"]
family = "nastooh"
code_url = "https://{HOST}/news/{{code}}/"

[[sequential.discovery]]
kind = "listing"
url = "https://{HOST}/archive"
links = "section.list .items li h3 a::attr(href)"
"""


def sequential_site(root: Path) -> Path:
    """A Nastooh-style site numbering its news 101..108, its pages Hamshahri's article under each code."""
    site = root / HOST
    page = ARTICLE.read_text(encoding="utf-8").replace("www.hamshahrionline.ir", HOST)
    for code in (*LISTED, *UNLINKED):
        (site / "news" / str(code)).mkdir(parents=True)
        (site / "news" / str(code) / "index.html").write_text(page.replace("962182", str(code)), encoding="utf-8")
    (site / "news" / str(GALLERY)).mkdir(parents=True)
    (site / "news" / str(GALLERY) / "index.html").write_text(
        '<!DOCTYPE html><html lang="fa"><head><meta charset="utf-8"><title>گالری</title></head><body>'
        '<div class="gallery"><img src="/1.jpg" alt=""><img src="/2.jpg" alt=""></div></body></html>',
        encoding="utf-8",
    )
    items = "".join(f'<li class="news"><h3><a href="/news/{code}/">خبر {code}</a></h3></li>' for code in LISTED)
    (site / "archive").write_text(
        f'<!DOCTYPE html><html lang="fa"><head><meta charset="utf-8"><title>آرشیو</title>'
        f'</head><body><section class="list"><ul class="items">{items}</ul></section>'
        f"</body></html>",
        encoding="utf-8",
    )
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /search\n", encoding="utf-8")
    return root


def summary_row(stdout: str, source: str) -> dict[str, str]:
    """The source's row of the end-of-run table, by its columns' places (a cell may hold spaces)."""
    lines = stdout.splitlines()
    header = next(line for line in lines if line.startswith("source "))
    row = next(line for line in lines if line.startswith(source + " "))
    starts = [match.start() for match in re.finditer(r"\S+", header)]
    return {header[start:end].strip(): row[start:end].strip() for start, end in zip(starts, [*starts[1:], None])}


def runs(database_url: str, source: str) -> list[sqlite3.Row]:
    """The source's rows of crawl_runs, the first run's first."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute("select * from crawl_runs where source = ? order by id", (source,)).fetchall()


def test_sequential_codes_are_filled_to_every_published_one_and_a_withdrawn_code_is_not_asked_again(
    tmp_path, database_url
):
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    env = {"SOURCES_FILE": str(registry)}
    with RecordingMirror(sequential_site(tmp_path / "mirror")) as server:
        first = scrapy_cli("crawl", "sequential", mirror_url=server.url, database_url=database_url, **env)
        first_paths = server.served.paths(HOST)
        second = scrapy_cli("crawl", "sequential", mirror_url=server.url, database_url=database_url, **env)
        second_paths = server.served.paths(HOST)[len(first_paths) :]
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert set(stored_articles(database_url)) == {str(code) for code in (*LISTED, *UNLINKED)}
    # The holes were asked for directly, once each: the unlinked articles found, the withdrawn code answered 404,
    # the gallery no article.
    for code in (*UNLINKED, WITHDRAWN, GALLERY):
        assert first_paths.count(f"/{HOST}/news/{code}/") == 1, first_paths
    run = runs(database_url, "sequential")[-1]
    assert (run["coverage_stored"], run["coverage_declared"], run["coverage_evidence"]) == (6, 6, "code range")
    assert summary_row(first.stdout, "sequential")["coverage"] == "100%(6/6)"
    assert summary_row(second.stdout, "sequential")["status"] == "ok"
    # Nothing new: the listing's first page (and robots.txt); neither the withdrawn code nor the gallery asked again.
    assert not any(f"/news/{code}/" in path for path in second_paths for code in (WITHDRAWN, GALLERY)), second_paths
    assert len(second_paths) <= 3, second_paths
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        withdrawn = connection.execute("select news_code, status from unpublished_codes order by news_code").fetchall()
    assert withdrawn == [(str(GALLERY), 200), (str(WITHDRAWN), 404)]


WP_HOST = "omidjonob.ir"


def test_a_wordpress_api_declaring_more_posts_than_its_walk_lists_is_coverage_below_its_threshold(
    tmp_path, database_url
):
    mirror = tmp_path / "mirror"
    shutil.copytree(DEFAULT_ROOT / WP_HOST, mirror / WP_HOST)
    headers = next((mirror / WP_HOST / "wp-json" / "wp" / "v2").glob("posts?*page=1&per_page=10.headers"))
    declared = headers.read_text().replace("X-WP-Total: 5", "X-WP-Total: 40")
    assert declared != headers.read_text()
    headers.write_text(declared)
    with RecordingMirror(mirror) as server:
        crawled = scrapy_cli("crawl", "omidjonoob", mirror_url=server.url, database_url=database_url)
        report = scrapy_cli(
            "report",
            "--sources",
            "omidjonoob",
            "-o",
            str(tmp_path / "report.json"),
            mirror_url=server.url,
            database_url=database_url,
        )
        # A source whose site declares more than it shows can be given a lower share of its own.
        lowered = scrapy_cli(
            "crawl",
            "omidjonoob",
            "-s",
            'COVERAGE_MINIMA={"omidjonoob": 0.1}',
            mirror_url=server.url,
            database_url=database_url,
        )
    stored = len(stored_articles(database_url))
    assert crawled.returncode == 1, crawled.stdout[-3000:] + crawled.stderr[-3000:]
    row = summary_row(crawled.stdout, "omidjonoob")
    assert row["coverage"] == f"{stored / 40:.0%}({stored}/40)"
    assert row["status"] == f"coverage: {stored} of 40 ({stored / 40:.0%}) by api total, below 95%"
    run = runs(database_url, "omidjonoob")[0]
    assert (run["coverage_stored"], run["coverage_declared"], run["coverage_evidence"]) == (stored, 40, "api total")
    assert "coverage: " in run["problems"]
    assert report.returncode == 0, report.stderr[-3000:]
    assert f"coverage {stored} of 40 ({stored / 40:.0%}) by api total" in report.stdout
    assert lowered.returncode == 0, lowered.stdout[-3000:]
    assert summary_row(lowered.stdout, "omidjonoob")["status"] == "ok"
    coverage = json.loads((tmp_path / "report.json").read_text())["sources"][0]["coverage"]
    assert {key: coverage[key] for key in ("stored", "declared", "evidence")} == {
        "stored": stored,
        "declared": 40,
        "evidence": "api total",
    }


def test_a_sitemap_listing_articles_no_listing_shows_is_read_to_all_of_them_in_a_backfill(tmp_path, database_url):
    registry = tmp_path / "sources.toml"
    registry.write_text(
        REGISTRY + f'\n[[sequential.discovery]]\nkind = "sitemap"\nurl = "https://{HOST}/sitemap.xml"\n',
        encoding="utf-8",
    )
    root = sequential_site(tmp_path / "mirror")
    urls = "".join(f"<url><loc>https://{HOST}/news/{code}/</loc></url>" for code in sorted((*LISTED, *UNLINKED)))
    (root / HOST / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    with RecordingMirror(root) as server:
        crawled = scrapy_cli(
            "crawl",
            "sequential",
            "-a",
            "since=1390-01-01",
            "-s",
            "HOLE_PROBES_PER_RUN=0",
            mirror_url=server.url,
            database_url=database_url,
            SOURCES_FILE=str(registry),
        )
    assert crawled.returncode == 0, crawled.stdout[-3000:] + crawled.stderr[-3000:]
    assert set(stored_articles(database_url)) == {str(code) for code in (*LISTED, *UNLINKED)}
    run = runs(database_url, "sequential")[-1]
    assert (run["coverage_stored"], run["coverage_declared"], run["coverage_evidence"]) == (6, 6, "sitemap")
    assert summary_row(crawled.stdout, "sequential")["coverage"] == "100%(6/6)"


def sitemap_site(root: Path) -> Path:
    """The sequential site with a sitemap listing its six articles, the unlinked ones newest."""
    root = sequential_site(root)
    day = {code: f"2025-07-{code - 90:02d}T10:00:00+03:30" for code in (*LISTED, *UNLINKED)}
    day[UNLINKED[0]], day[UNLINKED[1]] = "2025-07-30T10:00:00+03:30", "2025-07-29T10:00:00+03:30"
    urls = "".join(
        f"<url><loc>https://{HOST}/news/{code}/</loc><lastmod>{day[code]}</lastmod></url>"
        for code in sorted((*LISTED, *UNLINKED))
    )
    (root / HOST / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    return root


def test_an_ordinary_run_counts_the_sitemap_once_a_day_and_fetches_what_it_lists_within_its_budget(
    tmp_path, database_url
):
    registry = tmp_path / "sources.toml"
    registry.write_text(
        REGISTRY + f'\n[[sequential.discovery]]\nkind = "sitemap"\nurl = "https://{HOST}/sitemap.xml"\n',
        encoding="utf-8",
    )
    env = {"SOURCES_FILE": str(registry)}
    # No probes of the codes: the sitemap alone names the unlinked articles; one of them a run.
    settings = ["-s", "HOLE_PROBES_PER_RUN=0", "-s", "SITEMAP_HOLES_PER_RUN=1"]
    paths: list[list[str]] = []
    results = []
    with RecordingMirror(sitemap_site(tmp_path / "mirror")) as server:
        for clock in ("2026-12-04T10:00:00+00:00",) * 3 + ("2026-12-05T10:00:01+00:00",):
            before = len(server.served.paths(HOST))
            results.append(
                scrapy_cli(
                    "crawl",
                    "sequential",
                    *settings,
                    "-s",
                    f"CLOCK_NOW={clock}",
                    mirror_url=server.url,
                    database_url=database_url,
                    **env,
                )
            )
            paths.append(server.served.paths(HOST)[before:])
    first, second, quiet, next_day = results
    sitemap = f"/{HOST}/sitemap.xml"
    # The first run: the listing's four and the newest unlinked one; the other left for the next run.
    assert first.returncode == 1, first.stdout[-3000:] + first.stderr[-3000:]
    assert summary_row(first.stdout, "sequential")["coverage"] == "83%(5/6)"
    assert paths[0].count(f"/{HOST}/news/{UNLINKED[0]}/") == 1 and f"/{HOST}/news/{UNLINKED[1]}/" not in paths[0]
    # The second reads the sitemap again, since it left an article, and fetches it.
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert sitemap in paths[1] and paths[1].count(f"/{HOST}/news/{UNLINKED[1]}/") == 1
    assert summary_row(second.stdout, "sequential")["coverage"] == "100%(6/6)"
    assert set(stored_articles(database_url)) == {str(code) for code in (*LISTED, *UNLINKED)}
    # Nothing new, the sitemap counted today: robots.txt and the listing's first page, its coverage remembered.
    assert quiet.returncode == 0 and sitemap not in paths[2] and len(paths[2]) <= 2, paths[2]
    row = runs(database_url, "sequential")[2]
    assert (row["coverage_stored"], row["coverage_declared"], row["coverage_evidence"]) == (6, 6, "sitemap")
    # A day later the sitemap is counted again (and the stored articles checked again: revisits).
    assert next_day.returncode == 0 and paths[3].count(sitemap) == 1, paths[3]


def test_a_wordpress_api_declaring_a_post_its_walk_passed_by_has_it_read_from_its_further_pages(tmp_path, database_url):
    mirror = tmp_path / "mirror"
    shutil.copytree(DEFAULT_ROOT / WP_HOST, mirror / WP_HOST)
    api = mirror / WP_HOST / "wp-json" / "wp" / "v2"
    pages = [next(api.glob(f"posts?*page={number}&per_page=3")) for number in (1, 2)]
    headers = [page.with_name(page.name + ".headers") for page in pages]
    kept = {path: path.read_text() for path in (pages[1], *headers)}
    # The first run finds four posts; post 11210 is published afterwards with an older date (an import, a post
    # dated back), so it lands on page 2, below what the walk knows complete.
    posts = json.loads(kept[pages[1]])
    pages[1].write_text(json.dumps([post for post in posts if post["id"] != 11210], ensure_ascii=False))
    for path in headers:
        path.write_text(kept[path].replace("X-WP-Total: 5", "X-WP-Total: 4"))
    settings = ["-s", "WORDPRESS_API_PER_PAGE=3"]
    paths = []
    with RecordingMirror(mirror) as server:
        results = []
        for run in range(3):
            if run == 1:
                for path, text in kept.items():
                    path.write_text(text)
            before = len(server.served.paths(WP_HOST))
            results.append(
                scrapy_cli("crawl", "omidjonoob", *settings, mirror_url=server.url, database_url=database_url)
            )
            paths.append(server.served.paths(WP_HOST)[before:])
    for result in results:
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    first, second, quiet = results
    assert summary_row(first.stdout, "omidjonoob")["coverage"] == "100%(4/4)"
    # The walk stops at the stored first page; the check reads page 2 and the post missing there.
    assert summary_row(second.stdout, "omidjonoob")["coverage"] == "100%(5/5)"
    assert "11210" in stored_articles(database_url) and len(stored_articles(database_url)) == 5
    assert sum("page=2&per_page=3" in path for path in paths[1]) == 1, paths[1]
    assert "'holes/api_pages': 1" in second.stderr
    # Nothing new: robots.txt and the first page of posts.
    assert len(paths[2]) == 2, paths[2]
    assert summary_row(quiet.stdout, "omidjonoob")["coverage"] == "100%(5/5)"


def test_a_code_redirecting_to_another_code_is_remembered_and_not_probed_again(tmp_path, database_url):
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    env = {"SOURCES_FILE": str(registry)}
    root = sequential_site(tmp_path / "mirror")
    # Code 102 is now an alias: the site redirects it to 104's article (listed, read by the walk first).
    shutil.rmtree(root / HOST / "news" / "102")
    alias = f"/{HOST}/news/102/"
    with RecordingMirror(root, faults={alias: Fault([(301, {"Location": "/news/104/"})])}) as server:
        first = scrapy_cli("crawl", "sequential", mirror_url=server.url, database_url=database_url, **env)
        before = len(server.served.paths(HOST))
        second = scrapy_cli("crawl", "sequential", mirror_url=server.url, database_url=database_url, **env)
        second_paths = server.served.paths(HOST)[before:]
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert alias not in second_paths and len(second_paths) <= 2, second_paths
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        remembered = dict(connection.execute("select news_code, status from unpublished_codes").fetchall())
    assert remembered == {"102": 301, str(WITHDRAWN): 404, str(GALLERY): 200}
    # Stored: the listed articles and 106; the alias is no article of its own, so the range holds five.
    assert set(stored_articles(database_url)) == {str(code) for code in (*LISTED, 106)}
    assert summary_row(second.stdout, "sequential")["coverage"] == "100%(5/5)"


@pytest.mark.parametrize(
    "clock, status",
    [
        # A day after the articles: every code of the range is in the window, half of them missing.
        ("2025-07-14T12:00:00+00:00", "coverage: 4 of 8 (50%) by code range in the last 30d, below 95%"),
        # Forty days after: no stored code was published in the window, so nothing recent is missing.
        ("2025-08-22T12:00:00+00:00", "ok"),
    ],
)
def test_the_coverage_status_judges_the_articles_of_the_last_30_days(tmp_path, database_url, clock, status):
    registry = tmp_path / "sources.toml"
    registry.write_text(REGISTRY, encoding="utf-8")
    with RecordingMirror(sequential_site(tmp_path / "mirror")) as server:
        crawled = scrapy_cli(
            "crawl",
            "sequential",
            "-s",
            "HOLE_PROBES_PER_RUN=0",
            "-s",
            f"CLOCK_NOW={clock}",
            mirror_url=server.url,
            database_url=database_url,
            SOURCES_FILE=str(registry),
        )
    row = summary_row(crawled.stdout, "sequential")
    # The whole range: codes 101 to 108, four of them stored (the holes are not probed).
    assert row["coverage"] == "50%(4/8)"
    assert row["status"] == status, crawled.stdout[-3000:]
    assert crawled.returncode == (0 if status == "ok" else 1)


@pytest.mark.parametrize("month_total, status", [(2, "ok"), (12, "coverage: 3 of 13 (23%) by api total in the last ")])
def test_a_wordpress_api_is_judged_over_the_last_30_days_by_its_counts_of_their_months(
    tmp_path, database_url, month_total, status
):
    """omidjonoob's newest posts are of Jalali 1401-08 (two) and 1401-09 (one): on 1401-09-19 the last 30 days lie
    in these two months, which the API counts; whatever its total, the status judges them."""
    mirror = tmp_path / "mirror"
    shutil.copytree(DEFAULT_ROOT / WP_HOST, mirror / WP_HOST)
    counts = mirror / WP_HOST / "wp-json" / "wp" / "v2"
    aban = next(counts.glob("posts?_fields=id&after=2022-10-22T*.headers"))
    aban.write_text(aban.read_text().replace("X-WP-Total: 2", f"X-WP-Total: {month_total}"))
    with RecordingMirror(mirror) as server:
        crawled = scrapy_cli(
            "crawl",
            "omidjonoob",
            "-s",
            "CLOCK_NOW=2022-12-10T10:00:00+00:00",
            mirror_url=server.url,
            database_url=database_url,
        )
    row = summary_row(crawled.stdout, "omidjonoob")
    # The whole figure stays the API's total: every post it declares is stored.
    assert row["coverage"] == "100%(5/5)"
    assert row["status"].startswith(status), crawled.stdout[-3000:]
    if status != "ok":
        assert row["status"].endswith("30d (months 1401-08 to 1401-09), below 95%")
    assert crawled.returncode == (0 if status == "ok" else 1)
