"""What the page reader knows of a source: a small description its spider owns and hands over
(NewsSpider.describe in crawler/sources/spider.py builds it from the source's description over its CMS
family's defaults), so that reading a page needs no spider, no crawl and no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crawler.extract.urls import bare_host

# Provenance steps where the site's own markup (its structured data, its URL rule, its selectors or its
# CMS family's) did not give the field: generic rules. A site's `usual_steps` says which are its norm.
FALLBACK_STEPS = {"fallback", "text", "url_hash", "near_title", "label", "dateline", "url_id"}


@dataclass(frozen=True)
class Site:
    """A source as its pages are read: its hosts, its news-code rule, its selectors and what to drop."""

    #: The source's name, as items carry it.
    name: str
    #: The site's name, as titles append it («… - همشهری آنلاین»).
    site_name: str = ""
    #: Every host the source answers to, without «www.».
    hosts: frozenset[str] = frozenset()
    #: Article URLs; a named group «code» holds the news code when the URL carries it (the news-code rule,
    #: with the «news_code» selectors).
    article_url: re.Pattern[str] = re.compile(r"(?!)")
    #: Selectors by field in the order they are tried: the site's own, then its CMS family's.
    selectors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Parts of the body element that are not the article (share bars, related news, tag lists).
    drop_from_body: tuple[str, ...] = ()
    #: The generic steps a field usually comes from on this site: its norm, not layout drift.
    usual_steps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Where the news code comes from when neither the URL nor the selectors give it, in order: (provenance
    #: step, rule reading the ArticlePage), its CMS family's by default (crawler/sources/families.py).
    news_code_rules: tuple[tuple[str, Callable[[Any], str]], ...] = ()
    #: Whether the first date of an article's own text is its publication date (else it is an event's).
    own_text_dates: bool = False

    def owns_url(self, url: str) -> bool:
        return bare_host(url) in self.hosts

    def is_article_url(self, url: str) -> bool:
        return self.owns_url(url) and bool(self.article_url.search(url))

    def code_in_url(self, url: str) -> str:
        match = self.article_url.search(url)
        return (match.groupdict().get("code") or "") if match else ""

    def selector_layers(self, field: str) -> tuple[str, ...]:
        return self.selectors.get(field, ())

    def is_fallback(self, field: str, step: str) -> bool:
        """Whether a field read by this step means the site's markup missed it (layout drift)."""
        return step in FALLBACK_STEPS and step not in self.usual_steps.get(field, ())
