from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.items import ArticleItem


class DedupePipeline:
    """One item per (source, news_code) in a run: a second copy (the same article under another URL,
    or linked from two listings) is dropped and counted. Against what is already stored, the store's
    upsert decides new/updated/unchanged inside one transaction, which a separate lookup here could
    not do safely next to a concurrent writer."""

    def __init__(self, stats):
        self.stats = stats
        self.seen: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        key = (item.source, item.news_code)
        if key in self.seen:
            self.stats.inc_value("dropped/duplicate_in_run")
            raise DropItem(f"{item.source}: news code {item.news_code} already seen in this run ({item.url})")
        self.seen.add(key)
        return item
