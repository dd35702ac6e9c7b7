"""Machine-readable metadata of a page: JSON-LD, OpenGraph and article meta, canonical links.

This is the first step of every field's extraction chain: it survives redesigns that break selectors.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from extruct.jsonld import JsonLdExtractor
from parsel import Selector

# JSON-LD types of an outlet or an organization: a publisher, never an article's author.
ORGANIZATION_TYPES = {"Organization", "NewsMediaOrganization", "Corporation", "GovernmentOrganization"}
ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle", "Report"}
_jsonld = JsonLdExtractor()


def _types(node: dict) -> set[str]:
    kind = node.get("@type", ())
    return {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)}


def _walk(value: Any):
    """Every JSON-LD node, through lists and Yoast-style @graph containers."""
    if isinstance(value, list):
        for entry in value:
            yield from _walk(entry)
    elif isinstance(value, dict):
        yield value
        yield from _walk(value.get("@graph", []))


def _names(value: Any) -> list[str]:
    """Names from a JSON-LD person/organization/keyword value, which may be a string, a node or a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for entry in value for name in _names(entry)]
    return []


def _urls(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl")
        return [url] if isinstance(url, str) else []
    if isinstance(value, list):
        return [url for entry in value for url in _urls(entry)]
    return []


class StructuredData:
    def __init__(self, selector: Selector):
        self.selector = selector

    @cached_property
    def article(self) -> dict:
        """The page's JSON-LD article node, or {} when it has none (or only broken JSON-LD)."""
        try:
            items = _jsonld.extract_items(self.selector.root)
        except (ValueError, TypeError):
            return {}
        for node in _walk(items):
            if _types(node) & ARTICLE_TYPES:
                return node
        return {}

    @property
    def is_article(self) -> bool:
        return bool(self.article) or self.meta("og:type") == "article"

    @cached_property
    def _head(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Every <meta> content by its property, name and itemprop, and the first href of every
        <link> rel, in document order: one pass over the page instead of one per field."""
        metas: dict[str, list[str]] = {}
        links: dict[str, str] = {}
        root = self.selector.root
        for element in root.iter("meta", "link") if hasattr(root, "iter") else ():
            if element.tag == "link":
                links.setdefault(element.get("rel") or "", (element.get("href") or "").strip())
                continue
            content = (element.get("content") or "").strip()
            if content:
                for key in dict.fromkeys(filter(None, (element.get(a) for a in ("property", "name", "itemprop")))):
                    metas.setdefault(key, []).append(content)
        return metas, links

    def meta(self, name: str) -> str:
        """The first non-empty <meta property|name|itemprop=name content>."""
        for value in self.metas(name):
            return value
        return ""

    def metas(self, name: str) -> list[str]:
        return self._head[0].get(name, [])

    def link(self, rel: str) -> str:
        return self._head[1].get(rel, "")

    def text(self, key: str) -> str:
        value = self.article.get(key)
        return value.strip() if isinstance(value, str) else ""

    def names(self, key: str) -> list[str]:
        return [n.strip() for n in _names(self.article.get(key)) if n.strip()]

    def people(self, key: str) -> list[str]:
        """Names of a person-valued key («author»), without organizations (an outlet is not an author)."""
        value = self.article.get(key)
        entries = value if isinstance(value, list) else [value]
        return [
            name
            for entry in entries
            if not (isinstance(entry, dict) and _types(entry) & ORGANIZATION_TYPES)
            for name in (n.strip() for n in _names(entry))
            if name
        ]

    def keywords(self) -> list[str]:
        value = self.article.get("keywords")
        if isinstance(value, str):
            return [k.strip() for k in value.replace("،", ",").split(",") if k.strip()]
        return self.names("keywords")

    def images(self) -> list[str]:
        return _urls(self.article.get("image"))
