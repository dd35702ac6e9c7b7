"""Article pages given up: a linked article whose page could not be had after its retries (an error
status such as 403 or 404, a timeout, a redirect loop, a page too large). It is counted, by what
became of it, in `article/given_up/<status or failure>`, where the summary's status rules read it
(crawler/run/summary.py: `blocked` for 403/429, `failing` otherwise), and logged with its URL.

It is not forgotten: a page of the listing counts as walked only once every article it lists was
stored or read (crawler/sources/frontier.py), and a given-up article is neither, so what is known
complete stops above it and the next run asks for it again.

The spider hooks it in as the errback of its article requests; a page the crawler itself chose not
to fetch (robots.txt forbids it, a URL it never fetches) is no failure of the site's and only counted.
"""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.fetch.limits import PageTooLarge
from crawler.fetch.redirects import RedirectLoop
from crawler.stats import ARTICLE_GIVEN_UP, ARTICLE_REFUSED

logger = logging.getLogger(__name__)


def what_became(failure: Failure) -> str | None:
    """The page's final status («403») or its failure's name («RedirectLoop», «DownloadTimeoutError»); None
    when the crawler refused the request itself."""
    if failure.check(HttpError):
        return str(failure.value.response.status)
    if failure.check(IgnoreRequest) and not failure.check(RedirectLoop, PageTooLarge):
        return None
    return type(failure.value).__name__


def article_given_up(spider, failure: Failure) -> None:
    """The errback of an article page's request."""
    stats, url = spider.crawler.stats, failure.request.cb_kwargs.get("link", failure.request.url)  # type: ignore[attr-defined]  # scrapy sets .request on the failure an errback gets
    kind = what_became(failure)
    if kind is None:
        stats.inc_value(ARTICLE_REFUSED)
        logger.info("%s: article %s not fetched: %s", spider.name, url, failure.getErrorMessage())
        return
    stats.inc_value(f"{ARTICLE_GIVEN_UP}{kind}")
    why = f"HTTP {kind}" if failure.check(HttpError) else failure.getErrorMessage()
    logger.warning("%s: article %s GIVEN UP (%s): not stored; the next run asks for it again", spider.name, url, why)
