"""Keeping a long crawl's memory flat.

Scrapy caches a response's selector on the response, and the selector refers back to the response:
every parsed page (its bytes, its decoded text and its lxml tree, about 0.6 MB for a news page with
its chrome) is then a reference cycle that only Python's cyclic collector reclaims. That collector
counts objects, not bytes, so a hundred dead pages or more pile up between its full passes: in a
crawl of the synthetic mirror (bench/) the peak RSS was ~250 MB with the cycles and ~135 MB without.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy.http import Response


def release_parsed_page(response: Response) -> None:
    """Drops the response's cached selector, so that reference counting frees the page at once."""
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None


class ReleaseParsedPages:
    """Spider middleware: once a callback's output is consumed, its response's parsed tree is let go
    (a later `response.css` would parse the page again)."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from result
        release_parsed_page(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for entry in result:
            yield entry
        release_parsed_page(response)
