"""Project commands (COMMANDS_MODULE): `crawl` with a summary, `crawlall` for cron."""

from __future__ import annotations

import argparse

from scrapy.exceptions import UsageError

from crawler.run.summary import SummarizedCrawl
from crawler.sources.registry import ONE_OFF_SPIDERS


class Command(SummarizedCrawl):
    """Scrapy's `crawl` for one source, ending with the run summary and a meaningful exit status."""

    name = "crawl"

    def syntax(self) -> str:
        return "[options] <source>"

    def short_desc(self) -> str:
        return "Crawl one source and print its summary"

    def sources(self, args: list[str], opts: argparse.Namespace) -> list[str]:
        assert self.crawler_process
        if len(args) != 1:
            raise UsageError("give exactly one source; `scrapy crawlall` crawls them all")
        known = sorted(self.crawler_process.spider_loader.list())
        if args[0] not in known and args[0] not in ONE_OFF_SPIDERS:
            raise UsageError(
                f"unknown source {args[0]!r}; known: {', '.join(known)} (or «site -a url=URL»: "
                "a one-off crawl of a site no source describes)"
            )
        return args
