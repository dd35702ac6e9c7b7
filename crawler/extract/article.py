"""The extraction chain: every field of an article page from structured data, then the site's
selectors, then a generic fallback, remembering which step gave it.
"""

from __future__ import annotations

import codecs
import copy
import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from functools import cache, cached_property
from typing import TypeVar
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from parsel import SelectorList
from scrapy.http import TextResponse
from w3lib.url import safe_url_string

from crawler.extract.blocks import block_text
from crawler.extract.datefinder import find_published
from crawler.extract.dates import (
    DAY,
    JALALI_YEARS,
    TEHRAN,
    clean_date_text,
    jalali_dates,
    jalali_day,
    machine_precision,
    parse_jalali,
    parse_machine_date,
    read_jalali,
)
from crawler.extract.layout import PageLayout, element_text
from crawler.extract.selectors import PageSelectors
from crawler.extract.site import Site
from crawler.extract.structured import StructuredData
from crawler.extract.text import latin_digits, normalize_line, normalize_text, parse_int
from crawler.extract.urls import bare_host, canonical_url
from crawler.items import ArticleItem

T = TypeVar("T")
Step = tuple[str, Callable[[], T]]

# Lines that are page furniture wherever they appear inside an article's text.
# A label alone on its line, or with one value after it («کد خبر : 14491», «لینک کوتاه : https://…»);
# a paragraph that merely starts with such a word is text.
FURNITURE_LINE = re.compile(
    "^(لینک کوتاه|لینک اصل خبر.*|کد خبر|شناسه خبر|کد مطلب|برچسب[\u200c ]?ها|اشتراک[\u200c ]?گذاری"
    "|نظرات|ارسال نظر|ثبت دیدگاه)"
    r"\s*[:：]?\s*\S*$"
)
# An excerpt cut off by the CMS is not a lead.
TRUNCATED = re.compile(r"(\[\s*(…|\.\.\.)\s*\]|…|\.\.\.)\s*$")
# A body line this short that holds a date is a dateline («۱۸ تیر ۱۴۰۴ - ۰۹:۱۵»), not text.
DATELINE_MAX = 40
# Dates later than this after the crawl are not publication dates.
FUTURE_SLACK = timedelta(days=1)
# What makes a date of the prose the article's own: «امروز» just before it («امروز سه شنبه ۱۰ اسفند
# ۱۴۰۰»), or the text naming it as the date («در تاریخ ۳۰ خرداد ۱۳۹۷»).
TEXT_DATE_EVIDENCE = re.compile(r"(امروز\s*(\S+\s*){0,2}|در تاریخ\s*)$")
# A photo's caption or credit, a gallery's counter: not body text.
# «نمای ۱ از ۴», «نمای ۱ از بوستان»: a photo report's caption, short; a sentence that starts so is text.
CAPTION_LINE = re.compile(r"^((عکس|عکاس|تصویر|فیلم|ویدئو)\s*[:：]|نمای\s*\d+\s*از\s*(\d+|.{1,40}$)|\d+\s*/\s*\d+$)")
# A figure's or a gallery's caption inside the body's element, whatever the site: not the article's text.
CAPTIONS = ("figcaption", ".wp-caption-text", ".gallery-caption")
# The printed news code: «کد خبر : 14491», «شناسه خبر ۱۲۳», «کد مطلب: 77».
CODE_LABEL = re.compile(r"(کد|شناسه)\s*(خبر|مطلب)\s*[:：]?\s*(\d+)")
# A view counter: «۹۸۷ بازدید», «بازدید: ۵۱», «تعداد بازدید : ۷۷», «12,480 بار بازدید».
VIEWS_AFTER = re.compile(r"(\d[\d,٬]*)\s*(بار\s*)?بازدید")
VIEWS_BEFORE = re.compile(r"بازدید\s*(ها)?\s*[:：]?\s*(\d[\d,٬]*)")
TAGS_LABEL = re.compile(r"^(برچسب|کلیدواژه|کلید واژه|کلمات کلیدی|تگ)\s*(ها)?\s*[:：]?$")
# «ادامه مطلب»: an excerpt in a listing, not an article.
READ_MORE = re.compile(r"^(ادامه (مطلب|خبر)|بیشتر بخوانید|مشاهده (ادامه|بیشتر)|ادامه)\s*(»|…|\.\.\.)?$")
# Titles of soft 404s, error and search pages.
NOT_FOUND = re.compile(
    r"یافت نشد|پیدا نشد|وجود ندارد|صفحه مورد نظر|\b404\b|not found|server error|runtime error"
    r"|^خطا|^error\b|نتایج جستجو|جستجو برای|search results",
    re.I,
)
SEARCH_URL = re.compile(r"[?&](s|q|query|search|keyword)=|/search\b|/جستجو", re.I)
# A resized copy WordPress makes of an uploaded image: «reje-1-1024x683.jpg» is «reje-1.jpg».
RESIZED = re.compile(r"-(\d{2,4})x(\d{2,4})(?=\.\w+$)")
# A link to an image file (a thumbnail's link to its full image).
IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|avif)$", re.I)
# Image CDNs that serve a site's own uploads: WordPress's Jetpack (i0.wp.com/<site>/…), ArvanCloud's storage.
IMAGE_CDNS = ("wp.com", "arvanstorage.ir")
# The words the generic rules' labels hold, found in one walk of the page.
LABEL_WORDS = ("ادامه", "بیشتر", "کد ", "كد ", "شناسه ", "بازد", "برچسب", "کلیدواژه", "کلید واژه", "کلمات کلیدی")
# A body without a sentence this long (in words) is a list of links or headings, not prose.
PROSE_WORDS = 6


def _first(steps: Iterable[Step[T]]) -> tuple[T | None, str | None]:
    """The first non-empty value of a chain of (step name, getter), with the step's name."""
    for name, getter in steps:
        value = getter()
        if value:
            return value, name
    return None, None


# What `node.css("::text").getall()` gives, without making a selector of each text.
_TEXTS = etree.XPath("descendant-or-self::text()", smart_strings=False)
# The elements below a block whose own text holds one of LABEL_WORDS, or whose title counts views: reached
# from their text and title nodes (libxml2 walks those faster than it tests every element's text).
_LABELLED = etree.XPath(
    " | ".join(
        (
            ".//*/text()[{}]/..".format(" or ".join(f"contains(., '{word}')" for word in LABEL_WORDS)),
            ".//*/@title[contains(., 'بازد')]/..",
        )
    )
)


@cache
def _compiled(css: str) -> CSSSelector | None:
    return CSSSelector(css, translator="html") if css else None


def _day_of(moment: datetime | None) -> datetime | None:
    return moment.replace(hour=0, minute=0, second=0) if moment else None


def _has_words(text: str) -> bool:
    """Whether the text has a letter or a digit: a line of only «.» or «***» is layout, not text."""
    return any(character.isalnum() for character in text)


def _after(element, nodes: Iterable) -> Iterable:
    """The nodes (in document order) that come after the element."""
    return itertools.islice(itertools.dropwhile(lambda node: node is not element, nodes), 1, None)


def _image_area(url: str) -> int:
    """The pixels a resized copy's name states; an original's (no size in its name) counts as the largest."""
    size = RESIZED.search(url)
    return int(size.group(1)) * int(size.group(2)) if size else 1 << 40


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def utf8_when_valid(response: TextResponse) -> TextResponse:
    """A page whose bytes are valid UTF-8 is read as UTF-8, whatever it declares: a template left at
    windows-1256 over UTF-8 content would otherwise turn every letter into mojibake, while Persian
    text really in windows-1256 is practically never valid UTF-8."""
    if response.body.isascii() or codecs.lookup(response.encoding).name == "utf-8":
        return response
    try:
        response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response
    return response.replace(encoding="utf-8")


def lead_or_nothing(text: str, body: str) -> str:
    """The text as a lead, or "" when it is none: empty of words, or a CMS auto-excerpt of the body."""
    text = normalize_text(text)
    if not _has_words(text) or TRUNCATED.search(text) or body.startswith(text):
        return ""
    return text


def article_text(site: Site, element) -> str:
    """The element's text without what the site puts in its articles that is not the article."""
    drop = _compiled(", ".join((*site.drop_from_body, *CAPTIONS)))
    element = copy.deepcopy(element)
    for unwanted in drop(element) if drop else []:
        unwanted.drop_tree()
    return block_text(element)


def _views_line(line: str) -> bool:
    """A view counter on its own line («تعداد بازدید : ۱۲۸»): furniture."""
    line = latin_digits(line)
    return len(line) <= DATELINE_MAX and bool(VIEWS_AFTER.search(line) or VIEWS_BEFORE.search(line))


def clean_body(text: str, title: str, kicker: str = "") -> tuple[str, tuple[datetime, str] | None]:
    """The body's lines that are the article's, and the dateline that opens it with its precision (or None)."""
    lines = [line for line in normalize_text(text).split("\n") if _has_words(line)]
    # Pages often repeat the kicker and the title above the body.
    while lines and (
        lines[0] in {title, kicker} or title and lines[0].endswith(title) and len(lines[0]) < len(title) + DATELINE_MAX
    ):
        lines.pop(0)
    kept: list[str] = []
    dateline: tuple[datetime, str] | None = None
    for line in lines:
        dated = read_jalali(line) if len(line) <= DATELINE_MAX else None
        if dated:
            # Only a date that opens the text is the article's dateline; further down, a short
            # dated line is a caption's or another article's.
            if not kept:
                dateline = dateline or dated
        elif not (FURNITURE_LINE.match(line) or CAPTION_LINE.match(line) or _views_line(line) or line == title):
            kept.append(line)
    return "\n".join(kept), dateline


def body_of(site: Site, content_html: str, title: str, kicker: str = "") -> str:
    """The body from an article's HTML as the CMS stores it (WordPress's «content.rendered»), cleaned by
    the same rules as the body of the site's pages."""
    if not content_html.strip():
        return ""
    element = lxml.html.fragment_fromstring(content_html, create_parent="div")
    return clean_body(article_text(site, element), title, kicker)[0]


class ArticlePage:
    """One fetched article page of a site, read through the site's description."""

    def __init__(self, site: Site, response: TextResponse):
        self.site = site
        self.response = utf8_when_valid(response)
        self.data = StructuredData(self.response.selector)
        self.now = datetime.now(timezone.utc)
        self._item: ArticleItem | None = None
        self.provenance: dict[str, str] = {}
        self._selected: dict[str, SelectorList] = {}
        # A line of the body holding only a date, taken out of the body by _clean_body, and its precision.
        self.dateline: tuple[datetime, str] | None = None
        self._title = ""

    # -- selectors -------------------------------------------------------------------------------

    def _css(self, field: str) -> SelectorList:
        """The nodes of the first selector layer (site, then CMS family) that selects any."""
        # Several steps read the same field (title, kicker): each query walks the whole page once.
        if field not in self._selected:
            self._selected[field] = SelectorList()
            for query in self.site.selector_layers(field):
                if nodes := self._selectors.css(query):
                    self._selected[field] = nodes
                    break
        return self._selected[field]

    @cached_property
    def _selectors(self) -> PageSelectors:
        return PageSelectors(self.response.selector)

    def selected_text(self, field: str) -> str:
        return normalize_text("\n".join(block_text(node.root) for node in self._css(field)))

    def selected_list(self, field: str) -> list[str]:
        return _unique(normalize_line(" ".join(_TEXTS(node.root))) for node in self._css(field))

    @cached_property
    def container(self):
        nodes = self._css("article")
        return nodes[0] if nodes else None

    @property
    def has_site_markup(self) -> bool:
        return bool(self._css("title") or self._css("body"))

    @cached_property
    def _labelled(self) -> list:
        """The elements whose own text holds a word a generic rule looks for (read more, news code, views,
        tags), around the block that holds the article's title and text (its footer may be beside it):
        one walk for all of them, not of the whole page."""
        scope = self.layout.head_scope
        scope = scope.getparent() if scope.getparent() is not None else scope
        return _LABELLED(scope)

    def _labelled_with(self, *words: str) -> list:
        return [
            element
            for element in self._labelled
            if any(word in "".join(element.itertext()) or word in (element.get("title") or "") for word in words)
        ]

    @cached_property
    def layout(self) -> PageLayout:
        """Where the title and the body sit, once the title is read (the generic steps need them)."""
        return PageLayout(
            self.response.selector.root, self._title, self.response.url, self.site.is_article_url, self.site.code_in_url
        )

    def not_an_article(self, item: ArticleItem | None = None) -> str:
        """Why the page is not one article («» when it is). Structured data or the site's markup say it is
        before anything is read; a search page, a soft 404 or an error page is not, whatever its URL. Once
        read, a listing of excerpts is not; and a page at a URL the site's rule does not know must show a
        title, a block of prose (not a list of links) and a date or a code of its own. At an article URL,
        what the page lacks is left to validation, which names it and counts it (a changed layout)."""
        if self.data.is_article:
            return ""
        if item is None:
            heading = normalize_line(" ".join(self._selectors.css("title::text, h1 ::text").getall()))
            if SEARCH_URL.search(self.response.url):
                return "a search page"
            if NOT_FOUND.search(heading):
                return "an error or search page"
            return ""
        if self.has_site_markup:
            return "a listing of excerpts" if self._reads_more() else ""
        if self._is_listing():
            return "a listing of excerpts"
        if self.site.is_article_url(self.response.url):
            return ""
        if not item.title:
            return "no title"
        if not any(len(line.split()) >= PROSE_WORDS for line in item.body.split("\n")):
            return "no block of prose"
        if item.published_at is None and self.provenance.get("news_code") == "url_hash":
            return "neither a date nor a news code"
        return ""

    def _reads_more(self) -> bool:
        """A «read more» link to another article: an excerpt's."""
        return any(
            READ_MORE.match(element_text(link)) and self.layout.links_to_other_article(link)
            for link in self._labelled_with("ادامه", "بیشتر")
            if link.tag == "a"
        )

    def _is_listing(self) -> bool:
        """A «read more» link to another article, a title that links to another article, text that sits
        beside a heading linking to another article (an excerpt under its headline), or no text of its
        own among headlines of other articles."""
        if self._reads_more():
            return True
        layout = self.layout
        title = layout.title_element
        if title is not None and any(
            layout.beside_other_article(node, levels=1) for node in (title, *title.iterancestors("a"))
        ):
            return True
        entry = layout.body_start
        if entry is None:
            # No prose of its own, and headlines of other articles: a list of them.
            headlines = [
                heading
                for heading in self.response.selector.root.iter("h2", "h3", "h4")
                if layout.beside_other_article(heading, levels=1) and not layout.is_chrome(heading)
            ]
            return len(headlines) >= 2
        for _ in range(2):
            entry = entry.getparent() if entry is not None else None
            if entry is not None and any(
                layout.beside_other_article(heading, levels=1) for heading in entry.iter("h1", "h2", "h3", "h4")
            ):
                return True
        return False

    # -- the chain -------------------------------------------------------------------------------

    def _record(self, field: str, chain: Iterable[Step[T]]) -> T | None:
        value, step = _first(chain)
        if step:
            self.provenance[field] = step
        return value

    def item(self) -> ArticleItem:
        """The article the page holds, read once (detection reads it before the spider does)."""
        if self._item is None:
            self._item = self._read_item()
        return self._item

    def _read_item(self) -> ArticleItem:
        title = self._title = self.title()
        body = self.body(title)
        self.layout.read_body(body)
        published_at, precision = self.published_at(body)
        item = ArticleItem(
            source=self.site.name,
            news_code=self.news_code(),
            url=self.url(),
            title=title,
            lead=self.lead(body),
            body=body,
            published_at=published_at,
            published_jalali=jalali_day(published_at) if published_at else "",
            published_precision=precision,
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
                return canonical_url(absolute)
        return canonical_url(self.response.url)

    def news_code(self) -> str:
        code = self._record("news_code", self.news_code_steps())
        if code:
            return str(code)
        # Last resort, so that an article is never lost for want of an id: stable per URL, and counted.
        self.provenance["news_code"] = "url_hash"
        return "h" + hashlib.sha1(self.url().encode()).hexdigest()[:16]

    def news_code_steps(self) -> list[Step[str]]:
        """Where the news code comes from, in order: the URL, the site's selector, then the site's rules
        (its CMS family's by default: a printed «کد خبر», the post id, a portal's «ID=» parameter)."""
        return [
            ("url", lambda: self.site.code_in_url(self.response.url)),
            ("selector", lambda: str(parse_int(self.selected_text("news_code")) or "")),
            *((step, functools.partial(rule, self)) for step, rule in self.site.news_code_rules),
        ]

    def title(self) -> str:
        return (
            self._record(
                "title",
                [
                    ("jsonld", lambda: normalize_line(self.data.text("headline"))),
                    ("meta", lambda: self._without_site_name(normalize_line(self.data.meta("og:title")))),
                    ("selector", lambda: normalize_line(" ".join(self.selected_text("title").split("\n")))),
                    ("fallback", self._generic_title),
                ],
            )
            or ""
        )

    def kicker(self) -> str:
        # «… خبر داد:» leads into the title; the colon is layout, not part of the kicker.
        return self._record("kicker", [("selector", lambda: self.selected_text("kicker").rstrip(" :："))]) or ""

    def lead(self, body: str) -> str:
        def usable(text: str) -> str:
            return lead_or_nothing(text, body)

        return (
            self._record(
                "lead",
                [
                    ("jsonld", lambda: usable(self.data.text("description"))),
                    ("selector", lambda: usable(self.selected_text("lead"))),
                    ("meta", lambda: usable(self.data.meta("og:description") or self.data.meta("description"))),
                ],
            )
            or ""
        )

    def body(self, title: str) -> str:
        return (
            self._record(
                "body",
                [
                    ("selector", lambda: self._clean_body(self._selected_body(), title)),
                    ("jsonld", lambda: self._clean_body(self.data.text("articleBody"), title)),
                    ("fallback", lambda: self._clean_body(self._generic_body(), title)),
                ],
            )
            or ""
        )

    def published_at(self, body: str) -> tuple[datetime | None, str | None]:
        """The publication instant on Tehran's clock, and how exactly the page states it (`DAY`: a date
        without a time, stored at 00:00)."""
        evidence: list[str] = []
        precisions: dict[str, str] = {}

        def machine(step: str, value: str) -> datetime | None:
            precisions[step] = machine_precision(value)
            return self._plausible(parse_machine_date(value))

        def printed(step: str, found: tuple[datetime, str] | None) -> datetime | None:
            moment, precisions[step] = found or (None, DAY)
            return self._plausible(moment)

        def in_article_head() -> datetime | None:
            moment, found, precisions["near_title"] = find_published(self.layout, self._plausible)
            evidence.append(found or "")
            return moment

        moment = self._record(
            "published_at",
            [
                ("jsonld", lambda: machine("jsonld", self.data.text("datePublished"))),
                ("meta", lambda: machine("meta", self.data.meta("article:published_time") or self._time_element())),
                ("selector", lambda: printed("selector", read_jalali(self.selected_text("date")))),
                # The page-level finder: a date next to the title; its evidence names the step.
                ("near_title", in_article_head),
                # A dateline printed above the text as it stands.
                ("dateline", lambda: printed("dateline", self.dateline)),
                # The first date of the prose is an event's, date-only (a time there is an event's too),
                # unless the text says it is today's or the site declares its text dates are its own; never
                # when the article's head prints dates that disagree.
                ("text", lambda: self._plausible(_day_of(self._text_date(body))) if evidence != ["disagree"] else None),
            ],
        )
        precision = precisions.get(self.provenance.get("published_at", ""), DAY)
        if self.provenance.get("published_at") == "near_title":
            self.provenance["published_at"] = evidence[0]
        # The same instant on Tehran's clock, whatever offset the page wrote it with (Yoast writes UTC).
        return (moment.astimezone(TEHRAN), precision) if moment else (None, None)

    def category(self) -> str:
        return (
            self._record(
                "category",
                [
                    # A list in Yoast's JSON-LD, most specific last.
                    ("jsonld", lambda: normalize_line((self.data.names("articleSection") or [""])[-1])),
                    ("meta", lambda: normalize_line(self.data.meta("article:section"))),
                    ("selector", lambda: (self.selected_list("category") or [""])[-1]),
                ],
            )
            or ""
        )

    def tags(self) -> list[str]:
        return (
            self._record(
                "tags",
                [
                    ("jsonld", lambda: _unique(normalize_line(k) for k in self.data.keywords())),
                    ("meta", lambda: _unique(normalize_line(k) for k in self.data.metas("article:tag"))),
                    ("selector", lambda: self.selected_list("tags")),
                    ("fallback", self._generic_tags),
                ],
            )
            or []
        )

    def authors(self) -> list[str]:
        """The article's authors: people, never the outlet (Hamshahri credits «همشهری آنلاین»)."""
        outlets = {
            normalize_line(name)
            for name in (self.site.site_name, self.data.meta("og:site_name"), *self.data.names("publisher"))
            if name
        }

        def people(names: Iterable[str]) -> list[str]:
            return [name for name in _unique(map(normalize_line, names)) if name not in outlets]

        return (
            self._record(
                "authors",
                [
                    ("jsonld", lambda: people(self.data.people("author"))),
                    ("meta", lambda: people(a for a in self.data.metas("author") if "://" not in a)),
                    ("selector", lambda: people(self.selected_list("authors"))),
                ],
            )
            or []
        )

    def images(self) -> list[str]:
        """The article's images: http(s) URLs on the site's hosts, their subdomains or an image CDN
        (`IMAGE_CDNS`), never a `javascript:` or `data:` one; of the sizes of one image, the original, else
        the largest copy listed (a thumbnail linked to its full image gives the full image)."""
        structured = [*self.data.images(), *self.data.metas("og:image")]
        selected = [url for node in self._css("images") for url in self._image_sources(node.root)]
        if structured:
            self.provenance["images"] = "jsonld" if self.data.images() else "meta"
        elif selected:
            self.provenance["images"] = "selector"
        urls = _unique(safe_url_string(self.response.urljoin(u.strip())) for u in [*structured, *selected] if u.strip())
        kept: dict[str, str] = {}
        for url in filter(self._image_host, urls):
            original = RESIZED.sub("", url)
            if original not in kept or _image_area(url) > _image_area(kept[original]):
                kept[original] = url
        return list(kept.values())

    def _image_sources(self, image) -> list[str]:
        """An <img>'s own source, or the full image its link or srcset gives (a thumbnail's is its
        original)."""
        link = next(image.iterancestors("a"), None)
        href = (link.get("href") or "").strip() if link is not None else ""
        if IMAGE_FILE.search(href.split("?")[0]):
            return [href]
        srcset = [entry.split()[0] for entry in (image.get("srcset") or "").split(",") if entry.strip()]
        return [value for value in (image.get("data-src"), image.get("src"), *srcset) if value]

    def _image_host(self, url: str) -> bool:
        parts = urlsplit(url)
        host = bare_host(parts.hostname or "")
        return parts.scheme in ("http", "https") and any(
            host == known or host.endswith(f".{known}")
            for known in (*self.site.hosts, bare_host(self.response.url), *IMAGE_CDNS)
        )

    def view_count(self) -> int | None:
        return self._record(
            "view_count",
            [
                ("selector", lambda: parse_int(self.selected_text("views"))),
                ("fallback", self._generic_views),
            ],
        )

    def printed_news_code(self) -> str:
        """A printed «کد خبر», «شناسه خبر» or «کد مطلب» and its number, wherever the theme puts it."""
        for element in self._labelled_with("کد ", "كد ", "شناسه "):
            text = element_text(element)
            if len(text) < 20 and element.getparent() is not None:
                text = element_text(element.getparent())
            found = CODE_LABEL.search(latin_digits(text)) if len(text) <= 200 else None
            if found:
                return found.group(3)
        return ""

    # -- helpers ---------------------------------------------------------------------------------

    def _plausible(self, moment: datetime | None) -> datetime | None:
        """No date is better than a wrong one: nothing in the future or outside the Jalali era we read."""
        if moment is None or moment > self.now + FUTURE_SLACK:
            return None
        return moment if int(jalali_day(moment)[:4]) in JALALI_YEARS else None

    def _text_date(self, body: str) -> datetime | None:
        """The first date of the article's text when it is the publication's: the site declares so, or
        the text calls it «امروز» or «در تاریخ»."""
        if self.site.own_text_dates:
            return parse_jalali(body)
        for line in body.split("\n"):
            cleaned = clean_date_text(line)
            for moment, start, _, _ in jalali_dates(cleaned):
                if TEXT_DATE_EVIDENCE.search(cleaned[max(0, start - 30) : start]):
                    return moment
        return None

    def _time_element(self) -> str:
        """A <time datetime> that belongs to the article, never one from a sidebar."""
        marked = "time[itemprop=datePublished]::attr(datetime), time.published::attr(datetime)"
        if self.container is None:
            return self.response.css(marked).get() or ""
        return self.container.css(marked).get() or self.container.css("time::attr(datetime)").get() or ""

    def _selected_body(self) -> str:
        return "\n".join(self._article_text(node.root) for node in self._css("body"))

    def _article_text(self, element) -> str:
        return article_text(self.site, element)

    def _clean_body(self, text: str, title: str) -> str:
        body, dateline = clean_body(text, title, self.selected_text("kicker"))
        self.dateline = self.dateline or dateline
        return body

    def _generic_title(self) -> str:
        """The h1 of the article's container; else the heading that prints the page's <title> less the
        site's name; else the only h1 of the page; else that <title>."""
        if self.container is not None:
            heading = normalize_line(" ".join(self.container.css("h1 ::text").getall()))
            if heading:
                return heading
        title = self._without_site_name(normalize_line(self.response.css("title::text").get() or ""))
        headings = [
            normalize_line(" ".join(node.itertext())) for node in self.response.selector.root.iter("h1", "h2", "h3")
        ]
        for heading in headings:
            if heading and title and (heading == title or (len(heading) >= 10 and heading in title)):
                return heading
        h1s = [normalize_line(" ".join(node.itertext())) for node in self.response.selector.root.iter("h1")]
        return h1s[0] if len(h1s) == 1 and h1s[0] else title

    def _generic_views(self) -> int | None:
        """A number printed next to «بازدید» in the article's head or after its text, never in a side list."""
        layout = self.layout
        for element in self._labelled_with("بازد"):
            text = latin_digits(element_text(element))  # «بازديد» with Arabic yeh is unified here
            if not any(character.isdigit() for character in text) and element.getparent() is not None:
                # «<span>تعداد بازدید:</span> <span>۳,۴۸۲</span>»: the number is beside the label.
                text = latin_digits(element_text(element.getparent()))
            if "بازد" not in text:
                text = f"{text} بازدید"  # the label is the element's title attribute
            found = VIEWS_AFTER.search(text) or VIEWS_BEFORE.search(text) if len(text) <= 80 else None
            if found and not (
                layout.is_chrome(element) or layout.beside_other_article(element) or self._in_body_text(element)
            ):
                return parse_int(found.group(1) if found.re is VIEWS_AFTER else found.group(2))
        return None

    def _in_body_text(self, element) -> bool:
        """Inside the block of the body's paragraphs: a number there is the prose's."""
        start = self.layout.body_start
        block = start.getparent() if start is not None else None
        return block is not None and (element is block or block in element.iterancestors())

    def _generic_tags(self) -> list[str]:
        """WordPress's `a[rel~=tag]` (not «category tag»), else the links after a label «برچسب‌ها» /
        «کلیدواژه‌ها»."""
        layout = self.layout
        root = self.response.selector.root
        tagged = [
            link
            for link in root.xpath(
                "//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ') and not(contains(@rel, 'category'))]"
            )
            if not layout.is_chrome(link)
        ]
        if not tagged:
            for label in self._labelled_with("برچسب", "کلیدواژه", "کلید واژه", "کلمات کلیدی"):
                if TAGS_LABEL.match(normalize_line(label.text or "").replace("\u200c", " ")) and not layout.is_chrome(
                    label
                ):
                    # The links after the label, in its block or (a list of tags) its block's block.
                    for block in (label, *label.iterancestors())[:3]:
                        if tagged := [
                            link
                            for link in _after(label, block.iter())
                            if link.tag == "a" and "://" not in element_text(link)
                        ]:
                            break
                    if tagged:
                        break
        return _unique(normalize_line(" ".join(link.itertext())) for link in tagged)

    def _generic_body(self) -> str:
        # As HTML, not text: trafilatura's text output drops ZWNJ, which is Persian spelling.
        # Precision first; old table layouts only yield to recall. `fast`: without trafilatura's own
        # fallbacks (jusText would hold every language's stoplist in memory, ~27 MB, for the run).
        # trafilatura finds where the text is; the text is that block's (trafilatura drops a paragraph it
        # takes for a duplicate, or keeps a side column's or a comment's when class names tell it nothing).
        # Imported here: only a page no rule reads needs it, and its import costs every command 60 ms.
        import trafilatura

        for favour in ({"favor_precision": True}, {"favor_recall": True}):
            main = trafilatura.extract(
                self.response.text,
                output_format="html",
                include_comments=False,
                include_tables=False,
                fast=True,
                **favour,  # type: ignore[arg-type]  # mypy matches **favour against every parameter, not its one key
            )
            block = (
                self.layout.main_block(normalize_text(block_text(lxml.html.fromstring(main))).split("\n"))
                if main
                else None
            )
            lines = self.layout.text_of(block) if block is not None else []
            if any(len(line.split()) >= PROSE_WORDS for line in lines):
                return "\n".join(lines)
        block = self.layout.prose_block()
        return "\n".join(self.layout.text_of(block)) if block is not None else ""

    def _without_site_name(self, title: str) -> str:
        site_name = normalize_line(self.data.meta("og:site_name")) or self.site.site_name
        if site_name:
            title = re.sub(rf"\s*[-|–—:]\s*{re.escape(site_name)}\s*$", "", title)
            title = re.sub(rf"^{re.escape(site_name)}\s*[-|–—:]\s*", "", title)
        return title.strip()
