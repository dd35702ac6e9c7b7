"""`scrapy addsource URL`: on mini-sites of seven CMS shapes in the mirror (tests/mirror/*.example-municipality.ir),
the family, the rules, the discovery and the samples it finds; on four sites that are no source, one line,
a non-zero exit and nothing written."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import tomllib
import urllib.request
from pathlib import Path
from typing import cast

import pytest
import pytest_twisted
import tomli_w
from scrapy.crawler import CrawlerRunner
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings
from w3lib.url import safe_url_string

from crawler.commands.addsource import Command as AddSource
from crawler.commands.addsource import SiteLook, description_lines
from crawler.fetch.mirror import mirrored_url
from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from crawler.items import ArticleItem
from crawler.sources.detect import FAMILIES, Discovery, Sample, candidate_site, news_code_rule, read_article, shape_rule
from crawler.sources.registry import DISCOVERY_KEYS, SOURCE_KEYS
from tests.conftest import scrapy_cli
from tests.support.system import need

# Every test here crawls, or runs the scrapy command, through a server on loopback.
pytestmark = pytest.mark.crawl

TITLES = [
    "آغاز عملیات آسفالت معابر محله شهرک ولیعصر",
    "بهره‌برداری از بوستان بانوان در منطقه دو",
    "برگزاری جلسه شورای اسلامی شهر درباره بودجه سال آینده",
    "کاشت دو هزار نهال در کمربند سبز شهر",
    "نصب ایستگاه‌های دوچرخه اشتراکی در مرکز شهر",
]
DAYS = ["1405-09-08", "1405-09-09", "1405-09-10", "1405-09-11", "1405-09-12"]


def slug(title: str) -> str:
    return title.replace(" ", "-")


WORDPRESS_IDS = (3812, 3819, 3826, 3833)
WORDPRESS_OTHERS = ["/category/akhbar/", "/tag/asphalt/", "/about-us/", "/gallery/", "/contact/"]
NASTOOH_IDS = [1204551 + 13 * n for n in range(5)]
# host -> (family, the articles' paths and news codes, the pages linked from the home page that are no article)
SITES = {
    "wp-open.example-municipality.ir": (
        "wordpress",
        [(f"/{code}/{slug(t)}/", str(code)) for code, t in zip(WORDPRESS_IDS, TITLES)],
        WORDPRESS_OTHERS,
    ),
    "wp-closed.example-municipality.ir": (
        "wordpress",
        [(f"/1405/09/{day[-2:]}/{slug(t)}/", str(code)) for code, t, day in zip(WORDPRESS_IDS, TITLES, DAYS)],
        WORDPRESS_OTHERS,
    ),
    "joomla.example-municipality.ir": (
        "joomla",
        [(f"/akhbar/{41 + n}-khabar-{n + 1}", str(41 + n)) for n in range(4)],
        ["/akhbar/", "/component/tags/tag/asphalt", "/about", "/gallery", "/contact-us"],
    ),
    "drupal.example-municipality.ir": (
        "drupal",
        [(f"/node/{205 + 3 * n}", str(205 + 3 * n)) for n in range(4)],
        ["/taxonomy/term/3", "/taxonomy/term/9", "/about", "/gallery", "/contact"],
    ),
    "khabar.example-municipality.ir": (
        "nastooh",
        [(f"/fa/news/{code}/{slug(t)}", str(code)) for code, t in zip(NASTOOH_IDS, TITLES)],
        ["/fa/service/city", "/fa/tag/1/آسفالت", "/fa/about", "/fa/photo", "/fa/contact"],
    ),
    "portal.example-municipality.ir": (
        "aspnet",
        [(f"/ShowNews.aspx?ID={1530 + n}", str(1530 + n)) for n in range(4)],
        ["/NewsArchive.aspx", "/NewsArchive.aspx?Tag=5", "/Page.aspx?Name=About", "/Gallery.aspx", "/Contact.aspx"],
    ),
    "shahr.example-municipality.ir": (
        "generic",
        [(f"/news.php?id={code}", str(code)) for code in (17, 18, 21)],
        ["/news-list.php?tag=asphalt", "/about.php", "/gallery.php", "/contact.php"],
    ),
    # No code printed, none in the URL: the URL's hash, said aloud.
    "rusta.example-municipality.ir": (
        "generic",
        [(f"/khabar/{slug(t)}", None) for t in TITLES[:3]],
        ["/news-list.php?tag=asphalt", "/about.php", "/gallery.php", "/contact.php"],
    ),
}
BLOCKED = "blocked.example-municipality.ir"


@pytest.fixture(scope="module")
def sites_mirror():
    """The mirror, with one site answering 403 to every page addsource asks for."""
    with MirrorServer(DEFAULT_ROOT, faults={f"/{BLOCKED}/": "403", f"/{BLOCKED}/robots.txt": "403"}) as server:
        yield server.url


LOOKS: dict[str, SiteLook] = {}


async def look(mirror: str, host: str) -> SiteLook:
    """addsource's look at a site, in this process (once per site for the module)."""
    if host not in LOOKS:
        settings = get_project_settings()
        settings.setdict({"MIRROR_URL": mirror, "LOG_LEVEL": "WARNING"}, priority="cmdline")
        crawler = CrawlerRunner(settings).create_crawler(SiteLook)
        await crawler.crawl(home=f"https://{host}/", source_name="candidate")
        look = cast(SiteLook, crawler.spider)
        look.requests = crawler.stats.get_value("downloader/request_count")  # type: ignore[attr-defined]  # kept with the look for the tests
        LOOKS[host] = look
    return LOOKS[host]


@pytest.mark.parametrize("host", SITES)
@pytest_twisted.ensureDeferred
async def test_the_family_and_the_rules_fit_the_site(host, sites_mirror):
    family, articles, not_articles = SITES[host]
    found = (await look(sites_mirror, host)).discovery
    assert not found.failure
    assert found.family == family
    rule = re.compile(found.article_url)
    for path, code in articles:
        match = rule.search(f"https://{host}{path}")
        assert match, path
        # The code the URL carries, where the rule takes it from the URL, is the site's news code.
        assert match.groupdict().get("code") in (None, code), path
    # Nor does a crawl with these rules read them as articles.
    site = candidate_site("candidate", found.family, found.hosts, found.article_url)
    for path in not_articles:
        url = safe_url_string(f"https://{host}{path}")
        assert not rule.search(url), path
        with urllib.request.urlopen(mirrored_url(sites_mirror, url)) as answer:
            assert read_article(site, HtmlResponse(url, body=answer.read())) is None, path
    # A printed code, where there is one, leads the news-code rule; the URL's hash only where there is no other.
    assert found.url_hash_only == (articles[0][1] is None)
    assert ("url_hash" in found.news_code) == found.url_hash_only


@pytest.mark.parametrize("host", SITES)
@pytest_twisted.ensureDeferred
async def test_the_samples_are_read_with_their_title_day_and_code(host, sites_mirror):
    _, articles, not_articles = SITES[host]
    spider = await look(sites_mirror, host)
    found = spider.discovery
    assert 3 <= len(found.samples) <= 5
    codes = dict(articles)
    for sample in found.samples:
        path = sample.url.removeprefix(f"https://{host}")
        number = [p for p, _ in articles].index(path)
        assert sample.item.title == TITLES[number]
        assert sample.item.published_jalali == DAYS[number]
        assert sample.item.news_code == codes[path] or codes[path] is None and sample.steps["news_code"] == "url_hash"
        # Neither the comments nor the related news are the body.
        assert "نظرات" not in sample.item.body and not any(title in sample.item.body for title in TITLES)
        assert sample.complete
    assert not {url.removeprefix(f"https://{host}") for url in found.not_articles} & set(codes)
    assert spider.requests < 40


@pytest.mark.parametrize("host", SITES)
@pytest_twisted.ensureDeferred
async def test_the_entry_is_a_registry_table(host, sites_mirror):
    family, _, _ = SITES[host]
    found = (await look(sites_mirror, host)).discovery
    table = tomllib.loads(tomli_w.dumps({"candidate": found.table()}))["candidate"]
    assert set(table) <= SOURCE_KEYS
    assert host in table["hosts"] and table["family"] in FAMILIES and table["family"] == family
    re.compile(table["article_url"])
    kinds = [strategy["kind"] for strategy in table["discovery"]]
    assert set(kinds) <= set(DISCOVERY_KEYS) and "listing" in kinds
    assert set(table["detected"]) == {"at", "family", "baseline"}
    assert set(table["detected"]["baseline"]) >= {"title", "published_at", "body", "news_code"}


@pytest_twisted.ensureDeferred
async def test_discovery_finds_the_api_feeds_sitemaps_and_next_pages(sites_mirror):
    strategies = {host: (await look(sites_mirror, host)).discovery.strategies for host in SITES}
    kinds = {host: [s["kind"] for s in found] for host, found in strategies.items()}
    assert kinds["wp-open.example-municipality.ir"] == ["wordpress_api", "listing", "feed", "sitemap"]
    assert kinds["wp-closed.example-municipality.ir"] == ["listing", "feed", "sitemap"]
    # The news sitemap its sitemap index names.
    assert strategies["wp-closed.example-municipality.ir"][2]["url"].endswith("/news-sitemap.xml")
    assert strategies["joomla.example-municipality.ir"][1]["url"].endswith("/akhbar/?format=feed&type=rss")
    assert strategies["khabar.example-municipality.ir"][0]["page_url"] == "/fa/service/city?page={page}"
    assert strategies["portal.example-municipality.ir"][0]["next_page"] == "a.Next::attr(href)"
    # A site of only a home page: the home page is its listing, and there is nothing else.
    assert strategies["shahr.example-municipality.ir"] == [
        {"kind": "listing", "url": "https://shahr.example-municipality.ir/", "section": "news"}
    ]


def test_addsource_appends_its_table_and_keeps_the_others(sites_mirror, tmp_path):
    registry = tmp_path / "sources.toml"
    registry.write_text('# kept\n[qazvin]\nhosts = ["qazvin.ir"]\nfamily = "wordpress"\n', encoding="utf-8")
    dry = scrapy_cli(
        "addsource",
        "https://khabar.example-municipality.ir/",
        "--name",
        "khabar",
        "--dry-run",
        mirror_url=sites_mirror,
        database_url="sqlite:///unused.db",
        SOURCES_FILE=str(registry),
    )
    assert dry.returncode == 0 and "[khabar]" in dry.stdout
    assert registry.read_text(encoding="utf-8") == '# kept\n[qazvin]\nhosts = ["qazvin.ir"]\nfamily = "wordpress"\n'
    result = scrapy_cli(
        "addsource",
        "https://khabar.example-municipality.ir/",
        "--name",
        "khabar",
        mirror_url=sites_mirror,
        database_url="sqlite:///unused.db",
        SOURCES_FILE=str(registry),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sample 1: https://khabar.example-municipality.ir/fa/news/1204551/" in result.stdout
    assert "date: 1405-09-08 (Jalali) = 2026-11-29T09:30:00+03:30 (Gregorian, Tehran), from selector" in result.stdout
    assert registry.read_text(encoding="utf-8").startswith(
        '# kept\n[qazvin]\nhosts = ["qazvin.ir"]\nfamily = "wordpress"\n'
    )
    tables = tomllib.loads(registry.read_text(encoding="utf-8"))
    assert set(tables) == {"qazvin", "khabar"} and tables["khabar"]["family"] == "nastooh"

    khabar = "https://khabar.example-municipality.ir/"
    assert refused(khabar, "khabar", registry) == (
        2,
        f"error: 'khabar' is taken: {registry} has a table [khabar]; choose another",
    )
    assert refused(khabar, "semnan", registry) == (
        2,
        "error: 'semnan' is taken: a tailored spider has that name (spiders/semnan.py); choose another",
    )
    assert refused(khabar, "site", registry) == (
        2,
        "error: 'site' names the one-off crawl (scrapy crawl site); choose another",
    )
    assert refused("https://semnan.ir/", "other", registry) == (
        2,
        "error: semnan.ir is already a host of the source 'semnan'; nothing fetched",
    )
    assert set(tomllib.loads(registry.read_text(encoding="utf-8"))) == {"qazvin", "khabar"}


def refused(url: str, name: str, registry: Path) -> tuple[int, str]:
    """addsource in this process, for a refusal before any request: (its exit status, what it said)."""
    settings = get_project_settings()
    settings.set("SOURCES_FILE", str(registry), priority="cmdline")
    command = AddSource()
    command.settings = settings
    command.crawler_process = CrawlerRunner(settings)  # type: ignore[assignment]  # a runner: the refusals start no crawl
    error = io.StringIO()
    with contextlib.redirect_stderr(error):
        command.run([url], argparse.Namespace(name=name, site_name="", dry_run=False))
    return command.exitcode, error.getvalue().strip()


@pytest.mark.parametrize(
    ("host", "why"),
    [
        (
            "shop.example-municipality.ir",
            "not a news site: its home page sells products (a cart, product listings), "
            "and none of its pages reads as an article",
        ),
        ("empty.example-municipality.ir", "no article found: the home page links to no page that reads as an article"),
        (BLOCKED, "blocked: 403 on every page"),
    ],
)
def test_a_site_that_is_no_source_is_one_line_and_nothing_written(host, why, sites_mirror, tmp_path):
    registry = tmp_path / "sources.toml"
    result = scrapy_cli(
        "addsource",
        f"https://{host}/",
        "--name",
        "candidate",
        mirror_url=sites_mirror,
        database_url="sqlite:///unused.db",
        SOURCES_FILE=str(registry),
        LOG_LEVEL="ERROR",
    )
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (1, why)
    assert result.stdout == "" and not registry.exists()


def test_a_challenge_the_browser_cannot_pass_is_one_line_and_nothing_written(sites_mirror, tmp_path):
    need(Path(get_project_settings()["BROWSER_EXECUTABLE"]), "Chromium")
    registry = tmp_path / "sources.toml"
    result = scrapy_cli(
        "addsource",
        "https://guarded.example-municipality.ir/",
        "--name",
        "candidate",
        "-s",
        "BROWSER_TIMEOUT=2",
        mirror_url=sites_mirror,
        database_url="sqlite:///unused.db",
        SOURCES_FILE=str(registry),
        LOG_LEVEL="CRITICAL",
    )
    assert (result.returncode, result.stderr.strip().splitlines()[-1]) == (
        1,
        "blocked: a CDN challenge the browser did not pass at guarded.example-municipality.ir",
    )
    assert result.stdout == "" and not registry.exists()


# The tailored sources' recorded sites: themes addsource was not written against.
TAILORED = {
    "news.semnan.ir": "semnan",
    "omidjonob.ir": "omidjonoob",
    "rasht.ir": "rasht",
    "www.hamshahrionline.ir": "hamshahri",
}


@pytest.mark.parametrize("host", TAILORED)
@pytest_twisted.ensureDeferred
async def test_on_the_tailored_sites_the_samples_read_as_their_golden_files(host, sites_mirror):
    golden = {}
    for path in (Path(__file__).parent / "golden" / TAILORED[host]).glob("*.json"):
        item = json.loads(path.read_text(encoding="utf-8"))["item"]
        golden[item["url"]] = item
    found = (await look(sites_mirror, host)).discovery
    assert not found.failure and found.samples
    compared = 0
    for sample in found.samples:
        rule = re.compile(found.article_url)
        assert rule.search(sample.url)
        if (expected := golden.get(sample.item.url)) is not None:
            compared += 1
            assert (sample.item.title, sample.item.news_code) == (expected["title"], expected["news_code"])
            # The tailored spider's own selectors may find a date the generic reading does not: no date
            # then, never a wrong one.
            assert sample.item.published_jalali in ("", expected["published_jalali"])
    assert compared and any(sample.complete for sample in found.samples)


def sample(url: str, code: str, step: str) -> Sample:
    return Sample(url, ArticleItem(source="x", news_code=code, url=url, provenance={"news_code": step}))


def test_a_printed_code_unlike_the_urls_number_takes_the_code_out_of_the_url_rule():
    urls = ["https://x.example-municipality.ir/news/1001/a", "https://x.example-municipality.ir/news/1002/b"]
    rule = shape_rule(urls, ("x.example-municipality.ir",))
    assert re.search(rule, urls[0])["code"] == "1001"
    # The page prints «کد خبر: 77»: the URL's number is no news code.
    steps, url_code_serves = news_code_rule([sample(urls[0], "77", "label")], {urls[0]: "1001"})
    assert (steps, url_code_serves) == (["label"], False)
    assert "code" not in re.compile(shape_rule(urls, ("x.example-municipality.ir",), with_code=False)).groupindex
    # Printed and equal: the URL's number serves.
    assert news_code_rule([sample(urls[0], "1001", "label")], {urls[0]: "1001"}) == (["label"], True)


def test_a_date_in_the_url_is_no_news_code():
    urls = ["https://x.example-municipality.ir/1403/09/14/a/", "https://x.example-municipality.ir/1403/09/15/b/"]
    assert "code" not in re.compile(shape_rule(urls, ("x.example-municipality.ir",))).groupindex


def test_the_url_hash_alone_is_said_aloud():
    found = Discovery(home="https://x.example-municipality.ir/", news_code=["url_hash"])
    assert found.url_hash_only
    assert any("NOT PRINTED and not in the URL" in line for line in description_lines(found))
