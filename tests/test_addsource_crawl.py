"""`scrapy addsource` then `scrapy crawl NAME`, on the mini-sites of every CMS shape in the mirror
(tests/mirror/*.example-municipality.ir): the crawl stores every article of the site with its title, day and
news code, and no other page; a second crawl costs at most 3 requests; `scrapy refetch` knows the site's
hosts; the summary shows the source. And `scrapy crawl site -a url=`, the one-off crawl of a site no source
describes."""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import unquote

import pytest
import pytest_twisted
import tomli_w
from scrapy.crawler import CrawlerRunner
from scrapy.utils.project import get_project_settings
from w3lib.url import safe_url_string

from crawler.commands.addsource import Command as AddSource
from crawler.sources.site import SiteSpider
from crawler.stats import DOWNLOADER_REQUEST_COUNT, STORE_NEW
from tests.conftest import scrapy_cli
from tests.test_addsource import DAYS, SITES, TITLES, look, slug

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

OLDER = "بازگشایی پل عابر پیاده میدان شهدا"
# The article each paginated site lists on its listing's second page only (not linked from its home page):
# (path, news code); dated as the oldest of the home page's.
SECOND_PAGE = {
    "wp-open.example-municipality.ir": (f"/3805/{slug(OLDER)}/", "3805"),
    "wp-closed.example-municipality.ir": (f"/1405/09/08/{slug(OLDER)}/", "3805"),
    "joomla.example-municipality.ir": ("/akhbar/38-khabar-0", "38"),
    "drupal.example-municipality.ir": ("/node/202", "202"),
    "khabar.example-municipality.ir": (f"/fa/news/1204538/{slug(OLDER)}", "1204538"),
    "portal.example-municipality.ir": ("/ShowNews.aspx?ID=1529", "1529"),
}
# Every shape, and the site that prints no news code.
SHAPES = list(SITES)


def site_articles(host: str) -> dict[str, tuple[str, str, str | None]]:
    """Every article of a mini-site: its URL (percent-escapes decoded), with its title, Jalali day and printed
    news code."""
    articles: list[tuple[str, str | None]] = SITES[host][1]  # type: ignore[assignment]  # SITES mixes kinds per position
    expected = {
        f"https://{host}{path}": (TITLES[number], DAYS[number], code) for number, (path, code) in enumerate(articles)
    }
    if host in SECOND_PAGE:
        path, code = SECOND_PAGE[host]
        expected[f"https://{host}{path}"] = (OLDER, DAYS[0], code)
    return expected


def rows_by_url(database_url: str) -> dict[str, dict]:
    """The stored rows by URL, its percent-escapes decoded (a REST API's links escape in lower case)."""
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return {unquote(row["url"]): dict(row) for row in connection.execute("select * from articles")}


def summary_row(stdout: str, source: str) -> list[str]:
    """The source's row of the end-of-run table, its columns split by spaces (the status is the last)."""
    return next(line for line in stdout.splitlines() if line.startswith(f"{source} ")).split()


async def crawl_in_process(source: str, mirror: str, database_url: str, registry: str) -> dict:
    """One crawl in this process, for its stats."""
    settings = get_project_settings()
    settings.setdict(
        {"MIRROR_URL": mirror, "DATABASE_URL": database_url, "SOURCES_FILE": registry, "LOG_LEVEL": "WARNING"},
        priority="cmdline",
    )
    crawler = CrawlerRunner(settings).create_crawler(source)
    await crawler.crawl()
    return crawler.stats.get_stats()


@pytest.mark.parametrize("host", SHAPES)
@pytest_twisted.ensureDeferred
async def test_addsource_then_crawl_stores_every_article_and_nothing_else(host, mirror, database_url, tmp_path):
    name = host.split(".")[0].replace("-", "_")
    registry = tmp_path / "sources.toml"
    # addsource's look at the site, in this process; its table written as the command writes it.
    found = (await look(mirror, host)).discovery
    AddSource.append(registry, tomli_w.dumps({name: found.table()}))
    env = {"SOURCES_FILE": str(registry)}

    first = scrapy_cli("crawl", name, mirror_url=mirror, database_url=database_url, **env)
    assert first.returncode == 0, first.stderr[-3000:]
    expected = site_articles(host)
    rows = rows_by_url(database_url)
    # Every article, and no other page (category, tag, about, gallery, contact).
    assert set(rows) == set(expected)
    for url, (title, day, code) in expected.items():
        row = rows[url]
        assert (row["source"], row["title"], row["published_jalali"]) == (name, title, day), url
        assert row["news_code"] == code if code else row["news_code"].startswith("h"), url
    # A site whose REST API answers is read from it, the others from their pages.
    api = any(strategy["kind"] == "wordpress_api" for strategy in found.strategies)
    assert {json.loads(row["provenance"])["title"] == "api" for row in rows.values()} == {api}
    row = summary_row(first.stdout, name)
    # new, fallbacks (the steps the samples were read with are the source's norm), status.
    assert (row[2], row[8], row[-1]) == (str(len(expected)), "0", "ok")

    second = await crawl_in_process(name, mirror, database_url, str(registry))
    assert second.get(STORE_NEW, 0) == 0
    assert second[DOWNLOADER_REQUEST_COUNT] <= 3

    url = next(iter(expected))
    refetched = scrapy_cli("refetch", safe_url_string(url), mirror_url=mirror, database_url=database_url, **env)
    assert refetched.returncode == 0, refetched.stderr[-3000:]
    record = json.loads(refetched.stdout)
    assert (record["source"], record["title"], record["published_jalali"]) == (name, *expected[url][:2])


def test_crawl_site_crawls_a_site_no_source_describes(mirror, database_url, tmp_path):
    host = "shahr.example-municipality.ir"
    registry = tmp_path / "sources.toml"
    registry.write_text("", encoding="utf-8")
    result = scrapy_cli(
        "crawl",
        "site",
        "-a",
        f"url=https://{host}/",
        mirror_url=mirror,
        database_url=database_url,
        SOURCES_FILE=str(registry),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = site_articles(host)
    rows = rows_by_url(database_url)
    assert set(rows) == set(expected)
    for url, (title, day, code) in expected.items():
        assert (rows[url]["source"], rows[url]["title"], rows[url]["published_jalali"], rows[url]["news_code"]) == (
            "site_shahr_example_municipality_ir",
            title,
            day,
            code,
        )
    assert summary_row(result.stdout, "site")[-1] == "ok"
    # Nothing registered.
    assert registry.read_text(encoding="utf-8") == ""


def test_crawl_site_on_a_site_that_is_no_source_is_one_line_and_a_failure(mirror, database_url):
    result = scrapy_cli(
        "crawl",
        "site",
        "-a",
        "url=https://empty.example-municipality.ir/",
        mirror_url=mirror,
        database_url=database_url,
        LOG_LEVEL="ERROR",
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[0]
        .endswith(
            "site: https://empty.example-municipality.ir/ is no source: no article found: the home page links to no page "
            "that reads as an article"
        )
    )


@pytest.mark.parametrize(
    ("arguments", "why"),
    [
        ({}, "site: give -a url=https://HOST/, the site's home page"),
        (
            {"url": "ftp://shahr.example-municipality.ir/"},
            "site: give -a url=https://HOST/, the site's home page (not 'ftp://shahr.example-municipality.ir/')",
        ),
        ({"url": "https://shahr.example-municipality.ir/", "api": "0"}, "unknown spider argument(s) -a api"),
        ({"url": "https://shahr.example-municipality.ir/", "pages": "0"}, "-a pages=0: give a whole number"),
    ],
)
def test_crawl_site_refuses_a_missing_or_bad_url_before_any_request(arguments, why):
    with pytest.raises(ValueError) as refused:
        SiteSpider.check_arguments(arguments)
    assert str(refused.value).startswith(why)
