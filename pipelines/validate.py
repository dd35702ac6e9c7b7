from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from crawler.items import REQUIRED_FIELDS, ArticleItem

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Drops an article missing a required field, with the reason logged and counted: never a half-empty row."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        missing = [name for name in REQUIRED_FIELDS if not getattr(item, name)]
        if missing:
            for name in missing:
                self.stats.inc_value(f"dropped/missing_{name}")
            self.stats.inc_value("dropped/invalid")
            raise DropItem(f"{item.source}: {item.url} lacks {', '.join(missing)}; not stored")
        return item
