"""A Scrapy extension for the benchmarks: each spider's final stats as JSON in BENCH_STATS_DIR/<spider>.json.

    scrapy crawlall -s 'EXTENSIONS={"bench.stats_file.StatsFile": 1000}' -s BENCH_STATS_DIR=DIR
"""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, crawler, directory: Path):
        self.crawler = crawler
        self.directory = directory
        # Connected after the core stats extension, so finish_time and elapsed_time_seconds are in.
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        directory = crawler.settings.get("BENCH_STATS_DIR")
        if not directory:
            raise NotConfigured("BENCH_STATS_DIR is not set")
        return cls(crawler, Path(directory))

    def spider_closed(self, spider, reason: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stats = {**self.crawler.stats.get_stats(), "finish_reason": reason}
        (self.directory / f"{spider.name}.json").write_text(json.dumps(stats, default=str, indent=1))
