"""The offline mirror: with MIRROR_URL set, https://HOST/PATH?QUERY is fetched from
MIRROR_URL/HOST/PATH?QUERY over real HTTP, and the response carries the original URL.

Everything above the download handler (robots.txt, redirects, throttling slots, the spiders) sees
the original URLs, so a crawl through the mirror is the same crawl as a live one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

HANDLER = "crawler.fetch.mirror.MirrorDownloadHandler"


def mirrored_url(mirror_url: str, url: str) -> str:
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{mirror_url.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class MirrorAddon:
    """Routes http and https through the mirror when MIRROR_URL is set; a no-op otherwise."""

    def update_settings(self, settings) -> None:
        if not settings.get("MIRROR_URL"):
            return
        settings.set(
            "DOWNLOAD_HANDLERS",
            {**settings.getdict("DOWNLOAD_HANDLERS"), "http": HANDLER, "https": HANDLER},
            priority="addon",
        )
        # Politeness protects the live sites; the mirror is our own loopback server.
        for name, value in (("AUTOTHROTTLE_ENABLED", False), ("DOWNLOAD_DELAY", 0)):
            if settings.getpriority(name) <= settings.getpriority("MIRROR_URL"):
                settings.set(name, value, priority=settings.getpriority("MIRROR_URL"))


class MirrorDownloadHandler(BaseDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.mirror_url = crawler.settings.get("MIRROR_URL")
        if not self.mirror_url:
            raise NotConfigured("MIRROR_URL is not set")
        self.http = HTTP11DownloadHandler(crawler)

    async def download_request(self, request: Request) -> Response:
        response = await self.http.download_request(request.replace(url=mirrored_url(self.mirror_url, request.url)))
        return response.replace(url=request.url)

    async def close(self) -> None:
        await self.http.close()
