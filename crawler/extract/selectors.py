"""CSS selectors on one page, as `response.css` runs them, but cheaper.

A site's selectors, then its CMS family's, are tried field by field, and most of their alternatives are
for other themes: each would walk the whole page comparing every element's class. So:

- an alternative of a group («a, b, c») that names a class or an id the page does not hold cannot
  match, and is not run (the page's classes and ids are read once);
- the elements its first part selects (the article's block, `#the-post`, `.main-content`: most of a
  site's selectors start there) are found once per page, and the rest of the path runs from them.

What runs is the XPath parsel makes of the selector, cut at its first step: the same nodes, in the
same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import cssselect
from cssselect.parser import Class, CombinedSelector, Hash, Negation
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

PREFIX = "descendant-or-self::"  # parsel's, for a selector run on the page
# The whitespace XPath's normalize-space() splits a class attribute on.
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_TRANSLATOR = HTMLTranslator()
# Plain strings: a «smart» string would make an element object for each attribute's parent.
_CLASSES = etree.XPath("//@class", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)


@dataclass(frozen=True)
class Alternative:
    """One selector of a group: its XPath, the classes («.x») and ids («#y») it needs, and when it
    goes down from a first part, that part's XPath (`head`) and the path below it (`rest`)."""

    xpath: str
    needed: frozenset[str]
    head: str = ""
    rest: str = ""


def _needed(tree) -> set[str]:
    """The classes and ids an element must have somewhere along the selector to match. A negation's
    inner part and a pseudo-class's arguments name nothing that must be there."""
    needed = set()
    while tree is not None:
        if isinstance(tree, Class):
            needed.add(f".{tree.class_name}")
        elif isinstance(tree, Hash):
            needed.add(f"#{tree.id}")
        elif isinstance(tree, CombinedSelector):
            needed |= _needed(tree.subselector)
        elif isinstance(tree, Negation):
            pass  # its subselector must not match: only its own selector counts (walked below)
        tree = getattr(tree, "selector", None)
    return needed


def _alternative(selector: cssselect.Selector) -> Alternative:
    xpath = _TRANSLATOR.selector_to_xpath(selector, PREFIX, translate_pseudo_elements=True)
    needed = frozenset(_needed(selector.parsed_tree))
    first = selector.parsed_tree
    while isinstance(first, CombinedSelector):
        first = first.selector
    head = PREFIX + str(_TRANSLATOR.xpath(first))
    if first is selector.parsed_tree or not xpath.startswith(f"{head}/"):
        return Alternative(xpath, needed)
    return Alternative(xpath, needed, head, xpath[len(head) + 1 :])


@cache
def alternatives(query: str) -> tuple[Alternative, ...]:
    return tuple(_alternative(selector) for selector in cssselect.parse(query))


class PageSelectors:
    """Runs CSS selectors on one page (`css`), remembering what every query of the page shares."""

    def __init__(self, page: Selector):
        self.page = page
        self.heads: dict[str, list] = {}

    @cached_property
    def classes_and_ids(self) -> frozenset[str]:
        """Every class («.x») and id («#y») the page holds, in one pass of each."""
        classes = _XML_SPACE.split(" ".join(_CLASSES(self.page.root)))
        return frozenset([*(f".{name}" for name in classes if name), *(f"#{value}" for value in _IDS(self.page.root))])

    def css(self, query: str) -> SelectorList:
        """What `page.css(query)` selects."""
        paths: list[str] = []
        heads: dict[str, Any] = {}  # XPath variables
        for alternative in alternatives(query):
            if not alternative.needed <= self.classes_and_ids:
                continue
            if not alternative.head:
                paths.append(alternative.xpath)
                continue
            if alternative.head not in self.heads:
                self.heads[alternative.head] = self.page.root.xpath(alternative.head)
            if self.heads[alternative.head]:
                name = f"head{len(heads)}"
                heads[name] = self.heads[alternative.head]
                paths.append(f"${name}/{alternative.rest}")
        return self.page.xpath(" | ".join(paths), **heads) if paths else SelectorList()
