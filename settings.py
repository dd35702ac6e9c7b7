"""Scrapy settings of the Iranian municipal news crawler."""

import os

from crawler.items import REQUIRED_FIELDS

BOT_NAME = "iran-municipal-news"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# The tailored spiders of SPIDER_MODULES and every source of the registry (crawler/sources/registry.py):
# SOURCES_FILE, by default sources.toml in the project root (none there: no registry sources).
SPIDER_LOADER_CLASS = "crawler.sources.registry.SourcesLoader"
SOURCES_FILE = os.environ.get("SOURCES_FILE", "")
COMMANDS_MODULE = "crawler.commands"

# Where articles go; any SQLAlchemy URL (postgresql+psycopg://... in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///data/articles.db")
# When set, every request goes to this offline mirror instead of the live site (see crawler/fetch/mirror.py).
MIRROR_URL = os.environ.get("MIRROR_URL", "")

# Articles written per database transaction; a partial batch is written every STORE_FLUSH_SECONDS
# and at the end of the crawl. A failed batch is retried article by article (see pipelines/store.py).
STORE_BATCH_SIZE = 200
STORE_FLUSH_SECONDS = 5

ITEM_PIPELINES = {
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.dedupe.DedupePipeline": 300,
    "pipelines.store.StorePipeline": 400,
}
DOWNLOADER_MIDDLEWARES = {
    # Outermost: sees each listing page's final answer, after retries and redirects.
    "crawler.run.listings.ListingOutcomes": 30,
    # Before anything else sees a request (Scrapy's offsite check at 50, which lets dont_filter requests
    # through and drops an offsite redirect with no more than a debug line; robots.txt's at 100).
    "crawler.fetch.redirects.HostGuard": 40,
    "crawler.fetch.backoff.RetryBackoffMiddleware": 560,
    # Sees a redirect before Scrapy's RedirectMiddleware (600) follows it.
    "crawler.fetch.redirects.RedirectLoops": 650,
    # Scrapy's decompression, with a page inflating past DOWNLOAD_MAXSIZE counted (crawler/fetch/limits.py).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.fetch.limits.BoundedDecompression": 590,
}
# Scrapy's duplicate filter with its fingerprints on disk, not in memory (crawler/run/memory.py).
DUPEFILTER_CLASS = "crawler.run.memory.DiskDupeFilter"
SPIDER_MIDDLEWARES = {
    # Outermost, so it runs when everything else is done with the response.
    "crawler.run.memory.ReleaseParsedPages": 0,
    # On PostgreSQL, a source is crawled by one crawl at a time across machines (crawler/store/lock.py).
    "crawler.store.lock.SourceLock": 50,
}
ADDONS = {
    "crawler.fetch.mirror.MirrorAddon": 100,
    # After the mirror: the browser wraps whatever handles http and https.
    "crawler.fetch.browser.BrowserAddon": 200,
}
# The headless browser for pages written by JavaScript and for CDN challenges (see crawler/fetch/browser.py).
BROWSER_EXECUTABLE = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
# Seconds a rendered page may take to get past a CDN challenge and show its content.
BROWSER_TIMEOUT = 20

# Requests go only to the source's own hosts, on ports 80/443, at public addresses (crawler/fetch/redirects.py).
TWISTED_DNS_RESOLVER = "crawler.fetch.redirects.PublicAddressResolver"
# Origins (http://127.0.0.1:PORT) crawled as live sites although on loopback: the browser tests' sites only.
LOOPBACK_SITES: list[str] = []

# Security: Scrapy 2.19's RemoteControl runs Python sent to a local HTTP port. Never on here.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Politeness towards the sites: they are small municipal servers.
CONTACT_URL = os.environ.get("CRAWLER_CONTACT_URL", "https://github.com/iran-municipal-news/crawler")
USER_AGENT = f"iran-municipal-news/0.1 (+{CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Outputs of one callback processed at a time. An article page yields one item and a listing page
# a few dozen requests; Scrapy's 100 starts 100 asyncio tasks for every response all the same.
CONCURRENT_ITEMS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# A dead site must not hold a 30-minute cron: a request gets DOWNLOAD_TIMEOUT seconds and RETRY_TIMES
# retries, a name DNS_TIMEOUT seconds, so a site that accepts connections and never answers costs its
# source about 2 × (3 × 20 s + backoff 2 s + 4 s) ≈ 2¼ minutes (robots.txt, then the listing).
DOWNLOAD_TIMEOUT = 20
DNS_TIMEOUT = 10
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

# A news page is a few hundred kilobytes; a page over DOWNLOAD_MAXSIZE (received, inflated from gzip or
# rendered) is given up as too large (crawler/fetch/limits.py), one over DOWNLOAD_WARNSIZE logged. A
# WordPress API page of 100 posts with their content stays well under it.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"

# Listing pages a run reads at most (`-a pages=N` for one run): a run walks the listing past stored
# articles down to where it is known complete, and what it does not reach the next run continues
# (crawler/sources/frontier.py). The walk goes down to the end of the listing, or to ARCHIVE_HORIZON when set
# (a date, Jalali or Gregorian: «1400-01-01», «2021-03-21»); empty: the whole archive.
LISTING_PAGE_BUDGET = 10
ARCHIVE_HORIZON = os.environ.get("ARCHIVE_HORIZON", "")
# Coverage (crawler/sources/coverage.py): the share of what a site declares (its REST API's total, its sitemaps'
# articles, its range of sequential codes) below which a run needs attention; and, for sequential codes, how
# many codes missing inside the stored range a run asks for directly.
# COVERAGE_MINIMA sets the share per source instead: {"imo": 0.8}.
COVERAGE_MIN = 0.95
COVERAGE_MINIMA: dict[str, float] = {}
# The share is judged over the articles of the last COVERAGE_WINDOW where the evidence dates them (the sitemaps'
# «lastmod», the publication dates of the stored codes of a range, a REST API's counts of the Jalali months
# holding the window), else over all of them.
COVERAGE_WINDOW = "30d"
HOLE_PROBES_PER_RUN = 5
# An ordinary run reads a source's sitemaps (to count the articles they list) when they were last read longer
# ago than COVERAGE_RECOUNT («1d», «12h»); the runs in between keep that count. Of the articles they list and the
# store lacks, it fetches SITEMAP_HOLES_PER_RUN, newest first (a backfill fetches every one after its date).
COVERAGE_RECOUNT = "1d"
SITEMAP_HOLES_PER_RUN = 20
# A WordPress source's REST API is asked, at most once per COVERAGE_RECOUNT, how many posts it published in each
# of its last WORDPRESS_API_MONTHS Jalali months (one request each; kept in `declared_counts` for the desk).
WORDPRESS_API_MONTHS = 3

# Retries back off: a site answering 429/5xx or timing out gets a growing delay between requests
# (RETRY_BACKOFF_BASE seconds, doubled on each retry of a request, or the Retry-After it asks for,
# at most RETRY_BACKOFF_MAX); AutoThrottle brings it down again as good responses come (crawler/fetch/backoff.py).
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0

# Operations: a resumable job (JOBDIR) survives a kill; one crawl at a time per database (crawler/store/lock.py):
# the lock sits next to a SQLite database, in the user's state directory for a server database, or where this
# names (in a directory that exists). A crawl finding it held waits this long, so that jobs scheduled together
# on SQLite (scrapyd, cron) queue; then it exits 75. Under the cron interval, so that waiting runs do not pile up.
CRAWL_LOCK_FILE = os.environ.get("CRAWL_LOCK_FILE", "")
CRAWL_LOCK_WAIT_SECONDS = 1200
EXTENSIONS = {
    "crawler.run.jobdir.KilledJobRecovery": 100,
    "crawler.sources.revisits.Revisits": 600,
    "crawler.run.freshness.FreshnessAtClose": 610,
    "crawler.store.copies.LinkCopies": 620,
    # Last: at the close it judges the run once the others have written (and maybe failed to).
    "crawler.run.monitors.ArticleMonitoring": 700,
}
# Syndicated copies (crawler/store/copies.py): every article stored new or updated is linked with the stored
# articles whose body is this similar (Jaccard similarity of word shingles); both stay.
COPIES_ENABLED = True
COPIES_THRESHOLD = 0.8
# `scrapy snapshot` into an existing snapshot copies again the articles last seen this long before the
# newest it has: a crawl's transaction may still have been committing when the previous snapshot read.
SNAPSHOT_OVERLAP_SECONDS = 300

# Layout-drift alarms (crawler/run/monitors.py): a source fails its run when the crawl did not finish,
# fetched article pages but produced no article, or a required field's coverage over the articles
# parsed fell below its threshold here (a spider may set its own in custom_settings).
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.run.monitors.SourceHealth"]
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True
SPIDERMON_FIELD_COVERAGE_SKIP_IF_NO_ITEM = True
SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS = 0
SPIDERMON_FIELD_COVERAGE_RULES = {f"ArticleItem/{name}": 0.9 for name in REQUIRED_FIELDS}

# Keeping watch (crawler/sources/revisits.py): stored articles are checked again at these ages since first seen
# (per source: REVISIT_SCHEDULES = {"imo": ["1d", "7d"]}), the longest due first, by conditional requests.
# A run checks at most REVISIT_SHARE of its requests (judged by the source's previous run), and at least
# REVISIT_MIN_PER_RUN. An error that may pass (5xx, timeout) is a takedown only when the check
# REVISIT_CONFIRM_AFTER later fails too.
REVISIT_SCHEDULE = ["1h", "6h", "1d", "3d", "7d", "30d"]
REVISIT_SCHEDULES: dict[str, list[str]] = {}
REVISIT_SHARE = 0.2
REVISIT_MIN_PER_RUN = 10
REVISIT_CONFIRM_AFTER = "1d"
# Silent sources (crawler/run/freshness.py): stale when no new article arrived for longer than the usual gap,
# the FRESHNESS_QUANTILE of the gaps between its articles over FRESHNESS_WINDOW, kept within
# FRESHNESS_FLOOR and FRESHNESS_CEILING (the ceiling too with fewer than FRESHNESS_MIN_GAPS gaps), or
# set per source: FRESHNESS_MAX_SILENCE = {"imo": "3d"}.
FRESHNESS_WINDOW = "60d"
FRESHNESS_QUANTILE = 0.95
FRESHNESS_FLOOR = "12h"
FRESHNESS_CEILING = "7d"
FRESHNESS_MIN_GAPS = 10
FRESHNESS_MAX_SILENCE: dict[str, str] = {}
# «Now» for the schedule, the freshness check and the report: empty for the real time; an ISO instant
# with its offset (-s CLOCK_NOW=2026-11-30T06:00:00+03:30) replays a past day (the tests move time with it).
CLOCK_NOW = ""
# WordPress sources (WordPressApi in crawler/sources/discovery.py): posts asked per page of the REST API (at most
# 100), and the share of posts whose page may disagree with them before the source needs attention.
WORDPRESS_API_PER_PAGE = 10
WORDPRESS_API_DISAGREEMENT_MAX = 0.1
# A REST API the site closed is not asked again for this long (its HTML is read), then asked once more.
WORDPRESS_API_RETRY = "1d"

# The archive (crawler/fetch/archive.py): every response read for content (pages, feeds, sitemaps, REST API
# answers) kept as fetched in WARC files under ARCHIVE_DIR, one per source per day, a new one from
# ARCHIVE_FILE_MAX_BYTES; stored articles point at their record. `scrapy reextract` reads them again with
# today's code, `scrapy archive verify` checks them, `scrapy archive prune` deletes the files older than
# ARCHIVE_KEEP_DAYS (0: never) that no stored article or version points into.
ARCHIVE_ENABLED = os.environ.get("ARCHIVE_ENABLED", "1").lower() not in ("0", "false", "no", "off")
ARCHIVE_DIR = os.environ.get("ARCHIVE_DIR", "data/archive")
ARCHIVE_FILE_MAX_BYTES = 1_000_000_000
ARCHIVE_KEEP_DAYS = 0
# Inside BoundedDecompression (590) and the browser's ChallengeMiddleware (585): the body kept is the one the
# spider reads, not a CDN challenge; redirects (600) are followed before, retries (550) decided after.
DOWNLOADER_MIDDLEWARES["crawler.fetch.archive.ArchiveResponses"] = 582
SPIDER_MIDDLEWARES["crawler.fetch.archive.ArchivedItems"] = 900
# Why an article's previous content is kept as a version: "edited" by the site ("reextract" when re-read).
STORE_VERSION_REASON = "edited"
