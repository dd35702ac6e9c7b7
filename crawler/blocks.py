"""Plain text of an HTML element with one paragraph per line."""

from __future__ import annotations

from lxml import etree

BLOCK_TAGS = {
    "p", "div", "section", "article", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure", "figcaption", "header", "footer", "aside", "br", "hr",
}
SKIP_TAGS = {"script", "style", "noscript", "iframe", "form", "button", "svg", "select", "textarea", "template"}


def block_text(element: etree._Element) -> str:
    """Text of the element, block elements and <br> starting new lines; scripts, forms and the like left out."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS or not tag:  # comments and processing instructions have no string tag
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(element)
    return "".join(parts)
