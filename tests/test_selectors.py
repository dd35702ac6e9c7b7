"""The page reader's selectors (crawler/extract/selectors.py) select what `response.css` selects:
the same nodes in the same order, for every selector of every source on every fixture article page."""

import json

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.selectors import PageSelectors, alternatives
from tests.golden import GOLDEN_ROOT, mirror_response, spider_for

PAGES = [json.loads(path.read_text())["url"] for path in sorted(GOLDEN_ROOT.glob("*/*.json"))]
# Shapes the sources' selectors do not use yet: child and sibling combinators, negation, positions.
SHAPES = [
    "div > p",
    "p + p",
    "p ~ p",
    "div:not(.entry) p",
    "li:nth-child(2) a",
    "h1::text",
    "a::attr(href)",
    "#the-post .post-meta .tie-date::text",
    ".main-content .item-body .item-text, article, .absent .x",
    "[id$=_lblTitle]",
    "body > *",
    "*",
]


def queries(url: str) -> list[str]:
    site = spider_for(url).describe()
    return sorted({query for layers in site.selectors.values() for query in layers}) + SHAPES


@pytest.mark.parametrize("url", PAGES)
def test_the_same_nodes_in_the_same_order_as_parsel(url):
    response = mirror_response(url)
    selectors = PageSelectors(response.selector)
    for query in queries(url):
        expected = response.css(query)
        assert [node.root for node in selectors.css(query)] == [node.root for node in expected], query


def test_a_selector_naming_a_class_the_page_lacks_is_not_run():
    page = PageSelectors(HtmlResponse("https://example.ir/", body=b"<div class='a'><p id='x'>1</p></div>").selector)
    assert page.classes_and_ids == {".a", "#x"}
    assert [alternative.needed for alternative in alternatives(".a #x, .b p:not(.c)")] == [{".a", "#x"}, {".b"}]
    assert page.css(".a #x::text, .b p:not(.c)::text").getall() == ["1"]
    assert len(page.heads) == 1  # .a's elements; .b's were never looked for
    assert page.css(".b p") == [] and len(page.heads) == 1


def test_the_first_part_of_a_path_is_found_once_per_page():
    page = PageSelectors(HtmlResponse("https://example.ir/", body=b"<main><p>1</p><i>2</i></main><p>3</p>").selector)
    assert page.css("main p::text").getall() == ["1"] and page.css("main i::text").getall() == ["2"]
    assert list(page.heads) == ["descendant-or-self::main"]


def test_nested_heads_select_the_same_nodes_once_in_the_same_order():
    """A page of unclosed tags nests thousands of `article`s: a path below them runs from the outermost
    ones only (libxml2 would merge the same descendants once per level), and selects what parsel does."""
    noise = "".join(f"<article class='a{n % 3}'><p class='x'>{n}<a href='/{n}'>{n}</a>" for n in range(400))
    body = f"<html><body><article><p>real</p></article><div>{noise}</div></body></html>".encode()
    response = HtmlResponse("https://example.ir/", body=body)
    page = PageSelectors(response.selector)
    for query in ("article p::text", "article .x a", "article > p", "div article a::attr(href)", ".a1 p", "h1 ::text"):
        assert [node.root for node in page.css(query)] == [node.root for node in response.css(query)], query
    assert len(page.heads["descendant-or-self::article"]) == 401
    assert len(page.outer_heads["descendant-or-self::article"]) == 2  # the real article, the outermost of the noise
