from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from crawler.items import REQUIRED_FIELDS, ArticleItem
from crawler.stats import ARTICLE_REPLACEMENT_CHARACTERS, DROPPED_GARBLED, DROPPED_INVALID, dropped_missing

logger = logging.getLogger(__name__)
# More than this share of U+FFFD in a field: the page's bytes were not in the encoding it declared.
GARBLED_SHARE = 0.02


def garbled(text: str) -> bool:
    return text.count("\ufffd") > GARBLED_SHARE * len(text)


def has_replacement(value) -> bool:
    """Whether a field (text, or a list of texts) holds U+FFFD: bytes of its page not in the page's encoding."""
    texts = value if isinstance(value, list) else [value]
    return any(isinstance(text, str) and "\ufffd" in text for text in texts)


class ValidatePipeline:
    """Drops an article missing a required field, or whose title or body is unreadable, with the reason
    logged and counted: never a half-empty or garbled row. An article with a few unreadable characters
    (U+FFFD) is stored, and counted (`invalid bytes` in the summary's faults)."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        missing = [name for name in REQUIRED_FIELDS if not getattr(item, name)]
        if missing:
            for name in missing:
                self.stats.inc_value(dropped_missing(name))
            self.stats.inc_value(DROPPED_INVALID)
            raise DropItem(f"{item.source}: {item.url} lacks {', '.join(missing)}; not stored")
        unreadable = [name for name in ("title", "body") if garbled(getattr(item, name))]
        if unreadable:
            self.stats.inc_value(DROPPED_GARBLED)
            raise DropItem(
                f"{item.source}: {item.url} has an unreadable {' and '.join(unreadable)} (bytes not in "
                f"the encoding the page declares); not stored"
            )
        replaced = [name for name, value in vars(item).items() if has_replacement(value)]
        if replaced:
            self.stats.inc_value(ARTICLE_REPLACEMENT_CHARACTERS)
            logger.warning(
                "%s: %s stored with bytes not in the page's encoding (U+FFFD) in %s",
                item.source,
                item.url,
                ", ".join(replaced),
            )
        return item
