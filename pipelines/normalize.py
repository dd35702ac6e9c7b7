from __future__ import annotations

from crawler.extract.text import latin_digits, normalize_line, normalize_text
from crawler.items import ArticleItem


class NormalizePipeline:
    """Persian text in every text field: unified letters, whitespace and entities; ZWNJ kept."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item.news_code = latin_digits(normalize_line(item.news_code))
        item.title = normalize_line(item.title)
        item.kicker = normalize_line(item.kicker)
        item.category = normalize_line(item.category)
        item.lead = normalize_text(item.lead)
        item.body = normalize_text(item.body)
        item.tags = list(dict.fromkeys(t for t in map(normalize_line, item.tags) if t))
        item.authors = list(dict.fromkeys(a for a in map(normalize_line, item.authors) if a))
        return item
