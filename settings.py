"""Scrapy settings of the Iranian municipal news crawler."""

import os

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
    # Sees a redirect before Scrapy's RedirectMiddleware (600) follows it.
    "crawler.redirects.RedirectLoops": 650,
}
SPIDER_MIDDLEWARES = {
    # Outermost, so it runs when everything else is done with the response.
    "crawler.memory.ReleaseParsedPages": 0,
}
ADDONS = {
    "crawler.mirror.MirrorAddon": 100,
}

# Security: Scrapy 2.19's RemoteControl runs Python sent to a local HTTP port. Never on here.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Politeness towards the sites: they are small municipal servers.
CONTACT_URL = os.environ.get("CRAWLER_CONTACT_URL", "https://github.com/iran-municipal-news/crawler")
USER_AGENT = f"iran-municipal-news/0.1 (+{CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
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
