from __future__ import annotations

import argparse

from scrapy.exceptions import UsageError

from crawler.summary import SummarizedCrawl


class Command(SummarizedCrawl):
    """Every source in one process: the cron job."""

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl every source (or --sources a,b), incrementally, and print a summary per source"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--sources", default="", help="comma-separated sources; default: all")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process
        known = sorted(self.crawler_process.spider_loader.list())
        wanted = [s.strip() for s in opts.sources.split(",") if s.strip()] or known
        unknown = sorted(set(wanted) - set(known))
        if unknown or args:
            raise UsageError(f"unknown sources: {', '.join(unknown or args)}; known: {', '.join(known)}")
        self.crawl_sources(wanted, opts)
