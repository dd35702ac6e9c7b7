from __future__ import annotations

import argparse

from scrapy.exceptions import UsageError

from crawler.summary import SummarizedCrawl


class Command(SummarizedCrawl):
    """Scrapy's `crawl` for one source, ending with the run summary and a meaningful exit status."""

    def syntax(self) -> str:
        return "[options] <source>"

    def short_desc(self) -> str:
        return "Crawl one source and print its summary"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one source; `scrapy crawlall` crawls them all")
        self.crawl_sources(args, opts)
