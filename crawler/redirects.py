"""Redirect loops, made visible: Scrapy follows a redirect back to a page already fetched into its
duplicate filter, where the page is dropped without a word. This counts and names each one."""

from __future__ import annotations

import logging

from scrapy.http import Request, Response
from w3lib.url import safe_url_string

logger = logging.getLogger(__name__)


class RedirectLoops:
    """Downloader middleware, placed before Scrapy's RedirectMiddleware sees the response."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = safe_url_string(response.urljoin(location.decode("latin-1")))
            if target in {request.url, *request.meta.get("redirect_urls", ())}:
                self.stats.inc_value("redirect/loop")
                logger.warning("redirect loop: %s redirects to %s, which redirected here; not fetched",
                               request.url, target)
        return response
