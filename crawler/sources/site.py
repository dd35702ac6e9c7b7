"""`scrapy crawl site -a url=https://HOST/`: a one-off crawl of a site no source describes. It finds what
`scrapy addsource` would register (crawler/sources/detect.py), keeps the table in memory, makes it a
source as the registry would (crawler/sources/registry.py), and walks the site as that source.

Its articles are stored under the name `site_<host>` (`site_shahr_example_ir`), so that two sites crawled
this way never take each other's news codes for their own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy

from crawler.extract.urls import bare_host
from crawler.sources.detect import FetchesNow, NotASource, registry_entry
from crawler.sources.registry import Located, source_spider
from crawler.sources.spider import check_arguments, parse_pages, parse_since

logger = logging.getLogger(__name__)


def one_off_name(home: str) -> str:
    """The source name a one-off crawl stores the site's articles under."""
    return "site_" + re.sub(r"[^a-z0-9]+", "_", bare_host(home).lower()).strip("_")


class SiteSpider(scrapy.Spider, FetchesNow):
    """Until its `start`, a look at the site (its home page and a few pages it links to, fetched through the
    crawl's downloader); then the source the look found, walked like any other. (Scrapy's Spider first: the
    instance's layout is then a NewsSpider's, so it can become one.)"""

    name = "site"
    #: «-a url=» the site's home page; «-a pages=» and «-a since=» as for any source.
    arguments: ClassVar[tuple[str, ...]] = ("url", "pages", "since")

    def __init__(self, url: str | None = None, pages: str | None = None, since: str | None = None, **kwargs: Any):
        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"site: give -a url=https://HOST/, the site's home page (not {url!r})"
                if url
                else "site: give -a url=https://HOST/, the site's home page"
            )
        super().__init__(**kwargs)
        self.home = str(url) if parts.path else f"{url}/"
        # Checked now, used by the source the site turns out to be.
        self.walk_arguments = {name: value for name, value in (("pages", pages), ("since", since)) if value}
        if pages:
            parse_pages(pages)
        if since:
            parse_since(since)
        self.allowed_domains = [bare_host(self.home)]

    check_arguments = classmethod(check_arguments)

    def owns_url(self, url: str) -> bool:
        """The host guard's question (crawler/fetch/redirects.py): only the site's own host."""
        return bare_host(url) == bare_host(self.home)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        name = one_off_name(self.home)
        try:
            entry = await registry_entry(self.fetch_page, self.home, name)
        except NotASource as why:
            logger.error("site: %s is no source: %s", self.home, why, extra={"spider": self})
            return
        source = source_spider(name, entry, Located(Path(self.home), ""))
        logger.info("site: %s read as a %s source (%s)", self.home, entry["family"], entry["article_url"])
        # From here on this spider is that source, as if the registry had described it: the same walk,
        # watermark, reading and store.
        becomes: Any = self
        becomes.__class__ = source
        source.__init__(becomes, **self.walk_arguments)
        async for request in source.start(becomes):
            yield request
