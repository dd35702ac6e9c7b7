"""Backoff for Scrapy's retries, which by themselves come again at once.

When a site answers with a status RETRY_HTTP_CODES lists (429, 5xx) or a request fails with one of
RETRY_EXCEPTIONS (timeouts, refused or lost connections), the site's download slot is made to wait
longer between requests: RETRY_BACKOFF_BASE seconds doubled for each earlier retry of the request, or
the Retry-After the site asked for if longer, capped at RETRY_BACKOFF_MAX. Scrapy's RetryMiddleware
re-queues the request as usual, and it waits in that slot like every other request to the site.
AutoThrottle lowers the delay again as good responses come in (it never lowers it on errors).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from crawler.stats import RETRY_BACKOFF_DELAY_MAX

logger = logging.getLogger(__name__)


def retry_after(value: bytes | None) -> float:
    """Seconds a Retry-After header asks for: a number of seconds or an HTTP date; 0 when absent or unreadable."""
    if not value:
        return 0.0
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


class RetryBackoffMiddleware:
    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.exceptions = tuple(
            load_object(name) if isinstance(name, str) else name for name in settings.getlist("RETRY_EXCEPTIONS")
        )
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.maximum = settings.getfloat("RETRY_BACKOFF_MAX")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if response.status in self.codes and not request.meta.get("dont_retry"):
            self.back_off(request, f"HTTP {response.status}", retry_after(response.headers.get("Retry-After")))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, self.exceptions) and not request.meta.get("dont_retry"):
            self.back_off(request, type(exception).__name__, 0.0)

    def back_off(self, request, reason: str, asked: float) -> None:
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
        if slot is None:
            return
        wanted = min(self.maximum, max(asked, self.base * 2 ** request.meta.get("retry_times", 0)))
        if wanted > slot.delay:
            logger.info(
                "%s answered %s: waiting %.1fs between its requests", request.meta["download_slot"], reason, wanted
            )
            slot.delay = wanted
            self.crawler.stats.max_value(RETRY_BACKOFF_DELAY_MAX, wanted)
