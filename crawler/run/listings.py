"""What became of each listing page a crawl asked for, in the crawl stats: a source whose listings
answer 403, 404 or 5xx, or cannot be reached at all, has nothing to discover, and its summary must
say so (crawler/run/summary.py's status rules read these stats)."""

from __future__ import annotations

from scrapy.http import Request, Response

from crawler.stats import LISTING_FAILED

#: Request meta of a listing the source can do without: a WordPress REST API, whose refusal sends the
#: source to its HTML listings (counted as `api: closed`), which then count here as any listing does.
FALLS_BACK = "listing_falls_back"


class ListingOutcomes:
    """Downloader middleware, outermost: it sees a listing page's final answer, after the retries and
    redirects further in."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def is_listing(self, request: Request) -> bool:
        parse = getattr(self.crawler.spider, "parse", None)
        return request.callback is not None and request.callback == parse and not request.meta.get(FALLS_BACK)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 400 and self.is_listing(request):
            self.crawler.stats.inc_value(f"{LISTING_FAILED}{response.status}")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if self.is_listing(request):
            self.crawler.stats.inc_value(f"{LISTING_FAILED}{type(exception).__name__}")
