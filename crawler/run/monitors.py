"""Layout-drift alarms: spidermon monitors run when each source's crawl closes.

A source needs a person's attention when it fetched article pages but
produced no article, when its listing pages link to no article, when a page raised an error in the
spider, when a database write failed (articles, or their checks, not stored), when a page was given up after
its retries, in a redirect loop, at a redirect the crawler refused (crawler/fetch/redirects.py) or as too
large (crawler/fetch/limits.py), when more than WORDPRESS_API_DISAGREEMENT_MAX
of a WordPress source's pages disagree with their posts in its REST API, or when the coverage of a required
field fell below its threshold (SPIDERMON_FIELD_COVERAGE_RULES). spidermon's own ItemCountMonitor does not fit: it wants a
fixed minimum of items, which an incremental run with nothing new rightly does not reach. The monitors run
last when a crawl closes (EXTENSIONS), after the other extensions' writes, so that a write failing there counts.
Failed monitors are recorded in the crawl stats under `monitors/failures`; the end-of-run summary
shows them (status `failing`) beside what its own status rules find (crawler/run/summary.py: listings
blocked, unreachable or failed, errors logged, CDN challenges not solved), and the command's exit
status follows both.
"""

from __future__ import annotations

import logging
import warnings

from scrapy import signals
from scrapy.exceptions import ScrapyDeprecationWarning
from spidermon import MonitorSuite, monitors
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.monitors import FieldCoverageMonitor
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor
from spidermon.core.actions import Action

from crawler.items import REQUIRED_FIELDS, ArticleItem
from crawler.stats import (
    ARTICLE_PAGES,
    CRAWL_ERRORS,
    DOWNLOAD_TOO_LARGE,
    LISTING_ARTICLE_LINKS,
    LISTING_PAGES,
    MONITORS_FAILURES,
    REDIRECT_LOOP,
    REDIRECT_REFUSED,
    RETRY_MAX_REACHED,
    SPIDER_EXCEPTIONS_COUNT,
    STORE_FAILED,
    WPAPI_SELFCHECK_AGREE,
    WPAPI_SELFCHECK_DISAGREE,
)

# spidermon logs its results through Spider.log(), which Scrapy 2.13 deprecated; the results stay useful.
warnings.filterwarnings(
    "ignore", message=r"Spider\.log\(\) is deprecated", category=ScrapyDeprecationWarning, module="spidermon"
)


def incomplete(item) -> bool:
    return isinstance(item, ArticleItem) and not all(getattr(item, name) for name in REQUIRED_FIELDS)


class SourceErrors(logging.Handler):
    """Counts the errors logged for one source: records carrying its spider (Scrapy's own, and the
    crawler's, log them with `extra={"spider": …}`). Scrapy's log_count/ERROR counts every error in
    the process, those of the other sources crawled alongside in `crawlall` included."""

    def __init__(self, crawler):
        super().__init__(level=logging.ERROR)
        self.crawler = crawler
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        spider = getattr(record, "spider", None)
        if spider is not None and spider is self.crawler.spider:
            self.count += 1


class ArticleMonitoring(Spidermon):
    """Spidermon, with field coverage counted over every article parsed, those dropped for lacking a
    required field included: a field that stops parsing then lowers its coverage, where counting only
    stored articles would show 100% of ever fewer articles."""

    @classmethod
    def from_crawler(cls, crawler):
        extension = super().from_crawler(crawler)
        if crawler.settings.getbool("SPIDERMON_ADD_FIELD_COVERAGE"):
            crawler.signals.connect(extension.item_dropped, signal=signals.item_dropped)
        extension.errors = SourceErrors(crawler)
        logging.root.addHandler(extension.errors)
        return extension

    def item_dropped(self, item, response, exception, spider):
        if incomplete(item):
            self.item_scraped(item, response, spider)

    def spider_closed(self, spider):
        # The source's own errors, before failed monitors add theirs to the log.
        logging.root.removeHandler(self.errors)
        self.crawler.stats.set_value(CRAWL_ERRORS, self.errors.count)
        super().spider_closed(spider)


class RecordFailures(Action):
    """Keeps each failed monitor's message in the crawl stats, for the summary and the exit status."""

    def run_action(self):
        failures = [
            " ".join(str(result.reason or result.error).split()) for result in self.result.monitors_failed_results
        ]
        self.data.crawler.stats.set_value(MONITORS_FAILURES, failures)


@monitors.name("Articles")
class ArticlesMonitor(BaseScrapyMonitor):
    """What was fetched gave articles."""

    @monitors.name("article pages gave articles")
    def test_article_pages_gave_articles(self):
        pages = self.stats.get(ARTICLE_PAGES, 0)
        self.assertFalse(
            pages and not self.stats.get("item_scraped_count", 0),
            msg=f"fetched {pages} article pages but produced no article: has the layout changed?",
        )

    @monitors.name("listing pages link to articles")
    def test_listing_pages_link_to_articles(self):
        pages = self.stats.get(LISTING_PAGES, 0)
        self.assertFalse(
            pages and not self.stats.get(LISTING_ARTICLE_LINKS, 0),
            msg=f"{pages} listing pages link to no article: has the layout changed?",
        )

    @monitors.name("no error in the spider")
    def test_no_spider_errors(self):
        errors = self.stats.get(SPIDER_EXCEPTIONS_COUNT, 0)
        self.assertFalse(errors, msg=f"the spider failed on {errors} page(s): see the log")

    @monitors.name("articles were stored")
    def test_articles_were_stored(self):
        failed = self.stats.get(STORE_FAILED, 0)
        self.assertFalse(
            failed, msg=f"{failed} database writes FAILED: articles or their checks NOT STORED (see the log)"
        )

    @monitors.name("no page given up")
    def test_no_page_given_up(self):
        given_up = sum(
            self.stats.get(key, 0) for key in (RETRY_MAX_REACHED, REDIRECT_LOOP, REDIRECT_REFUSED, DOWNLOAD_TOO_LARGE)
        )
        self.assertFalse(
            given_up,
            msg=f"pages given up: {given_up} (retries exhausted, a redirect loop, a "
            "redirect refused or a page too large; see the log)",
        )


@monitors.name("WordPress REST API")
class ApiSelfCheckMonitor(BaseScrapyMonitor):
    """The HTML reader against the REST API (crawler/sources/wpapi.py's SelfCheck), for the posts whose page was read."""

    @monitors.name("pages agree with their posts")
    def test_pages_agree_with_their_posts(self):
        agree = self.stats.get(WPAPI_SELFCHECK_AGREE, 0)
        disagree = self.stats.get(WPAPI_SELFCHECK_DISAGREE, 0)
        most = self.crawler.settings.getfloat("WORDPRESS_API_DISAGREEMENT_MAX", 0.1)
        self.assertFalse(
            disagree > most * (agree + disagree),
            msg=f"{disagree} of {agree + disagree} pages disagree with the REST API (title, date, news code "
            f"or body; see the log): has the layout changed?",
        )


class SourceHealth(MonitorSuite):
    # A crawl that did not finish is the summary's `stopped` (crawler/run/summary.py), not a monitor's.
    monitors = [ArticlesMonitor, ApiSelfCheckMonitor, FieldCoverageMonitor]
    monitors_failed_actions = [RecordFailures]
