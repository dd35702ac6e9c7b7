"""Plain text of an HTML element with one paragraph per line."""

from __future__ import annotations

from lxml import etree

BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "blockquote",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "figure",
    "figcaption",
    "header",
    "footer",
    "aside",
    "br",
    "hr",
}
SKIP_TAGS = {"script", "style", "noscript", "iframe", "form", "button", "svg", "select", "textarea", "template"}


def block_text(element: etree._Element) -> str:
    """Text of the element, block elements and <br> starting new lines; scripts, forms and the like left out.

    Walked with a stack, not recursion: a page of thousands of nested elements is still read."""
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        # Comments and processing instructions have no string tag; like skipped elements, only their tail counts.
        if not closing and tag and tag not in SKIP_TAGS:
            if tag in BLOCK_TAGS:
                parts.append("\n")
            if node.text:
                parts.append(node.text)
            stack.append((node, True))  # its end: after its children
            stack.extend((child, False) for child in reversed(node))
            continue
        if closing and tag in BLOCK_TAGS:
            parts.append("\n")
        if node is not element and node.tail:
            parts.append(node.tail)
    return "".join(parts)
