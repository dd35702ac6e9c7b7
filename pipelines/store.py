from __future__ import annotations

import logging

from twisted.internet.task import LoopingCall

from crawler.items import ArticleItem
from crawler.stats import STORE, STORE_FAILED
from crawler.store.database import VERSION_EDITED, Outcome, Store, articles_stored

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upserts each article into the SQL store and counts new / updated / unchanged.

    Articles are written STORE_BATCH_SIZE at a time in one transaction (1, the default outside the
    project's settings, writes each at once); a partial batch is written every STORE_FLUSH_SECONDS
    and when the spider closes.

    A database error is not an article problem: it is logged with the article it cost, counted as
    store/failed (the run then exits non-zero), and the crawl goes on so the log names every loss.
    A batch that fails is retried article by article, so the loss is reported for exactly the
    articles it concerns.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = Store.for_crawler(crawler)
        self.batch_size = max(1, crawler.settings.getint("STORE_BATCH_SIZE", 1))
        self.flush_seconds = crawler.settings.getfloat("STORE_FLUSH_SECONDS", 5.0)
        # Why a changed article's previous content is kept: the site edited it, unless the run re-reads the archive.
        self.reason = crawler.settings.get("STORE_VERSION_REASON") or VERSION_EDITED
        self.pending: list[ArticleItem] = []
        self.timer: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        if self.batch_size > 1:
            self.timer = LoopingCall(self.flush)
            self.timer.start(self.flush_seconds, now=False)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if len(batch) > 1:
            try:
                outcomes = self.store.upsert_many(batch, self.reason)
            except Exception as error:  # noqa: BLE001 - whatever it was, each article is tried alone
                logger.warning(
                    "a batch of %d articles was not stored (%s); storing them one by one",
                    len(batch),
                    str(error).splitlines()[0],
                )
            else:
                self._stored(batch, outcomes)
                return
        for item in batch:
            self._store_alone(item)

    def _store_alone(self, item: ArticleItem) -> None:
        try:
            outcome = self.store.upsert(item, self.reason)
        except Exception as error:  # noqa: BLE001 - a database error or a value it refused: reported, not lost
            self.stats.inc_value(STORE_FAILED)
            logger.error(
                "%s: news code %s (%s) NOT STORED: %s",
                item.source,
                item.news_code,
                item.url,
                str(error).splitlines()[0],
                extra={"spider": self.crawler.spider},
            )
            return
        self._stored([item], [outcome])

    def _stored(self, items: list[ArticleItem], outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            self.stats.inc_value(STORE + outcome.value)
        self.crawler.signals.send_catch_log(articles_stored, items=items, outcomes=outcomes)
