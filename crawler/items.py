"""The article item: the public contract that downstream users read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Fields an article is not worth storing without.
REQUIRED_FIELDS = ("source", "news_code", "url", "title", "body", "published_at")
# Fields whose change makes a new version of an article (view counts move every day and do not).
CONTENT_FIELDS = ("title", "lead", "body")


@dataclass
class ArticleItem:
    source: str
    news_code: str
    url: str
    title: str = ""
    lead: str = ""
    body: str = ""
    published_at: datetime | None = None
    published_jalali: str = ""
    # How exactly the site states published_at: "day" (a date alone, stored at 00:00 Tehran), "minute", "second".
    published_precision: str | None = None
    kicker: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    view_count: int | None = None
    crawled_at: datetime | None = None
    # When the site last edited the article, where it says so exactly (WordPress's REST API).
    modified_at: datetime | None = None
    # Which step of the extraction chain gave each field: "jsonld", "meta", "selector", "fallback", "text", "url".
    provenance: dict[str, str] = field(default_factory=dict)
    # The WARC record the article was read from (crawler/fetch/archive.py): its file in ARCHIVE_DIR, its offset
    # there and its payload digest; None when the page was not archived.
    archive_file: str | None = None
    archive_offset: int | None = None
    archive_digest: str | None = None
