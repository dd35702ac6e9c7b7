"""The extraction chain: every field of an article page from structured data, then the site's
selectors, then a generic fallback, remembering which step gave it.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from functools import cache, cached_property
from typing import TYPE_CHECKING, TypeVar

import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector
from parsel import SelectorList
from scrapy.http import TextResponse
from w3lib.url import safe_url_string

from crawler.blocks import block_text
from crawler.dates import JALALI_YEARS, TEHRAN, jalali_day, parse_jalali, parse_machine_date
from crawler.items import ArticleItem
from crawler.structured import StructuredData
from crawler.text import normalize_line, normalize_text, parse_int

if TYPE_CHECKING:
    from crawler.spiders import NewsSpider

T = TypeVar("T")
Step = tuple[str, Callable[[], T]]

# Lines that are page furniture wherever they appear inside an article's text.
# A label alone on its line, or with one value after it («کد خبر : 14491», «لینک کوتاه : https://…»);
# a paragraph that merely starts with such a word is text.
FURNITURE_LINE = re.compile(
    "^(لینک کوتاه|لینک اصل خبر.*|کد خبر|برچسب[\u200c ]?ها|اشتراک[\u200c ]?گذاری|نظرات|ارسال نظر|ثبت دیدگاه)"
    r"\s*[:：]?\s*\S*$")
# An excerpt cut off by the CMS is not a lead.
TRUNCATED = re.compile(r"(\[\s*(…|\.\.\.)\s*\]|…|\.\.\.)\s*$")
# A body line this short that holds a date is a dateline («۱۸ تیر ۱۴۰۴ - ۰۹:۱۵»), not text.
DATELINE_MAX = 40
# Dates later than this after the crawl are not publication dates.
FUTURE_SLACK = timedelta(days=1)


def _first(steps: Iterable[Step[T]]) -> tuple[T | None, str | None]:
    """The first non-empty value of a chain of (step name, getter), with the step's name."""
    for name, getter in steps:
        value = getter()
        if value:
            return value, name
    return None, None


@cache
def _compiled(css: str) -> CSSSelector | None:
    return CSSSelector(css, translator="html") if css else None


def _day_of(moment: datetime | None) -> datetime | None:
    return moment.replace(hour=0, minute=0, second=0) if moment else None


def _has_words(text: str) -> bool:
    """Whether the text has a letter or a digit: a line of only «.» or «***» is layout, not text."""
    return any(character.isalnum() for character in text)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def lead_or_nothing(text: str, body: str) -> str:
    """The text as a lead, or "" when it is none: empty of words, or a CMS auto-excerpt of the body."""
    text = normalize_text(text)
    if not _has_words(text) or TRUNCATED.search(text) or body.startswith(text):
        return ""
    return text


class ArticlePage:
    """One fetched article page of a site, read through the site's description (its spider)."""

    def __init__(self, site: NewsSpider, response: TextResponse):
        self.site = site
        self.response = response
        self.data = StructuredData(response.selector)
        self.now = datetime.now(timezone.utc)
        self.provenance: dict[str, str] = {}
        self._selected: dict[str, SelectorList] = {}
        # A line of the body holding only a date, taken out of the body by _clean_body.
        self.dateline: datetime | None = None

    # -- selectors -------------------------------------------------------------------------------

    def _css(self, field: str) -> SelectorList:
        # Several steps read the same field (title, kicker): each query walks the whole page once.
        if field not in self._selected:
            query = self.site.selectors.get(field)
            self._selected[field] = self.response.css(query) if query else SelectorList()
        return self._selected[field]

    def selected_text(self, field: str) -> str:
        return normalize_text("\n".join(block_text(node.root) for node in self._css(field)))

    def selected_list(self, field: str) -> list[str]:
        return _unique(normalize_line(" ".join(node.css("::text").getall())) for node in self._css(field))

    @cached_property
    def container(self):
        nodes = self._css("article")
        return nodes[0] if nodes else None

    @property
    def has_site_markup(self) -> bool:
        return bool(self._css("title") or self._css("body"))

    @property
    def is_article(self) -> bool:
        """Evidence in the page itself (not only its URL) that it is one article."""
        return self.data.is_article or self.has_site_markup

    # -- the chain -------------------------------------------------------------------------------

    def _record(self, field: str, chain: Iterable[Step[T]]) -> T | None:
        value, step = _first(chain)
        if step:
            self.provenance[field] = step
        return value

    def item(self) -> ArticleItem:
        title = self.title()
        body = self.body(title)
        published_at = self.published_at(body)
        item = ArticleItem(
            source=self.site.name,
            news_code=self.news_code(),
            url=self.url(),
            title=title,
            lead=self.lead(body),
            body=body,
            published_at=published_at,
            published_jalali=jalali_day(published_at) if published_at else "",
            kicker=self.kicker(),
            category=self.category(),
            tags=self.tags(),
            authors=self.authors(),
            images=self.images(),
            view_count=self.view_count(),
            crawled_at=self.now,
        )
        item.provenance = dict(self.provenance)
        return item

    def url(self) -> str:
        candidates = (self.data.link("canonical"), self.data.meta("og:url"))
        for candidate in candidates:
            absolute = self.response.urljoin(candidate) if candidate else ""
            if absolute and self.site.owns_url(absolute):
                return safe_url_string(absolute)
        return safe_url_string(self.response.url)

    def news_code(self) -> str:
        code = self._record("news_code", self.site.news_code_steps(self))
        if code:
            return str(code)
        # Last resort, so that an article is never lost for want of an id: stable per URL, and counted.
        self.provenance["news_code"] = "url_hash"
        return "h" + hashlib.sha1(self.url().encode()).hexdigest()[:16]

    def title(self) -> str:
        return self._record("title", [
            ("jsonld", lambda: normalize_line(self.data.text("headline"))),
            ("meta", lambda: self._without_site_name(normalize_line(self.data.meta("og:title")))),
            ("selector", lambda: normalize_line(" ".join(self.selected_text("title").split("\n")))),
            ("fallback", self._generic_title),
        ]) or ""

    def kicker(self) -> str:
        # «… خبر داد:» leads into the title; the colon is layout, not part of the kicker.
        return self._record("kicker", [("selector", lambda: self.selected_text("kicker").rstrip(" :："))]) or ""

    def lead(self, body: str) -> str:
        def usable(text: str) -> str:
            return lead_or_nothing(text, body)

        return self._record("lead", [
            ("jsonld", lambda: usable(self.data.text("description"))),
            ("selector", lambda: usable(self.selected_text("lead"))),
            ("meta", lambda: usable(self.data.meta("og:description") or self.data.meta("description"))),
        ]) or ""

    def body(self, title: str) -> str:
        return self._record("body", [
            ("selector", lambda: self._clean_body(self._selected_body(), title)),
            ("jsonld", lambda: self._clean_body(self.data.text("articleBody"), title)),
            ("fallback", lambda: self._clean_body(self._generic_body(), title)),
        ]) or ""

    def published_at(self, body: str) -> datetime | None:
        moment = self._record("published_at", [
            ("jsonld", lambda: self._plausible(parse_machine_date(self.data.text("datePublished")))),
            ("meta", lambda: self._plausible(parse_machine_date(
                self.data.meta("article:published_time") or self._time_element()))),
            ("selector", lambda: self._plausible(parse_jalali(self.selected_text("date")))),
            # From the article's own text, the provenance says so: a dateline printed above the
            # text as it stands; else the first date of the prose, date-only (a time there is an event's).
            ("text", lambda: self._plausible(self.dateline or _day_of(parse_jalali(body)))),
        ])
        # The same instant on Tehran's clock, whatever offset the page wrote it with (Yoast writes UTC).
        return moment.astimezone(TEHRAN) if moment else None

    def category(self) -> str:
        return self._record("category", [
            # A list in Yoast's JSON-LD, most specific last.
            ("jsonld", lambda: normalize_line((self.data.names("articleSection") or [""])[-1])),
            ("meta", lambda: normalize_line(self.data.meta("article:section"))),
            ("selector", lambda: (self.selected_list("category") or [""])[-1]),
        ]) or ""

    def tags(self) -> list[str]:
        return self._record("tags", [
            ("jsonld", lambda: _unique(normalize_line(k) for k in self.data.keywords())),
            ("meta", lambda: _unique(normalize_line(k) for k in self.data.metas("article:tag"))),
            ("selector", lambda: self.selected_list("tags")),
        ]) or []

    def authors(self) -> list[str]:
        return self._record("authors", [
            ("jsonld", lambda: _unique(normalize_line(n) for n in self.data.names("author"))),
            ("meta", lambda: _unique(normalize_line(a) for a in self.data.metas("author") if "://" not in a)),
            ("selector", lambda: self.selected_list("authors")),
        ]) or []

    def images(self) -> list[str]:
        structured = [*self.data.images(), *self.data.metas("og:image")]
        selected = self._css("images").css("::attr(data-src), ::attr(src)").getall()
        if structured:
            self.provenance["images"] = "jsonld" if self.data.images() else "meta"
        elif selected:
            self.provenance["images"] = "selector"
        return _unique(safe_url_string(self.response.urljoin(u.strip())) for u in [*structured, *selected]
                       if u.strip() and not u.strip().startswith("data:"))

    def view_count(self) -> int | None:
        return self._record("view_count", [("selector", lambda: parse_int(self.selected_text("views")))])

    # -- helpers ---------------------------------------------------------------------------------

    def _plausible(self, moment: datetime | None) -> datetime | None:
        """No date is better than a wrong one: nothing in the future or outside the Jalali era we read."""
        if moment is None or moment > self.now + FUTURE_SLACK:
            return None
        return moment if int(jalali_day(moment)[:4]) in JALALI_YEARS else None

    def _time_element(self) -> str:
        """A <time datetime> that belongs to the article, never one from a sidebar."""
        marked = "time[itemprop=datePublished]::attr(datetime), time.published::attr(datetime)"
        if self.container is None:
            return self.response.css(marked).get() or ""
        return self.container.css(marked).get() or self.container.css("time::attr(datetime)").get() or ""

    def _selected_body(self) -> str:
        return "\n".join(self._article_text(node.root) for node in self._css("body"))

    def _article_text(self, element) -> str:
        """The element's text without what the site puts in its articles that is not the article."""
        drop = _compiled(", ".join(self.site.drop_from_body))
        element = copy.deepcopy(element)
        for unwanted in drop(element) if drop else []:
            unwanted.drop_tree()
        return block_text(element)

    def body_of(self, content_html: str, title: str) -> str:
        """The body from the post's content as the CMS stores it (WordPress's «content.rendered»),
        cleaned by the same rules as the body of this page."""
        if not content_html.strip():
            return ""
        return self._clean_body(self._article_text(lxml.html.fragment_fromstring(content_html, create_parent="div")),
                                title)

    def _clean_body(self, text: str, title: str) -> str:
        lines = [line for line in normalize_text(text).split("\n") if _has_words(line)]
        kicker = self.selected_text("kicker")
        # Pages often repeat the kicker and the title above the body.
        while lines and lines[0] in {title, kicker}:
            lines.pop(0)
        kept = []
        for line in lines:
            dated = parse_jalali(line) if len(line) <= DATELINE_MAX else None
            if dated:
                self.dateline = self.dateline or dated
            elif not FURNITURE_LINE.match(line):
                kept.append(line)
        return "\n".join(kept)

    def _generic_title(self) -> str:
        scope = self.container if self.container is not None else self.response
        heading = normalize_line(" ".join(scope.css("h1 ::text").getall()))
        return heading or self._without_site_name(normalize_line(self.response.css("title::text").get() or ""))

    def _generic_body(self) -> str:
        # As HTML, not text: trafilatura's text output drops ZWNJ, which is Persian spelling.
        # Precision first; old table layouts only yield to recall. `fast`: without trafilatura's own
        # fallbacks (jusText would hold every language's stoplist in memory, ~27 MB, for the run).
        for favour in ({"favor_precision": True}, {"favor_recall": True}):
            main = trafilatura.extract(self.response.text, output_format="html", include_comments=False,
                                       include_tables=False, fast=True, **favour)
            if main:
                return block_text(lxml.html.fromstring(main))
        return ""

    def _without_site_name(self, title: str) -> str:
        site_name = normalize_line(self.data.meta("og:site_name")) or self.site.site_name
        if site_name:
            title = re.sub(rf"\s*[-|–—:]\s*{re.escape(site_name)}\s*$", "", title)
            title = re.sub(rf"^{re.escape(site_name)}\s*[-|–—:]\s*", "", title)
        return title.strip()
