"""Where things sit on an article page, read from its structure alone: a theme may name its classes
anything, so the tags (header, nav, footer, aside), the title's element, the start of the body text
and links to other articles decide; class and id words are only extra evidence.

The generic steps of the extraction chain (the date finder, the view count, the news code label) take
only what sits next to the article's title, never what page chrome or another article's entry prints.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from functools import cached_property
from urllib.parse import unquote, urljoin

from lxml import etree

from crawler.extract.ancestors import settled_by_ancestors
from crawler.extract.blocks import SKIP_TAGS, block_text
from crawler.extract.dates import parse_jalali
from crawler.extract.text import ZWNJ, normalize_line, normalize_text

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Elements that are page chrome wherever they are, unless they hold the title (an article's own <header>).
CHROME_TAGS = {"nav", "aside", "header", "footer", "menu", "select", "marquee"}
# Class and id names that start with a word of chrome: side columns, widgets, related posts, comments,
# menus, tickers («sidebar», «widget», «comments-box», «RelatedNews»; not «elementor-widget-…»).
CHROME_WORDS = re.compile(
    r"side|widget|related|relevant|comment|respond|footer|header|menu|nav|breadcrumb|crumbs|ticker|marquee"
    r"|today|top-?bar|popular|most|latest|last-?news|archive|newsletter|poll|banner|advert",
    re.I,
)
# Another calendar printed beside a Jalali date: an element showing today in three calendars.
OTHER_CALENDAR = re.compile(
    r"محرم|صفر|ربیع|جمادی|رجب|شعبان|رمضان|شوال|ذی ?القعده|ذی ?الحجه|ذیقعده|ذیحجه|قمری|میلادی|هجری"
    r"|January|February|March|April|May|June|July|August|September|October|November|December"
    r"|ژانویه|فوریه|مارس|آوریل|ژوئن|ژوئیه|ژوئیه|اوت|سپتامبر|اکتبر|نوامبر|دسامبر",
    re.I,
)
# A tags block printed as one line: its label, then the tags' links.
TAGS_LINE = re.compile(r"^(برچسب|کلیدواژه|کلید واژه|کلمات کلیدی|تگ)")
# Text nodes shorter than this are not matched against the body's opening.
_MIN_PROBE = 4
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": None})


def _squeezed(text: str) -> str:
    """Text reduced for matching: Persian letters, no spaces or ZWNJ."""
    return "".join(text.translate(_LETTERS).split())


def _first_letter(text: str) -> str:
    """The first letter of the text as squeezed (`_squeezed(text)[:1]`), without squeezing it all."""
    for character in text:
        if not character.isspace() and character != ZWNJ:
            return character.translate(_LETTERS)
    return ""


def element_text(element: etree._Element) -> str:
    return normalize_line(" ".join(element.itertext()))


def text_nodes(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """(the element a text belongs to, the text) for every text and tail, scripts and forms' controls left out."""
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag and tag not in SKIP_TAGS and element.text:
            yield element, element.text
        parent = element.getparent()
        if element.tail and parent is not None:
            yield parent, element.tail


class PageLayout:
    """The article's title element, the start of its body text, and how any other element relates to them."""

    def __init__(
        self,
        root: etree._Element,
        title: str,
        url: str,
        is_article_url: Callable[[str], bool],
        code_in_url: Callable[[str], str],
    ):
        self.root = root
        self.title = title
        self.body_opening = ""
        self.url = url
        self.is_article_url = is_article_url
        self.code_in_url = code_in_url

    def read_body(self, body: str) -> None:
        """The article's text, once read: where its first line of prose begins places the article's head.
        A short first line may be a caption or a repeated heading."""
        opening = next((line for line in body.split("\n") if len(line) >= 60 and self.title not in line), "")
        self.body_opening = _squeezed(opening)[:200]
        self.__dict__.pop("body_start", None)
        self.__dict__.pop("title_block", None)
        self.__dict__.pop("_near_span", None)
        self.__dict__.pop("_head_order", None)
        self.__dict__.pop("_head_anchor", None)
        self.__dict__.pop("head_scope", None)
        self.__dict__.pop("_chrome", None)
        self.__dict__.pop("_title_block_holds", None)

    @cached_property
    def _text_index(self) -> list[tuple[etree._Element, str]]:
        return [(element, key) for element, text in text_nodes(self.root) if len(key := _squeezed(text)) >= _MIN_PROBE]

    @cached_property
    def _text_by_opening(self) -> dict[str, list[tuple[etree._Element, str]]]:
        """The text index by the first _MIN_PROBE letters of each text, in page order: a line and a text one of
        which begins the other share those (a line per lookup, not the page per line: a page of noise has
        tens of thousands of both)."""
        by_opening: dict[str, list[tuple[etree._Element, str]]] = {}
        for element, text in self._text_index:
            by_opening.setdefault(text[:_MIN_PROBE], []).append((element, text))
        return by_opening

    def locate(self, line: str) -> etree._Element | None:
        """The element where a line of extracted text begins: its first place after the title, else
        its first place on the page."""
        key = _squeezed(line)
        after = self.order.get(self.title_element, -1) if self.title_element is not None else -1
        candidates = self._text_by_opening.get(key[:_MIN_PROBE], []) if len(key) >= _MIN_PROBE else self._text_index
        found = [element for element, text in candidates if key.startswith(text) or text.startswith(key)]
        return next((element for element in found if self.order[element] > after), found[0] if found else None)

    def _link_only(self, line: str, element: etree._Element) -> bool:
        """A short line that is a link's text: a share button, a tag, a «read more»."""
        return len(line.split()) < 6 and (
            element.tag == "a" or element.getparent() is not None and element.getparent().tag == "a"
        )

    @staticmethod
    def _holds_links(element: etree._Element) -> bool:
        return any(
            next(node.iter("a"), None) is not None for node in (element, element.getparent()) if node is not None
        )

    def is_furniture(self, element: etree._Element) -> bool:
        """Above the title, in page chrome, in another article's entry, in a dated list item (a
        comment) or a figure's caption: not the article's text."""
        if self.title_element is not None and self.order[element] < self.order[self.title_element]:
            return True
        return (
            element.tag == "figcaption"
            or next(element.iterancestors("figcaption"), None) is not None
            or self.is_chrome(element)
            or self.beside_other_article(element, levels=2)
            or self._in_dated_item(element)
            or self._beside_comment_form(element)
        )

    @staticmethod
    def _beside_comment_form(element: etree._Element) -> bool:
        """In the block of a comment form (a text box to write in): the comments' area."""
        return any(next(block.iter("textarea"), None) is not None for block in (element, *element.iterancestors())[:3])

    def _in_dated_item(self, element: etree._Element) -> bool:
        """Inside a list item that prints a date of its own on a short line: a comment or a listing's entry."""
        for item in (element, *element.iterancestors())[:4]:
            if item.tag == "li":
                return any(len(text) <= 40 and parse_jalali(text) for _, text in text_nodes(item))
        return False

    def prose_block(self) -> etree._Element | None:
        """The element holding most of the page's prose (sentences of six words or more) after the
        title, page chrome and other articles' entries left out: the article's text when an extractor
        found none."""
        after = self.order.get(self.title_element, -1) if self.title_element is not None else -1
        weights: dict[etree._Element, int] = {}
        for element, text in text_nodes(self.root):
            if (
                len(text.split()) >= 6
                and self.order[element] > after
                and element.getparent() is not None
                and not self.is_furniture(element)
            ):
                weights[element.getparent()] = weights.get(element.getparent(), 0) + len(text)
        return max(weights, key=weights.__getitem__) if weights else None

    def main_block(self, lines: list[str]) -> etree._Element | None:
        """The element holding the page's main block of text, given lines an extractor took from it: the
        container holding most of their text, widened while a quarter of it lies outside; lines in page
        chrome, above the title or in another article's entry do not count."""
        weights: dict[etree._Element, int] = {}
        located = []
        for line in lines:
            element = self.locate(line)
            if element is not None and element.getparent() is not None and not self.is_furniture(element):
                located.append((line, element))
                weights[element.getparent()] = weights.get(element.getparent(), 0) + len(line)
        if not weights:
            return None
        # Widened for prose only: a source line or a heading outside the text block does not widen it.
        located = [(line, element) for line, element in located if len(line.split()) >= 6] or located
        total = sum(len(line) for line, _ in located)
        block = max(weights, key=weights.__getitem__)
        while (
            sum(len(line) for line, element in located if self._inside(element, block)) < 0.75 * total
            and block.getparent() is not None
            and block.getparent().tag not in ("body", "html")
        ):
            block = block.getparent()
        return block

    def text_of(self, block: etree._Element) -> list[str]:
        """The block's lines less page chrome, other articles' entries, lines that are only a link, and
        the headings and short lines above its first sentence (the article's head: title, meta line,
        view counter, print button)."""
        kept: list[str] = []
        title_end = self._last_descendant(self.title_element) if self.title_element is not None else -1
        for line in normalize_text(block_text(block)).split("\n"):
            element = self.locate(line)
            if element is not None and (
                self.is_furniture(element)
                or self._link_only(line, element)
                or TAGS_LINE.match(line)
                and self._holds_links(element)
            ):
                continue
            if not kept and (
                len(line.split()) < 6
                or len(line) <= 60
                and parse_jalali(line)
                or element is not None
                and (element.tag in HEADINGS or self.order[element] <= title_end)
            ):
                continue
            kept.append(line)
        return kept

    @cached_property
    def order(self) -> dict[etree._Element, int]:
        return {element: index for index, element in enumerate(self.root.iter())}

    @cached_property
    def title_element(self) -> etree._Element | None:
        """The heading that prints the title, else the smallest element whose text is the title."""
        if not self.title:
            return None
        for heading in self.root.iter(*HEADINGS):
            if element_text(heading) == self.title:
                return heading
        wanted = _squeezed(self.title)
        for element in self.root.iter():
            if (
                isinstance(element.tag, str)
                and element.text
                and _first_letter(element.text) == wanted[:1]
                and wanted.startswith(_squeezed(element.text)[:20] or "\0")
                and _squeezed("".join(element.itertext())) == wanted
            ):
                return element
        return None

    @cached_property
    def body_start(self) -> etree._Element | None:
        """The element where the body's first line begins (after the title when there is one)."""
        if len(self.body_opening) < _MIN_PROBE:
            return None
        title = self.title_element
        past_title = title is None
        for element in self.root.iter():
            if element is title:
                past_title = True
                continue
            if not past_title:
                continue  # the body starts after the title
            for owner, text in ((element, element.text), (element.getparent(), element.tail)):
                # Squeezed, a text that could open the body starts with the opening's first letter.
                if (
                    text
                    and owner is not None
                    and owner is not title
                    and isinstance(owner.tag, str)
                    and _first_letter(text) == self.body_opening[0]
                ):
                    key = _squeezed(text)
                    if len(key) >= _MIN_PROBE and self.body_opening.startswith(key[: len(self.body_opening)]):
                        return owner
        return None

    @cached_property
    def title_ancestors(self) -> set[etree._Element]:
        return (
            set(self.title_element.iterancestors()) | {self.title_element} if self.title_element is not None else set()
        )

    @cached_property
    def title_block(self) -> etree._Element | None:
        """The largest element around the title that does not reach the body: the title's head block,
        where themes print the meta line (date, views, code)."""
        block = self.title_element
        if block is None:
            return None
        body_ancestors = set(self.body_start.iterancestors()) if self.body_start is not None else set()
        # Without the body's start, no further than the title's near blocks.
        levels = 99 if self.body_start is not None else 2
        while (
            (parent := block.getparent()) is not None
            and parent not in body_ancestors
            and levels
            and parent.tag not in ("body", "html")
            and not self._holds_chrome(parent)
        ):
            block = parent
            levels -= 1
        return block

    def _holds_chrome(self, element: etree._Element) -> bool:
        return any(child.tag in CHROME_TAGS for child in element.iterchildren())

    def _last_descendant(self, element: etree._Element, order: dict[etree._Element, int] | None = None) -> int:
        last = deque(element.iter(), maxlen=1)[0]  # iter() walks the element itself first, then its descendants
        return (self.order if order is None else order)[last]

    @cached_property
    def _head_anchor(self) -> etree._Element | None:
        """The title's block; without a title element, the block two levels above the body's start."""
        if self.title_block is not None or self.body_start is None:
            return self.title_block
        anchor = self.body_start
        for _ in range(2):
            if anchor.getparent() is not None and anchor.getparent().tag not in ("body", "html"):
                anchor = anchor.getparent()
        return anchor

    @cached_property
    def head_scope(self) -> etree._Element:
        """The block that holds the article's head (its anchor's parent), the only part of the page the
        head can lie in: cheaper to read than the whole page."""
        anchor = self._head_anchor
        scope = anchor.getparent() if anchor is not None else None
        return self.root if scope is None or scope.tag in ("body", "html") else scope

    @cached_property
    def _head_order(self) -> dict[etree._Element, int]:
        return {element: index for index, element in enumerate(self.head_scope.iter())}

    def _inside(self, element: etree._Element, container: etree._Element | None) -> bool:
        if container is None:
            return False
        return container is element or any(ancestor is container for ancestor in element.iterancestors())

    @cached_property
    def _near_span(self) -> tuple[int, int] | None:
        """Positions from the block above the title to the start of the body: the article's head."""
        anchor = self._head_anchor
        start_node = self.body_start
        if anchor is None:
            return None
        order = self._head_order
        if anchor not in order:
            return None
        previous = [sibling for sibling in anchor.itersiblings(preceding=True) if isinstance(sibling.tag, str)][:2]
        first = order[previous[-1]] if previous else order[anchor]
        if start_node is not None and order.get(start_node, -1) > first:
            last = order[start_node] - 1
        else:
            last = self._last_descendant(anchor, order)
            following = [s for s in anchor.itersiblings() if isinstance(s.tag, str)][:2]
            if following:
                last = self._last_descendant(following[-1], order)
        return first, last

    def is_chrome(self, element: etree._Element) -> bool:
        """Inside a header, nav, footer or side column (by tag, or by class/id words outside the title's
        block: inside it, «item-nav» is the article's own meta row)."""
        head = self.title_block

        def decide(node: etree._Element) -> bool | None:
            if node in self.title_ancestors:
                return False
            if not isinstance(node.tag, str):
                return None
            if node.tag in CHROME_TAGS and not (
                node.tag in ("header", "footer") and getattr(node.getparent(), "tag", "") == "article"
            ):
                return True  # an <article>'s own header and footer (meta line, tags) are the article's
            words = f"{node.get('class', '')} {node.get('id', '')}".split()
            if node is not head and any(map(CHROME_WORDS.match, words)) and not self._in_title_block(node):
                return True
            return None

        return settled_by_ancestors(element, decide, self._chrome)

    @cached_property
    def _chrome(self) -> dict[etree._Element, bool]:
        return {}

    @cached_property
    def _title_block_holds(self) -> dict[etree._Element, bool]:
        return {}

    def _in_title_block(self, element: etree._Element) -> bool:
        """Whether the element is the title's block or inside it."""
        head = self.title_block
        return settled_by_ancestors(element, lambda node: True if node is head else None, self._title_block_holds)

    def _same_page(self, href: str) -> bool:
        """A link to this article: its URL in another spelling, or another URL with its news code."""

        def key(url: str) -> str:
            return unquote(url.split("#")[0]).rstrip("/").split("://")[-1].removeprefix("www.").lower()

        url = urljoin(self.url, href)
        code = self.code_in_url(self.url)
        return key(url) == key(self.url) or bool(code) and self.code_in_url(url) == code

    def beside_other_article(self, element: etree._Element, levels: int = 3) -> bool:
        """Whether the element belongs to another article's entry (a listing, related posts): it or one
        of its nearest blocks holds another article's headline, a link to another article of the site
        that is a heading or most of its block's text (a link inside a sentence is the prose's own)."""
        node = element
        for _ in range(levels):
            if node is None or node in self.title_ancestors:
                return False
            if any(self._is_other_headline(link) for link in node.iter("a")):
                return True
            node = node.getparent()
        return False

    def links_to_other_article(self, link: etree._Element) -> bool:
        href = (link.get("href") or "").strip()
        return (
            bool(href)
            and not href.startswith(("#", "javascript:"))
            and not self._same_page(href)
            and self.is_article_url(urljoin(self.url, href))
        )

    def _is_other_headline(self, link: etree._Element) -> bool:
        if not self.links_to_other_article(link):
            return False
        parent = link.getparent()
        if parent is None or parent.tag in HEADINGS:
            return True
        return 2 * len(element_text(link)) >= len(element_text(parent))

    def prints_other_calendar(self, element: etree._Element) -> bool:
        """Whether the element's block also prints a Hijri or Gregorian date: a header's today."""
        block = element
        for _ in range(2):
            if block.getparent() is not None and len(element_text(block.getparent())) <= 300:
                block = block.getparent()
        return bool(OTHER_CALENDAR.search(element_text(block)))

    def near_title(self, element: etree._Element) -> bool:
        """In the article's head: the title's block, the two blocks above it, or between it and the body."""
        span = self._near_span
        position = self._head_order.get(element) if span is not None else None
        if span is None or position is None:
            return False
        if self.title_element is not None and self._inside(element, self.title_element):
            return False
        return span[0] <= position <= span[1]

    def in_article_head(self, element: etree._Element) -> bool:
        """Near the title and belonging to this article: not chrome, not another article's entry."""
        return self.near_title(element) and not self.is_chrome(element) and not self.beside_other_article(element)
