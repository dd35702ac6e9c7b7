"""Coverage: how many of the articles a site declares are stored, by the best evidence the site gives, and
the holes filled where the evidence names them.

The evidence, best first: a WordPress REST API's «X-WP-Total» on its first page of posts (asked by every
ordinary run, so it costs no request): `api total`; the article URLs the sitemaps list: `sitemap`, read by a
backfill and by the first ordinary run of a day (COVERAGE_RECOUNT), whose count (`declared_counts`) the runs in
between keep, the articles stored since counted as holes filled (a sitemap that cannot be read is asked for
again when due); the range of a source's sequential news codes (`NewsSpider.code_url`, a Nastooh-style
«/news/<code>/»), its stored codes' lowest to highest less the codes known not to be published articles:
`code range`. The figure goes to the crawl stats (COVERAGE_*), which the summary keeps in `crawl_runs` and
judges against the source's share in COVERAGE_MINIMA, else COVERAGE_MIN: over the articles of the last
COVERAGE_WINDOW (30 days) where the evidence dates them (the sitemaps' «lastmod»; for a code range, the codes
from the lowest stored one published in the window; for a REST API, its counts of the Jalali months that hold
the window, asked once a day: a little wider than the window), else over all of them.

The articles the sitemaps list and the store lacks are fetched as they are read: every one after its date by a
backfill, SITEMAP_HOLES_PER_RUN of them (newest first) by an ordinary run, the rest by the next runs, which read
the sitemaps again while articles are left.

Holes in a range of sequential codes are asked for directly once discovery is done (the spider is idle), the
newest first, HOLE_PROBES_PER_RUN a run: an article is read as any other; a 404 or 410, a page that is no
article (another kind of item sharing the numbering), or a redirect to another code is remembered
(`unpublished_codes`, with its status) and never asked again.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.extract.dates import jalali_months
from crawler.items import REQUIRED_FIELDS, ArticleItem
from crawler.run.clock import now, parse_span
from crawler.run.summary import describe_coverage
from crawler.stats import (
    COVERAGE_API_TOTAL,
    COVERAGE_DECLARED,
    COVERAGE_EVIDENCE,
    COVERAGE_MIN,
    COVERAGE_STORED,
    COVERAGE_WINDOW,
    COVERAGE_WINDOW_DECLARED,
    COVERAGE_WINDOW_STORED,
    HOLES_FAILED,
    HOLES_NOT_PUBLISHED,
    HOLES_PROBED,
    SITEMAP_HOLES_LEFT,
)
from crawler.store.database import Store

# The source's NewsSpider (crawler/sources/spider.py), which imports this module: named, not imported.
NewsSpider = Any

logger = logging.getLogger(__name__)

API_TOTAL, SITEMAP, CODE_RANGE = "api total", "sitemap", "code range"
#: Answers that say a code was withdrawn or never published.
NOT_PUBLISHED = (404, 410)


def code_range(codes: list[str]) -> tuple[set[int], int, int] | None:
    """A source's stored numeric codes with their lowest and highest, or None when it has none."""
    numbers = {int(code) for code in codes if code.isdigit()}
    return (numbers, min(numbers), max(numbers)) if numbers else None


def missing_codes(stored: list[str], unpublished: set[str], limit: int) -> list[int]:
    """Up to `limit` codes inside the stored range that are neither stored nor known unpublished, newest first."""
    found = code_range(stored)
    if found is None or limit <= 0:
        return []
    numbers, lowest, highest = found
    known = numbers | {int(code) for code in unpublished if code.isdigit()}
    missing = []
    for code in range(highest - 1, lowest, -1):
        if code not in known:
            missing.append(code)
            if len(missing) == limit:
                break
    return missing


def hole_requests(spider: NewsSpider) -> Iterator[scrapy.Request]:
    """Requests for codes missing inside the stored range of a source with sequential codes."""
    if not spider.code_url:
        return
    limit = spider.settings.getint("HOLE_PROBES_PER_RUN", 5)
    codes = spider.read_store(
        lambda store: missing_codes(
            [*store.stored_codes(spider.name), *spider.codes_read], store.unpublished_codes(spider.name), limit
        ),
        [],
    )
    for code in codes:
        spider.crawler.stats.inc_value(HOLES_PROBED)
        url = spider.code_url.format(code=code)
        # Not filtered: a code redirecting to an article this run asked for must still reach parse_hole.
        yield scrapy.Request(
            url,
            spider.parse_hole,
            errback=spider.hole_failed,
            dont_filter=True,
            cb_kwargs={"code": str(code)},
            meta={"code": str(code)},
        )


def parse_hole(spider: NewsSpider, response: Response, code: str) -> Iterator[ArticleItem]:
    """A probed code's page: its article; a page that is none, or lacks what every article has (a photo
    gallery sharing the numbering, a redirect to the home page), is remembered as not published, as a 404 is
    (kept with its status, 200, in `unpublished_codes`: a person can look at it there); so is a code that
    redirects to another code's article (with the redirect's status), whose article is read as any other."""
    item = spider.read_article(response)
    missing = [name for name in REQUIRED_FIELDS if item is None or not getattr(item, name)]
    target = spider.code_in_url(response.url)
    if target and target != code:
        statuses = [reason for reason in response.meta.get("redirect_reasons", ()) if isinstance(reason, int)]
        remember(spider, code, statuses[0] if statuses else response.status, f"redirects to code {target}")
    elif missing:
        remember(spider, code, response.status, f"no article at {response.url}: no {', '.join(missing)}")
    if not missing:
        yield from spider.article_read(response.url, item)


def remember(spider: NewsSpider, code: str, status: int, why: str) -> None:
    spider.crawler.stats.inc_value(HOLES_NOT_PUBLISHED)
    logger.info("%s: code %s is not a published article (%s): not asked again", spider.name, code, why)
    spider.read_store(
        lambda store: store.record_unpublished(spider.name, code, status, datetime.now(timezone.utc)), None
    )


def hole_failed(spider: NewsSpider, failure: Failure) -> None:
    """A probed code the site did not serve: remembered when it answered 404/410, else asked again next run."""
    code = failure.request.meta["code"]  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
    response = failure.value.response if isinstance(failure.value, HttpError) else None
    if response is not None and response.status in NOT_PUBLISHED:
        remember(spider, code, response.status, f"HTTP {response.status}")
        return
    spider.crawler.stats.inc_value(HOLES_FAILED)
    logger.warning(
        "%s: code %s could not be fetched (%s): asked again by the next run",
        spider.name,
        code,
        failure.getErrorMessage(),
    )


def sitemaps_due(spider: NewsSpider) -> bool:
    """Whether an ordinary run reads the sitemaps to count them: never counted, last counted COVERAGE_RECOUNT ago,
    or the last reading left articles to fetch for want of budget."""
    counted = spider.read_store(lambda store: store.declared_count(spider.name, SITEMAP), None)
    recount = parse_span(spider.settings.get("COVERAGE_RECOUNT", "1d"))
    return counted is None or counted.left > 0 or counted.counted_at <= now(spider.settings) - recount


def sitemap_failed(spider: NewsSpider, failure: Failure) -> None:
    """A sitemap the site did not serve: remembered as declaring nothing, so that it is asked again only when due."""
    logger.warning(
        "%s: sitemap %s could not be read (%s): asked again in %s",
        spider.name,
        failure.request.url,  # type: ignore[attr-defined]  # Scrapy sets it on an errback's failure
        failure.getErrorMessage(),
        spider.settings.get("COVERAGE_RECOUNT", "1d"),
    )
    spider.read_store(lambda store: store.record_declared(spider.name, SITEMAP, None, 0, now(spider.settings)), None)


def coverage_window_start(spider: NewsSpider) -> datetime:
    """Where the window the share is judged over begins: COVERAGE_WINDOW before now."""
    return now(spider.settings) - parse_span(spider.settings.get("COVERAGE_WINDOW", "30d"))


def published_between(spider: NewsSpider, store: Store, lowest: int, highest: int) -> int:
    """The codes from lowest to highest that may be published articles: all but those known not to be."""
    unpublished = {int(code) for code in store.unpublished_codes(spider.name) if code.isdigit()}
    return highest - lowest + 1 - sum(lowest <= code <= highest for code in unpublished)


def window_figure(spider: NewsSpider, store: Store, evidence: str) -> tuple[int, int, str] | None:
    """Declared and stored articles of the last COVERAGE_WINDOW, where the evidence dates them, and the window's
    name: the sitemaps' articles modified since (`lastmod`), the codes of a range from the lowest stored one
    published since, a REST API's posts of the Jalali months that hold the window; None where it does not (a
    sitemap without «lastmod», sitemaps counted on an earlier day, months the API has not counted)."""
    window = spider.settings.get("COVERAGE_WINDOW", "30d")
    since = coverage_window_start(spider)
    if evidence == SITEMAP and spider.sitemap_recent:
        fetched = [url for url, stored in spider.sitemap_recent.items() if not stored]
        stored = len(spider.sitemap_recent) - len(fetched) + len(spider.stored_dates(fetched))
        return len(spider.sitemap_recent), stored, window
    if evidence == CODE_RANGE:
        found = code_range(store.stored_codes(spider.name))
        if found is None:
            return None
        numbers, _, highest = found
        recent = [int(code) for code in store.codes_published_since(spider.name, since) if code.isdigit()]
        if not recent:
            return 0, 0, window
        lowest = min(recent)
        return published_between(spider, store, lowest, highest), sum(code >= lowest for code in numbers), window
    if evidence == API_TOTAL:
        # Every Jalali month is at least 29 days long: these are enough to hold the window, newest first.
        spans = jalali_months(now(spider.settings), 2 + parse_span(window).days // 29)
        months = [month for month, _, end in spans if end > since]
        counts = [store.declared_count(spider.name, API_TOTAL, month) for month in months]
        if not all(count is not None and count.declared is not None for count in counts):
            return None
        declared = sum(count.declared for count in counts if count is not None and count.declared is not None)
        stored = sum(store.stored_in_month(spider.name, month) for month in months)
        return declared, stored, f"{window} (months {months[-1]} to {months[0]})"
    return None


def measure(spider: NewsSpider) -> None:
    """The source's coverage at the end of its run, by its best evidence, into the crawl stats."""
    stats = spider.crawler.stats

    def figure(store: Store) -> tuple[str, int, int] | None:
        if (total := stats.get_value(COVERAGE_API_TOTAL)) is not None:
            return API_TOTAL, total, store.stored_count(spider.name)
        if spider.sitemap_listed:
            fetched = list(spider.sitemap_fetched)
            stored = sum(
                len(spider.stored_dates(fetched[start : start + 500])) for start in range(0, len(fetched), 500)
            )
            return SITEMAP, len(spider.sitemap_listed), spider.sitemap_stored + stored
        if (counted := store.declared_count(spider.name, SITEMAP)) is not None and counted.declared:
            # As the sitemaps were last counted, the articles stored since filling their holes.
            since = store.stored_count(spider.name) - counted.source_stored
            return SITEMAP, counted.declared, min(counted.declared, counted.stored + max(0, since))
        if spider.code_url and (found := code_range(store.stored_codes(spider.name))):
            numbers, lowest, highest = found
            return CODE_RANGE, published_between(spider, store, lowest, highest), len(numbers)
        return None

    found = spider.read_store(figure, None)
    # Remembered for the runs that do not read the sitemaps (a backfill's list only the articles after its date);
    # sitemaps that list no article declare nothing, and are read again only when due.
    if spider.sitemaps_read and not spider.since:
        counted = found[1:] if found is not None and found[0] == SITEMAP and spider.sitemap_listed else (None, 0)
        left = stats.get_value(SITEMAP_HOLES_LEFT, 0)
        spider.read_store(
            lambda store: store.record_declared(spider.name, SITEMAP, *counted, now(spider.settings), left=left),
            None,
        )
    if found is None:
        return
    evidence, declared, stored = found
    stats.set_value(COVERAGE_EVIDENCE, evidence)
    stats.set_value(COVERAGE_DECLARED, declared)
    stats.set_value(COVERAGE_STORED, stored)
    minima = spider.settings.getdict("COVERAGE_MINIMA")
    stats.set_value(COVERAGE_MIN, float(minima.get(spider.name, spider.settings.getfloat("COVERAGE_MIN", 0.95))))
    window = spider.read_store(lambda store: window_figure(spider, store, evidence), None)
    if window is not None:
        stats.set_value(COVERAGE_WINDOW_DECLARED, window[0])
        stats.set_value(COVERAGE_WINDOW_STORED, window[1])
        stats.set_value(COVERAGE_WINDOW, window[2])
    logger.info("%s: coverage %s", spider.name, describe_coverage(stored, declared, evidence))
