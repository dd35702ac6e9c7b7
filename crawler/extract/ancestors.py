"""A question about an element that its nearest deciding ancestor answers, asked of many elements of one page."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree


def settled_by_ancestors(
    element: etree._Element, decide: Callable[[etree._Element], bool | None], known: dict[etree._Element, bool]
) -> bool:
    """The answer of the first of the element and its ancestors that `decide` settles (True or False; None passes
    the question up), False when none does. The answer is the same for every element the walk passed, and is
    kept in `known` for them: across a page each element is walked once, not once per element below it (a page
    of unclosed tags nests thousands deep)."""
    passed = []
    answer = False
    node: etree._Element | None = element
    while node is not None:
        if node in known:
            answer = known[node]
            break
        passed.append(node)
        if (settled := decide(node)) is not None:
            answer = settled
            break
        node = node.getparent()
    known.update(dict.fromkeys(passed, answer))
    return answer
