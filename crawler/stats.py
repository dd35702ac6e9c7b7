"""The crawl stats' keys, named once: what the spider, the fetching layer, the pipelines and the store
count, and what the summary, the monitors, the benchmarks and the tests read. A key renamed here is
renamed everywhere, and a key misspelt anywhere is an ImportError, not a column that silently shows 0.

Imports nothing of ours: every layer may count.
"""

from __future__ import annotations

# -- discovery: the walks' pages (listings, a REST API's pages of posts), feeds and sitemaps ----------
LISTING_PAGES = "listing/pages"
LISTING_ARTICLE_LINKS = "listing/article_links"
LISTING_NO_ARTICLE_LINKS = "listing/no_article_links"
LISTING_KNOWN_SKIPPED = "listing/known_skipped"
LISTING_REPEATED = "listing/repeated"
LISTING_RESUME_MOVED = "listing/resume_moved"
LISTING_STOPPED_AT_KNOWN = "listing/stopped_at_known"
LISTING_PAST_SINCE = "listing/past_since"
#: listing/failed/<what>: a listing page given up, by its final HTTP status or its download failure.
LISTING_FAILED = "listing/failed/"
FRONTIER_BEHIND = "frontier/behind"
DISCOVERY_FEED_EMPTY = "discovery/feed/empty"
DISCOVERY_FEED_ITEMS = "discovery/feed/items"
DISCOVERY_SITEMAP_ENTRIES = "discovery/sitemap/entries"
DISCOVERY_OLDER_THAN_SINCE = "discovery/older_than_since"

# -- WordPress's REST API -----------------------------------------------------------------------------
WPAPI_STATE = "wpapi/state"
WPAPI_POSTS_PAGES = "wpapi/posts_pages"
WPAPI_EDITED = "wpapi/edited"
WPAPI_MALFORMED_JSON = "wpapi/malformed_json"
WPAPI_PAGE_FAILED = "wpapi/page_failed"
WPAPI_NOT_REQUESTED = "wpapi/not_requested"
WPAPI_SELFCHECK_AGREE = "wpapi/selfcheck/agree"
WPAPI_SELFCHECK_DISAGREE = "wpapi/selfcheck/disagree"


def wpapi_unreadable(taxonomy: str) -> str:
    """The names of a taxonomy («tags», «categories») the API did not give."""
    return f"wpapi/{taxonomy}_unreadable"


def wpapi_differ(field: str) -> str:
    """A field on which a post's page disagreed with the post."""
    return f"wpapi/selfcheck/differ/{field}"


# -- article pages and what was read of them ----------------------------------------------------------
ARTICLE = "article/"
ARTICLE_PAGES = "article/pages"
ARTICLE_NOT_ARTICLE = "article/not_article"
ARTICLE_OLDER_THAN_SINCE = "article/older_than_since"
#: article/given_up/<status or failure>: an article page that could not be had after its retries.
ARTICLE_GIVEN_UP = "article/given_up/"
#: Article pages the crawler chose not to fetch (robots.txt): no failure of the site's.
ARTICLE_REFUSED = "article/refused"
#: Replacement characters (U+FFFD: bytes not in the page's encoding) in stored fields.
ARTICLE_REPLACEMENT_CHARACTERS = "article/replacement_characters"
EXTRACTION = "extraction/"
EXTRACTION_FALLBACK_ITEMS = "extraction/fallback_items"


def extraction_step(field: str, step: str) -> str:
    """Articles whose field came from this step of the extraction chain."""
    return f"{EXTRACTION}{field}/{step}"


# -- the pipelines and the store ----------------------------------------------------------------------
DROPPED = "dropped/"
DROPPED_INVALID = "dropped/invalid"
DROPPED_GARBLED = "dropped/garbled"
DROPPED_DUPLICATE_IN_RUN = "dropped/duplicate_in_run"
DROPPED_MISSING = "dropped/missing_"


def dropped_missing(field: str) -> str:
    """Articles dropped for want of a required field."""
    return f"{DROPPED_MISSING}{field}"


STORE = "store/"
STORE_NEW = "store/new"
STORE_UPDATED = "store/updated"
STORE_UNCHANGED = "store/unchanged"
STORE_FAILED = "store/failed"
STORE_LOOKUP_FAILED = "store/lookup_failed"
COPIES = "copies/"
COPIES_LINKED = "copies/linked"
COPIES_FAILED = "copies/failed"
LOCK_LOCKED_ELSEWHERE = "lock/locked_elsewhere"

# -- coverage: stored articles against what the site declares (crawler/sources/coverage.py) -----------
#: What the site declares it holds, how many of those are stored, and the evidence («api total», «sitemap»,
#: «code range»); and the share below which the run needs attention (COVERAGE_MIN).
COVERAGE_DECLARED = "coverage/declared"
COVERAGE_STORED = "coverage/stored"
COVERAGE_EVIDENCE = "coverage/evidence"
COVERAGE_MIN = "coverage/min"
#: The same over the articles of the last COVERAGE_WINDOW (its span, «30d»), where the evidence dates them.
COVERAGE_WINDOW = "coverage/window"
COVERAGE_WINDOW_DECLARED = "coverage/window_declared"
COVERAGE_WINDOW_STORED = "coverage/window_stored"
#: The REST API's X-WP-Total on its first page of posts (an ordinary run's, not a backfill's).
COVERAGE_API_TOTAL = "coverage/api_total"
#: Codes missing inside the stored range asked for directly; found (an article), not published (404/410), failed.
HOLES_PROBED = "holes/probed"
HOLES_NOT_PUBLISHED = "holes/not_published"
HOLES_FAILED = "holes/failed"
#: Articles the sitemaps list and the store lacks, fetched by an ordinary run (SITEMAP_HOLES_PER_RUN), and those
#: left for the next reading of the sitemaps.
SITEMAP_HOLES_FETCHED = "holes/sitemap_fetched"
SITEMAP_HOLES_LEFT = "holes/sitemap_left"
#: Pages of posts a WordPress REST API declaring more posts than are stored was read for those missing.
WPAPI_CHECK_PAGES = "holes/api_pages"
#: The REST API's count of posts of a Jalali month asked (WORDPRESS_API_MONTHS, once a day), and those unanswered.
WPAPI_MONTHS_COUNTED = "coverage/api_months"
WPAPI_MONTHS_FAILED = "coverage/api_months_failed"

# -- revisits of stored articles ----------------------------------------------------------------------
REVISIT_BUDGET = "revisit/budget"
REVISIT_REQUESTED = "revisit/requested"
REVISIT_CHECKED = "revisit/checked"
REVISIT_NOT_MODIFIED = "revisit/not_modified"
REVISIT_NOT_ALLOWED = "revisit/not_allowed"
REVISIT_FAILED = "revisit/failed"
REVISIT_PLAN_FAILED = "revisit/plan_failed"
REVISIT_REMOVED = "revisit/removed"
REVISIT_RESTORED = "revisit/restored"
REVISIT_EDITED = "revisit/edited"
REVISIT_SITE_DOWN = "revisit/site_down"

# -- fetching -------------------------------------------------------------------------------------------
REDIRECT_LOOP = "redirect/loop"
REDIRECT_REFUSED = "redirect/refused"
REQUEST_REFUSED = "request/refused"
RETRY_BACKOFF_DELAY_MAX = "retry/backoff_delay_max"
CHALLENGE_SEEN = "challenge/seen"
CHALLENGE_SOLVED = "challenge/solved"
CHALLENGE_FAILED = "challenge/failed"
BROWSER = "browser/"
BROWSER_PAGES = "browser/pages"
BROWSER_NOT_READY = "browser/not_ready"
BROWSER_REFUSED = "browser/refused"
DOWNLOAD_TOO_LARGE = "download/too_large"
# The archive of every page as fetched (crawler/fetch/archive.py) and its re-reading (scrapy reextract).
ARCHIVE_RECORDS = "archive/records"
ARCHIVE_BYTES = "archive/bytes"
ARCHIVE_FAILED = "archive/failed"
REEXTRACT_PAGES = "reextract/pages"
REEXTRACT_API_ANSWERS = "reextract/api_answers"
REEXTRACT_NOT_ARCHIVED = "reextract/not_archived"

# -- around the run ---------------------------------------------------------------------------------------
JOBDIR_RESTARTED_AFTER_KILL = "jobdir/restarted_after_kill"
FRESHNESS_STALE = "freshness/stale"
FRESHNESS_USUAL_HOURS = "freshness/usual_hours"
#: The database's error when it could not be read at the end of the crawl (the status `database lost`).
DATABASE_LOST = "database/lost"
MONITORS_FAILURES = "monitors/failures"
CRAWL_ERRORS = "crawl/errors"

# -- Scrapy's and its plugins' own keys, as the summary and the tests read them ----------------------------
DOWNLOADER_REQUEST_COUNT = "downloader/request_count"
DOWNLOADER_RESPONSE_STATUS = "downloader/response_status_count/"
DOWNLOADER_EXCEPTION_TYPE = "downloader/exception_type_count/"
RETRY_MAX_REACHED = "retry/max_reached"
SPIDER_EXCEPTIONS_COUNT = "spider_exceptions/count"
FEEDEXPORT_FAILED = "feedexport/failed_count/"
PLAYWRIGHT = "playwright/"
PLAYWRIGHT_BROWSER_COUNT = "playwright/browser_count"
