"""Golden files: the item a source's spider makes of one recorded page, kept as the expected JSON.

A golden file is `tests/golden/<source>/<news_code>.json` with the page's URL and every field of the
item the source's spider and the normalize pipeline make of it (crawled_at and modified_at aside).
`python -m tests.golden URL` writes one from a page already in the mirror; `scrapy record URL`
fetches the page into the mirror first. Either way a person reviews every field before committing it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import cast

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

from crawler.fetch.mirror import mirrored_url
from crawler.fetch.mirror_server import DEFAULT_ROOT, resolve
from crawler.items import ArticleItem
from crawler.sources.spider import NewsSpider
from pipelines.normalize import NormalizePipeline

GOLDEN_ROOT = DEFAULT_ROOT.parent / "golden"
# crawled_at is the clock's; modified_at comes from the WordPress REST API only, never from a page; the
# archive record is where this crawl kept the page.
UNCOMPARED = {"crawled_at", "modified_at", "archive_file", "archive_offset", "archive_digest"}


def spider_for(url: str, settings: Settings | None = None) -> NewsSpider:
    """The project's spider whose hosts include the URL's host, built on a real crawler."""
    settings = settings or get_project_settings()
    if not is_reactor_installed():  # run as a script; under pytest or a command, one is installed
        install_reactor(settings["TWISTED_REACTOR"])
    loader = get_spider_loader(settings)  # the tailored spiders and the registry's sources
    names = loader.find_by_request(Request(url))
    if len(names) != 1:
        raise LookupError(
            f"no source knows the host of {url}"
            if not names
            else f"several sources claim the host of {url}: {', '.join(names)}"
        )
    spidercls = loader.load(names[0])
    # Reading a page needs no database: the crawler's extensions get a throwaway one in memory, never
    # the one DATABASE_URL names (the benchmarks and the accuracy score would migrate and lock it).
    settings_dict = {**settings.copy_to_dict(), "DATABASE_URL": "sqlite://"}
    spider = spidercls.from_crawler(get_crawler(spidercls, settings_dict=settings_dict))
    return cast(NewsSpider, spider)  # every source, tailored or of the registry, is a NewsSpider


def mirror_response(url: str, root: Path = DEFAULT_ROOT) -> HtmlResponse:
    path = resolve(root, mirrored_url("", url))
    if path is None:
        raise FileNotFoundError(f"{url} is not in the mirror")
    return HtmlResponse(url=url, body=path.read_bytes())


def parse_items(url: str, body: bytes | None = None, settings: Settings | None = None) -> list[ArticleItem]:
    """The items the URL's source makes of the page (from the mirror unless a body is given)."""
    spider = spider_for(url, settings)
    response = HtmlResponse(url=url, body=body) if body is not None else mirror_response(url)
    normalize = NormalizePipeline()
    return [normalize.process_item(item) for item in spider.parse_article(response)]


def as_json(item: ArticleItem) -> dict:
    def plain(value):
        return value.isoformat() if isinstance(value, datetime) else value

    return {name: plain(value) for name, value in vars(item).items() if name not in UNCOMPARED}


def golden_path(item: ArticleItem, root: Path = GOLDEN_ROOT) -> Path:
    return root / item.source / f"{item.news_code}.json"


def write(url: str, body: bytes | None = None, root: Path = GOLDEN_ROOT, settings: Settings | None = None) -> Path:
    """Writes the golden file of the page at URL; raises ValueError when the page is not one article."""
    items = parse_items(url, body, settings)
    if len(items) != 1:
        raise ValueError(f"{url} gives {len(items)} articles, not one: not an article page (see the log)")
    path = golden_path(items[0], root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": url, "item": as_json(items[0])}, ensure_ascii=False, indent=2) + "\n")
    return path
