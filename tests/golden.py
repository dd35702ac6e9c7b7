"""Golden files: one expected JSON per fixture article page, compared field by field.

    python -m tests.golden URL [URL ...]   # (re)write the expected JSON of mirror pages, for review

A golden file is `tests/golden/<source>/<news_code>.json` with the page's URL and every field of the
item the source's spider and the normalize pipeline make of it (crawled_at aside: it is the clock's).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor, is_reactor_installed

from crawler.items import ArticleItem
from crawler.mirror import mirrored_url
from crawler.mirror_server import DEFAULT_ROOT, resolve
from pipelines.normalize import NormalizePipeline

GOLDEN_ROOT = Path(__file__).resolve().parent / "golden"
UNCOMPARED = {"crawled_at"}


def spider_for(url: str):
    """The project's spider whose hosts include the URL's host, built on a real crawler."""
    from scrapy.spiderloader import SpiderLoader

    settings = get_project_settings()
    if not is_reactor_installed():  # run as a script; under pytest, pytest-twisted installed it
        install_reactor(settings["TWISTED_REACTOR"])
    loader = SpiderLoader.from_settings(settings)
    for name in loader.list():
        spidercls = loader.load(name)
        crawler = get_crawler(spidercls, settings_dict=settings.copy_to_dict())
        spider = spidercls.from_crawler(crawler)
        if spider.owns_url(url):
            return spider
    raise LookupError(f"no source knows the host of {url}")


def mirror_response(url: str, root: Path = DEFAULT_ROOT) -> HtmlResponse:
    path = resolve(root, mirrored_url("", url))
    if path is None:
        raise FileNotFoundError(f"{url} is not in the mirror")
    return HtmlResponse(url=url, body=path.read_bytes())


def parse_items(url: str, body: bytes | None = None) -> list[ArticleItem]:
    spider = spider_for(url)
    response = HtmlResponse(url=url, body=body) if body is not None else mirror_response(url)
    normalize = NormalizePipeline()
    return [normalize.process_item(item) for item in spider.parse_article(response)]


def as_json(item: ArticleItem) -> dict:
    def plain(value):
        return value.isoformat() if isinstance(value, datetime) else value

    return {name: plain(value) for name, value in vars(item).items() if name not in UNCOMPARED}


def golden_path(item: ArticleItem) -> Path:
    return GOLDEN_ROOT / item.source / f"{item.news_code}.json"


def write(url: str) -> Path:
    (item,) = parse_items(url)
    path = golden_path(item)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"url": url, "item": as_json(item)}, ensure_ascii=False, indent=2) + "\n")
    return path


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(write(argument))
