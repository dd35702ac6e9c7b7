from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from crawler.items import ArticleItem
from crawler.storage import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upserts each article into the SQL store and counts new / updated / unchanged.

    A database error is not an article problem: it is logged with the article it cost, counted as
    store/failed (the run then exits non-zero), and the crawl goes on so the log names every loss.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = Store.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        try:
            outcome = self.store.upsert(item)
        except SQLAlchemyError as error:
            self.stats.inc_value("store/failed")
            logger.error("%s: news code %s (%s) NOT STORED: %s", item.source, item.news_code, item.url,
                         str(error).splitlines()[0])
            return item
        self.stats.inc_value(f"store/{outcome.value}")
        return item
