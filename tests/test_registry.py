"""The registry of sources (crawler/sources/registry.py): a source written as a TOML entry, no Python,
crawls, refetches, is listed and summarized like a tailored spider; a registry that cannot be read is
one line naming the file, the line and the key, exit status 2, before any request."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from crawler.extract.urls import bare_host
from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from crawler.sources.discovery import WordPressApi
from crawler.sources.registry import RegistryError, read_registry
from tests.conftest import scrapy_cli, stored_articles
from tests.golden import GOLDEN_ROOT
from tests.support.served import SPIDERS

HOST = "hamshahri-copy.test"
HAMSHAHRI = SPIDERS.load("hamshahri")
# A copy of Hamshahri Online under another name and host: its selectors over the Nastooh family's, one listing.
COPY = f"""
[hamshahri_copy]
site_name = "همشهری آنلاین"
hosts = ["www.{HOST}"]
family = "nastooh"

[hamshahri_copy.selectors]
{chr(10).join(f"{field} = {json.dumps(query)}" for field, query in HAMSHAHRI.selectors.items())}

[[hamshahri_copy.discovery]]
kind = "listing"
url = "https://www.{HOST}/archive"
links = "section.list .items li h3 a::attr(href)"
next_page = "ul.pagination li a[rel=next]::attr(href)"
"""


ORIGINAL = HAMSHAHRI.hosts[0]


def copied_mirror(root: Path) -> Path:
    """The mirror of hamshahri's pages under the copy's host, every mention of its host rewritten."""
    target = root / f"www.{HOST}"
    shutil.copytree(DEFAULT_ROOT / ORIGINAL, target)
    for path in target.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes().replace(bare_host(ORIGINAL).encode(), HOST.encode()))
    return root


@pytest.mark.crawl
def test_a_registry_entry_is_a_source_that_crawls_refetches_and_is_listed_with_no_python(tmp_path, database_url):
    registry = tmp_path / "sources.toml"
    registry.write_text(COPY, encoding="utf-8")
    expected = {path.stem: json.loads(path.read_text())["item"] for path in (GOLDEN_ROOT / "hamshahri").glob("*.json")}
    env = {"SOURCES_FILE": str(registry)}
    with MirrorServer(copied_mirror(tmp_path / "mirror")) as server:
        listed = scrapy_cli("list", mirror_url=server.url, database_url=database_url, **env)
        crawled = scrapy_cli("crawl", "hamshahri_copy", mirror_url=server.url, database_url=database_url, **env)
        url = expected["962182"]["url"].replace(bare_host(ORIGINAL), HOST)
        refetched = scrapy_cli("refetch", url, mirror_url=server.url, database_url=database_url, **env)
    assert listed.stdout.split() == sorted([*SPIDERS.list(), "hamshahri_copy"])
    assert crawled.returncode == 0, crawled.stderr[-3000:]
    rows = stored_articles(database_url)
    assert set(rows) == set(expected)
    for code, item in expected.items():
        assert rows[code]["source"] == "hamshahri_copy"
        for field in ("title", "lead", "body", "published_at", "kicker"):
            assert rows[code][field] == item[field], (code, field)
    row = next(line for line in crawled.stdout.splitlines() if line.startswith("hamshahri_copy "))
    assert row.split()[2] == str(len(expected)) and row.split()[-1] == "ok"
    assert refetched.returncode == 0, refetched.stderr[-3000:]
    assert json.loads(refetched.stdout)["news_code"] == "962182"


ENTRY = '[qazvin]\nhosts = ["qazvin.ir"]\nfamily = "wordpress"\n'


@pytest.mark.parametrize(
    "text, where, problem",
    [
        ('[qazvin\nhosts = ["qazvin.ir"]\n', ":1:", "not TOML"),
        (
            ENTRY + '\n[qazvin.selectors]\ntitle = "h1"\ntitel = "h1.title"\n',
            ":7: qazvin.selectors.titel:",
            "unknown key",
        ),
        ('[qazvin]\nfamily = "wordpress"\n', ":1: qazvin.hosts:", "missing"),
        (ENTRY.replace("qazvin.ir", "semnan.ir"), ":2: qazvin.hosts:", "semnan's already"),
        (
            ENTRY + '\n[tabriz]\nhosts = ["www.qazvin.ir"]\nfamily = "wordpress"\n',
            ":6: tabriz.hosts:",
            "qazvin's already",
        ),
        (ENTRY.replace("[qazvin]", "[rasht]").replace("qazvin.ir", "x.ir"), ":1: rasht:", "tailored spider's name"),
        (ENTRY.replace("[qazvin]", "[site]"), ":1: site:", "names the one-off crawl"),
        (ENTRY + "article_url = '^https://qazvin.ir/(?P<code>\\d+'\n", ":4: qazvin.article_url:", "does not compile"),
        (ENTRY.replace("wordpress", "typo3"), ":3: qazvin.family:", "unknown family 'typo3'"),
        (ENTRY + '\n[[qazvin.discovery]]\nkind = "atom"\n', ":6: qazvin.discovery.0.kind:", "unknown discovery kind"),
    ],
)
def test_a_registry_that_cannot_be_read_is_one_line_naming_file_line_and_key(tmp_path, text, where, problem):
    registry = tmp_path / "sources.toml"
    registry.write_text(text, encoding="utf-8")
    result = scrapy_cli("list", mirror_url="", database_url="sqlite://", SOURCES_FILE=str(registry))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {registry}{where}"), result.stderr
    assert problem in result.stderr


def test_a_missing_named_registry_is_an_error_and_a_missing_default_one_is_empty(tmp_path):
    with pytest.raises(RegistryError, match="no such file"):
        read_registry(tmp_path / "sources.toml", named=True)
    assert read_registry(tmp_path / "sources.toml", named=False) == {}


def test_an_entry_takes_its_familys_defaults_and_only_the_api_switch_its_strategies_allow(tmp_path):
    registry = tmp_path / "sources.toml"
    registry.write_text(
        ENTRY + "[generic_city]\nhosts = [\"city.ir\"]\narticle_url = '^https://city\\.ir/n/\\d+'\n"
        '[[generic_city.discovery]]\nkind = "listing"\nurl = "https://city.ir/n/"\n',
        encoding="utf-8",
    )
    sources = read_registry(registry, named=True)
    qazvin, city = sources["qazvin"], sources["generic_city"]
    assert [type(strategy).__name__ for strategy in qazvin.strategies()] == [
        "WordPressApi",
        "Listing",
        "Feed",
        "Sitemap",
    ]
    assert qazvin.sections == {"news": "https://qazvin.ir/"} and "api" in qazvin.arguments
    assert qazvin.describe().is_article_url("https://www.qazvin.ir/%d8%a7%d8%ae%d8%a8%d8%a7%d8%b1/")
    assert "api" not in city.arguments and city.describe().selectors == {}
    with pytest.raises(ValueError, match="unknown spider argument"):
        city.check_arguments({"api": "0"})


def test_the_guides_wordpress_municipality_is_a_registry_entry_of_about_eight_lines(tmp_path):
    guide = (Path(__file__).resolve().parent.parent / "docs" / "adding-a-source.md").read_text()
    entry = guide.split("```toml\n", 1)[1].split("```", 1)[0]
    assert len(entry.strip().splitlines()) <= 8
    registry = tmp_path / "sources.toml"
    registry.write_text(entry, encoding="utf-8")
    qazvin = read_registry(registry, named=True)["qazvin"]
    site = qazvin.describe()
    assert qazvin.family.name == "wordpress" and qazvin.strategy(WordPressApi).home == "https://qazvin.ir/"
    assert site.is_article_url("https://www.qazvin.ir/%d8%a7%d8%ae%d8%a8%d8%a7%d8%b1/")
    assert site.selector_layers("title")[0] == "article h1.title" and len(site.selector_layers("title")) == 2
    assert ".share-box" in site.drop_from_body and ".sharedaddy" in site.drop_from_body
