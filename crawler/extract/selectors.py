"""CSS selectors on one page, as `response.css` runs them, but cheaper.

A site's selectors, then its CMS family's, are tried field by field, and most of their alternatives are
for other themes: each would walk the whole page comparing every element's class. So:

- an alternative of a group («a, b, c») that names a class or an id the page does not hold cannot
  match, and is not run (the page's classes and ids are read once);
- the elements its first part selects (the article's block, `#the-post`, `.main-content`: most of a
  site's selectors start there) are found once per page, and the rest of the path runs from them;
- a first part naming a class or an id is looked for among the page's class and id attributes, not
  among all its elements: libxml2 walks attributes several times faster than it tests each element.
- when the rest looks below them, only the outermost of those elements are kept: a page of unclosed tags
  nests thousands of `article`s, and libxml2 would merge the same descendants once per level (seconds).

What runs is the XPath parsel makes of the selector, cut at its first step, its first step reached by
way of the attribute it names: the same nodes, in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import cssselect
from cssselect.parser import Class, CombinedSelector, Hash, Negation, Tree
from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

from crawler.extract.ancestors import settled_by_ancestors

PREFIX = "descendant-or-self::"  # parsel's, for a selector run on the page
# The whitespace XPath's normalize-space() splits a class attribute on.
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_TRANSLATOR = HTMLTranslator()
# Plain strings: a «smart» string would make an element object for each attribute's parent.
_CLASSES = etree.XPath("//@class", smart_strings=False)
_IDS = etree.XPath("//@id", smart_strings=False)


@dataclass(frozen=True)
class Alternative:
    """One selector of a group: its XPath, the classes («.x») and ids («#y») it needs, and when its
    XPath starts with its first part's, that part's XPath (`head`, reaching it by way of the class or
    id it names) and the path below it (`rest`, "" when the first part is all of it)."""

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


def _by_attribute(first: Tree) -> str:
    """The XPath of a first part (no combinator) that names a class or an id, going to its elements from
    their class or id attribute (a condition the element's own then repeats); "" when it names none."""
    anchor: Tree | None = first
    while anchor is not None and not isinstance(anchor, Class | Hash):
        anchor = getattr(anchor, "selector", None)
    step = _TRANSLATOR.xpath(first)
    if anchor is None or step.path:
        return ""
    if isinstance(anchor, Class):
        attribute = f"@class[contains(., {_TRANSLATOR.xpath_literal(anchor.class_name)})]"
    else:
        attribute = f"@id[. = {_TRANSLATOR.xpath_literal(anchor.id)}]"
    condition = f"[{step.condition}]" if step.condition else ""
    return f"{PREFIX}*/{attribute}/parent::{step.element}{condition}"


def _alternative(selector: cssselect.Selector) -> Alternative:
    xpath = _TRANSLATOR.selector_to_xpath(selector, PREFIX, translate_pseudo_elements=True)
    needed = frozenset(_needed(selector.parsed_tree))
    first = selector.parsed_tree
    while isinstance(first, CombinedSelector):
        first = first.selector
    head = PREFIX + str(_TRANSLATOR.xpath(first))
    if xpath != head and not xpath.startswith(f"{head}/"):
        return Alternative(xpath, needed)
    return Alternative(xpath, needed, _by_attribute(first) or head, xpath[len(head) + 1 :])


@cache
def alternatives(query: str) -> tuple[Alternative, ...]:
    return tuple(_alternative(selector) for selector in cssselect.parse(query))


# The axes below a head whose nodes a nested head would select again.
_DESCENDANT = ("descendant::", "descendant-or-self::")


def outermost(elements: list) -> list:
    """These elements (in document order) but those inside another of them."""
    chosen = set(elements)
    inside: dict = {}  # element → whether it or one of its ancestors is among the elements
    return [
        element
        for element in elements
        if element.getparent() is None
        or not settled_by_ancestors(element.getparent(), lambda node: True if node in chosen else None, inside)
    ]


class PageSelectors:
    """Runs CSS selectors on one page (`css`), remembering what every query of the page shares."""

    def __init__(self, page: Selector):
        # parsel's own selector over the same tree: Scrapy's would register each node selected with trackref.
        self.page = Selector(root=page.root, type=page.type)
        self.heads: dict[str, list] = {}
        self.outer_heads: dict[str, list] = {}  # the heads but those inside another

    @cached_property
    def classes_and_ids(self) -> frozenset[str]:
        """Every class («.x») and id («#y») the page holds, in one pass of each."""
        classes = set(_XML_SPACE.split(" ".join(_CLASSES(self.page.root))))  # each name once
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
            found = self.heads[alternative.head]
            if len(found) > 1 and alternative.rest.startswith(_DESCENDANT):
                # Below a head, a nested one's descendants are the outer one's again: libxml2 would merge the
                # same nodes once per nesting level, quadratic in a page of unclosed tags.
                if alternative.head not in self.outer_heads:
                    self.outer_heads[alternative.head] = outermost(found)
                found = self.outer_heads[alternative.head]
            if found:
                name = f"head{len(heads)}"
                heads[name] = found
                paths.append(f"${name}/{alternative.rest}" if alternative.rest else f"${name}")
        return self.page.xpath(" | ".join(paths), **heads) if paths else SelectorList()
