"""Scrapy settings of the Iranian municipal news crawler."""

import os

from crawler.items import REQUIRED_FIELDS

BOT_NAME = "iran-municipal-news"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# Where articles go; any SQLAlchemy URL (postgresql+psycopg://... in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///data/articles.db")
# When set, every request goes to this offline mirror instead of the live site (see crawler/mirror.py).
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
    "crawler.backoff.RetryBackoffMiddleware": 560,
    # Sees a redirect before Scrapy's RedirectMiddleware (600) follows it.
    "crawler.redirects.RedirectLoops": 650,
}
# Scrapy's duplicate filter with its fingerprints on disk, not in memory (crawler/memory.py).
DUPEFILTER_CLASS = "crawler.memory.DiskDupeFilter"
SPIDER_MIDDLEWARES = {
    # Outermost, so it runs when everything else is done with the response.
    "crawler.memory.ReleaseParsedPages": 0,
    # On PostgreSQL, a source is crawled by one crawl at a time across machines (crawler/lock.py).
    "crawler.lock.SourceLock": 50,
}
ADDONS = {
    "crawler.mirror.MirrorAddon": 100,
    # After the mirror: the browser wraps whatever handles http and https.
    "crawler.browser.BrowserAddon": 200,
}
# The headless browser for pages written by JavaScript and for CDN challenges (see crawler/browser.py).
BROWSER_EXECUTABLE = os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium")
# Seconds a rendered page may take to get past a CDN challenge and show its content.
BROWSER_TIMEOUT = 20

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
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"

# Retries back off: a site answering 429/5xx or timing out gets a growing delay between requests
# (RETRY_BACKOFF_BASE seconds, doubled on each retry of a request, or the Retry-After it asks for,
# at most RETRY_BACKOFF_MAX); AutoThrottle brings it down again as good responses come (crawler/backoff.py).
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 120.0

# Operations: a resumable job (JOBDIR) survives a kill; one crawl at a time per database (crawler/lock.py):
# the lock sits next to a SQLite database, in data/ for a server database, or where this names.
CRAWL_LOCK_FILE = os.environ.get("CRAWL_LOCK_FILE", "")
EXTENSIONS = {
    "crawler.jobdir.KilledJobRecovery": 100,
    "crawler.monitors.ArticleMonitoring": 500,
}

# Layout-drift alarms (crawler/monitors.py): a source fails its run when the crawl did not finish,
# fetched article pages but produced no article, or a required field's coverage over the articles
# parsed fell below its threshold here (a spider may set its own in custom_settings).
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.monitors.SourceHealth"]
SPIDERMON_ADD_FIELD_COVERAGE = True
SPIDERMON_FIELD_COVERAGE_SKIP_NONE = True
SPIDERMON_FIELD_COVERAGE_SKIP_IF_NO_ITEM = True
SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS = 0
SPIDERMON_FIELD_COVERAGE_RULES = {f"ArticleItem/{name}": 0.9 for name in REQUIRED_FIELDS}
