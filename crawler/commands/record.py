"""`scrapy record URL [URL ...]`: a golden test from a live (or mirrored) article page.

Fetches each page as a crawl would (robots.txt, User-Agent, MIRROR_URL), saves it into the mirror
at tests/mirror/<host>/<path>, parses it with the source that owns the host and writes the expected
JSON to tests/golden/<source>/<news_code>.json. Review every field before committing both.

For a source read through the WordPress REST API, the answers `scrapy refetch` gets from the API for
the page (the post, the names of its tags and categories) are saved into the mirror as well, with
their «X-WP-Total…» headers, so that the post replays offline.

With `--from-archive` nothing is fetched: the page is the one in the archive (ARCHIVE_DIR) that the
article stored from that URL points at, or the archive's latest for the URL, and the API's answers
come from the archived ones (crawler/commands/reextract.py), so a wrong article seen in production
becomes a golden test even after the site changed or removed it.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import scrapy
from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.url import is_url

from crawler.commands.reextract import archived_page, replay_from_archive
from crawler.commands.refetch import Refetch
from crawler.fetch.archive import ArchivedRecord
from crawler.fetch.mirror_server import DEFAULT_ROOT, HEADERS_SUFFIX, mirror_path
from crawler.run.preflight import check_mirror_url, check_settings, one_line_errors
from crawler.sources import golden
from crawler.sources.discovery import WordPressApi
from crawler.sources.spider import NewsSpider
from crawler.sources.wpapi import in_rest_api
from crawler.store.database import Store

# The API's headers a replay needs.
API_HEADERS = ("X-WP-Total", "X-WP-TotalPages")


class PageFetcher(scrapy.Spider):
    """Fetches the given URLs once each and keeps the responses."""

    name = "record"

    def __init__(self, urls: list[str], fetched: dict[str, Response | str], **kwargs: Any):
        super().__init__(**kwargs)
        self.urls = urls
        self.fetched = fetched

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, self.keep, errback=self.failed, dont_filter=True, cb_kwargs={"url": url})

    def keep(self, response: Response, url: str) -> None:
        self.fetched[url] = response

    def failed(self, failure: Failure) -> None:
        reason = f"HTTP {failure.value.response.status}" if failure.check(HttpError) else failure.getErrorMessage()
        self.fetched[failure.request.cb_kwargs["url"]] = reason  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets


def without_database(crawler: Crawler) -> Crawler:
    """A crawler whose extensions get a throwaway database in memory: recording pages stores nothing, so it
    neither creates nor migrates the database DATABASE_URL names (nor needs it to exist)."""
    crawler.settings.set("DATABASE_URL", "sqlite://", priority=(crawler.settings.getpriority("DATABASE_URL") or 0) + 1)
    return crawler


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] <url> [<url> ...]"

    def short_desc(self) -> str:
        return "Save article pages into the mirror and write their golden files, for review"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--mirror", type=Path, default=DEFAULT_ROOT, help="mirror directory (tests/mirror)")
        parser.add_argument("--golden", type=Path, default=golden.GOLDEN_ROOT, help="golden directory (tests/golden)")
        parser.add_argument(
            "--from-archive",
            action="store_true",
            help="take the pages from the archive (ARCHIVE_DIR), fetching nothing",
        )

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        if not args or not all(map(is_url, args)):
            raise UsageError("give one or more article URLs")
        loader = self.crawler_process.spider_loader
        unknown = [url for url in args if not loader.find_by_request(scrapy.Request(url))]
        if unknown:
            raise UsageError(f"no source knows the host of {', '.join(unknown)}; nothing fetched")
        check_mirror_url(self.settings.get("MIRROR_URL"))
        check_settings(self.settings)
        fetched: dict[str, Response | str] = {}
        archived: dict[str, ArchivedRecord] | None = None
        if opts.from_archive:
            store = Store.open(self.settings.get("DATABASE_URL"))
            found = {url: archived_page(store, self.settings.get("ARCHIVE_DIR"), url) for url in args}
            archived = {url: record for url, record in found.items() if record is not None}
            fetched.update((url, "not in the archive") for url, record in found.items() if record is None)
        pages = without_database(self.crawler_process.create_crawler(PageFetcher))
        if archived is not None:
            replay_from_archive(pages, archived)
        self.crawler_process.crawl(pages, urls=[url for url in args if url not in fetched], fetched=fetched)
        for name in sorted({name for url in args for name in loader.find_by_request(scrapy.Request(url))}):
            spider = cast("type[NewsSpider]", loader.load(name))
            if spider.strategy(WordPressApi) is not None:
                self.record_api(
                    spider,
                    [url for url in args if name in loader.find_by_request(scrapy.Request(url))],
                    opts.mirror,
                    archived,
                )
        self.crawler_process.start()
        for url in args:
            if not self.record(url, fetched.get(url, "not fetched (see the log)"), opts):
                self.exitcode = 1

    def record_api(
        self, spider: type[scrapy.Spider], urls: list[str], mirror: Path, archived: dict[str, ArchivedRecord] | None
    ) -> None:
        """The source's spider reading the URLs as a refetch does (from the archive when `archived` is given),
        its API answers saved into the mirror and nothing stored."""
        assert self.crawler_process
        crawler = without_database(self.crawler_process.create_crawler(type(spider.__name__, (Refetch, spider), {})))
        if archived is not None:
            replay_from_archive(crawler, archived)
            urls = [url for url in urls if url in archived]
        crawler.settings.set("ITEM_PIPELINES", {}, priority="cmdline")
        crawler.settings.set("SPIDERMON_ENABLED", False, priority="cmdline")

        def save(response: Response, request: scrapy.Request, spider: scrapy.Spider) -> None:
            if not in_rest_api(response.url) or response.status != 200:
                return
            path = mirror_path(mirror, response.url)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(response.body)
            headers = {
                name: (response.headers[name] or b"").decode() for name in API_HEADERS if name in response.headers
            }
            if headers:
                path.with_name(path.name + HEADERS_SUFFIX).write_text(
                    "".join(f"{k}: {v}\n" for k, v in headers.items())
                )
            print(path)

        crawler.signals.connect(save, signal=signals.response_received, weak=False)
        self.crawler_process.crawl(crawler, refetch=urls)

    def record(self, url: str, response: Response | str, opts: argparse.Namespace) -> bool:
        if isinstance(response, str):
            print(f"NOT RECORDED {url}: {response}")
            return False
        try:
            expected = golden.write(url, response.body, root=opts.golden, settings=self.settings)
        except ValueError as error:
            print(f"NOT RECORDED {url}: {error}")
            return False
        page = mirror_path(opts.mirror, url)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_bytes(response.body)
        print(f"{page}\n{expected}")
        return True
