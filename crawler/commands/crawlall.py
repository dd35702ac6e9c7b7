from __future__ import annotations

import argparse

from scrapy.exceptions import UsageError

from crawler.run.summary import SummarizedCrawl


class Command(SummarizedCrawl):
    """Every source in one process: the cron job."""

    name = "crawlall"

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Crawl every source (or --sources a,b), incrementally, and print a summary per source"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--sources", help="comma-separated sources; default: all")

    def sources(self, args: list[str], opts: argparse.Namespace) -> list[str]:
        assert self.crawler_process
        known = sorted(self.crawler_process.spider_loader.list())
        if args:
            raise UsageError(f"crawlall takes no arguments ({' '.join(args)}); use --sources a,b")
        if opts.sources is None:
            return known
        wanted = [s.strip() for s in opts.sources.split(",") if s.strip()]
        if not wanted:
            raise UsageError(f"--sources names no source; known: {', '.join(known)} (leave it out to crawl all)")
        unknown = sorted(set(wanted) - set(known))
        if unknown:
            raise UsageError(f"unknown sources: {', '.join(unknown)}; known: {', '.join(known)}")
        return wanted
