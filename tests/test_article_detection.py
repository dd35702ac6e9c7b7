"""Article detection without the site's markup: a page is stored when it shows a title, a block of
prose and a date or a code of its own; listings, archives, search pages, soft 404s and error pages
store nothing, whatever their URL looks like. Each case goes through the source's real spider, and
the negatives once more through a real crawl over loopback into a real SQLite file."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from scrapy.http import HtmlResponse

from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from crawler.stats import ARTICLE_NOT_ARTICLE
from tests.conftest import scrapy_cli
from tests.golden import spider_for

PAGES = Path(__file__).resolve().parent / "pages"
OMID = "https://omidjonob.ir"
# Each negative at a URL the WordPress permalink rule takes for an article: the page, not its URL, decides.
NEGATIVES = {
    "listing": f"{OMID}/{quote('اخبار-اهواز')}/",
    "archive_one_excerpt": f"{OMID}/{quote('برچسب-پل-هفتم')}/",
    "search": f"{OMID}/?s={quote('پل')}",
    "soft_404": f"{OMID}/{quote('خبری-که-نیست')}/",
    "error": "https://imo.org.ir/RContent/ZZ9-error.aspx",
}


def parse(url: str, page: str):
    spider = spider_for(url)
    body = (PAGES / f"{page}.html").read_bytes()
    return list(spider.parse_article(HtmlResponse(url=url, body=body))), spider.crawler.stats


@pytest.mark.parametrize("page", NEGATIVES)
def test_a_page_that_is_not_one_article_stores_nothing_and_is_counted(page):
    items, stats = parse(NEGATIVES[page], page)
    assert items == []
    assert stats.get_value(ARTICLE_NOT_ARTICLE) == 1


def test_an_old_portal_page_without_the_sites_markup_is_one_article():
    url = "https://imo.org.ir/Portal/Home/ShowPage.aspx?Object=News&CategoryID=4f2a&ID=4412"
    (item,), stats = parse(url, "old_portal")
    assert item.title == "برگزاری دوره آموزشی دهیاران استان فارس"
    assert item.news_code == "4412" and item.provenance["news_code"] == "url_id"
    assert item.published_jalali == "1389-05-09" and item.published_at.isoformat() == "2010-07-31T11:45:00+04:30"
    assert item.provenance["published_at"] == "near_title"  # not the header's today, not the sidebar's date
    assert item.body.split("\n")[0].startswith("به گزارش روابط عمومی") and len(item.body.split("\n")) == 3
    assert stats.get_value(ARTICLE_NOT_ARTICLE) is None


@pytest.mark.crawl
def test_a_crawl_over_loopback_stores_the_article_and_none_of_the_other_pages(tmp_path, sqlite_url):
    """The home page of a mirror links to one real article and to every negative page."""
    root = tmp_path / "mirror"
    site = root / "omidjonob.ir"
    article = DEFAULT_ROOT / "omidjonob.ir" / "پل-هفتم-اهواز-از-امشب-تا-صبح-بسته-است"
    shutil.copytree(article, site / article.name)
    links = [f"{OMID}/{quote(article.name)}/"]
    for page, url in NEGATIVES.items():
        if url.startswith(OMID) and "?" not in url:
            slug = url.removeprefix(f"{OMID}/").strip("/")
            (site / unquote(slug)).mkdir(parents=True)
            shutil.copy(PAGES / f"{page}.html", site / unquote(slug) / "index.html")
            links.append(url)
    entries = "".join(
        f'<article><h3 class="title"><a href="{link}">{i}</a></h3></article>' for i, link in enumerate(links)
    )
    (site / "index.html").write_text(f'<html><body><div class="news-list">{entries}</div></body></html>')
    with MirrorServer(root) as server:
        run = scrapy_cli("crawl", "omidjonoob", "-a", "pages=1", mirror_url=server.url, database_url=sqlite_url)
    assert run.returncode == 0, run.stderr[-3000:]
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as connection:
        stored = [row[0] for row in connection.execute("select news_code from articles")]
    assert stored == ["16002"]
    refused = [line for line in run.stderr.splitlines() if "is not an article page" in line]
    assert len(refused) == len(links) - 1, refused
