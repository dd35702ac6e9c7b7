from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem
from crawler.run.memory import KeysOnDisk
from crawler.stats import DROPPED_DUPLICATE_IN_RUN


class DedupePipeline:
    """One item per (source, news_code) in a run: a second copy (the same article under another URL,
    or linked from two listings) is dropped and counted. Against what is already stored, the store's
    upsert decides new/updated/unchanged inside one transaction, which a separate lookup here could
    not do safely next to a concurrent writer."""

    def __init__(self, stats):
        self.stats = stats
        # The news codes seen, by source, on disk (crawler.run.memory.KeysOnDisk): a long crawl's memory stays flat.
        self.seen: dict[str, KeysOnDisk] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if item.source not in self.seen:
            self.seen[item.source] = KeysOnDisk()
        seen = self.seen[item.source]
        code = item.news_code.encode()
        if code in seen:
            self.stats.inc_value(DROPPED_DUPLICATE_IN_RUN)
            raise DropItem(f"{item.source}: news code {item.news_code} already seen in this run ({item.url})")
        seen.add(code)
        return item
