"""How large a page may be. DOWNLOAD_MAXSIZE bounds what the HTTP handler receives (Scrapy cancels the
download: DownloadCancelledError) and what a compressed body inflates to (Scrapy's
HttpCompressionMiddleware, here `BoundedDecompression`, which counts it and says so: a small gzip body
can inflate to gigabytes); the browser's pages are held to it too (crawler/fetch/chromium.py). Either
way the page is given up as `PageTooLarge`, counted as `download/too_large`."""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils._compression import _DecompressionMaxSizeExceeded

from crawler.stats import DOWNLOAD_TOO_LARGE

logger = logging.getLogger(__name__)


class PageTooLarge(IgnoreRequest):
    """A page over DOWNLOAD_MAXSIZE, once inflated or rendered."""


def too_large(stats, url: str, size: str, limit: int) -> PageTooLarge:
    """Counts and logs a page over the limit; the exception that gives it up."""
    stats.inc_value(DOWNLOAD_TOO_LARGE)
    why = f"{url} is over DOWNLOAD_MAXSIZE ({limit:,} bytes): {size}"
    logger.warning("page too large: %s; not read", why)
    return PageTooLarge(f"too large: {why}")


class BoundedDecompression(HttpCompressionMiddleware):
    """Scrapy's decompression, with a page that inflates past DOWNLOAD_MAXSIZE counted as too large."""

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as ignored:
            if not isinstance(ignored.__cause__, _DecompressionMaxSizeExceeded):
                raise
            size = f"{len(response.body):,} bytes compressed, {ignored.__cause__.decompressed_size:,} and more inflated"
            raise too_large(
                self.stats, request.url, size, request.meta.get("download_maxsize", self._max_size)
            ) from None
