"""A stats collector for the benchmarks: each spider's final stats as JSON in BENCH_STATS_DIR/<spider>.json.

    scrapy crawlall -s STATS_CLASS=bench.stats_file.JsonFileStatsCollector -s BENCH_STATS_DIR=DIR

A stats class rather than an extension, so the crawl keeps the project's own EXTENSIONS (a dict
given with -s would replace them).
"""

from __future__ import annotations

import json
from pathlib import Path

from scrapy.statscollectors import MemoryStatsCollector


class JsonFileStatsCollector(MemoryStatsCollector):
    def _persist_stats(self, stats: dict) -> None:
        super()._persist_stats(stats)
        directory = self._crawler.settings.get("BENCH_STATS_DIR")
        spider = self._crawler.spider
        if directory and spider:
            # Closed after the spider_closed signal: finish_time and elapsed_time_seconds are in.
            Path(directory).mkdir(parents=True, exist_ok=True)
            (Path(directory) / f"{spider.name}.json").write_text(json.dumps(stats, default=str, indent=1))
