"""The browser: the system's headless Chromium, through scrapy-playwright, for pages whose content is
written by JavaScript and for CDN challenges. Plain HTTP stays the default for everything else.

A request is rendered in the browser when its meta has `render` (True, or a CSS selector the page must
fill before it is read). Every request of a spider whose `render` is true gets it (RenderMiddleware):
a source declares it, `-a render=1` forces it.

A CDN challenge (ArvanCloud's: a small page whose script sets the `__arcsjs` cookie and reloads)
answering a plain request is solved once per host in the browser (ChallengeMiddleware); the cookies the
browser got go into Scrapy's cookie jar and the crawl goes on over plain HTTP. When the challenge is
seen again (the cookies expired) it is solved again. The CDN's JavaScript runs nowhere but in Chromium.

The browser starts on the first request that needs it: a crawl that never needs it never starts it.
With the offline mirror (MIRROR_URL), plain requests still go through the mirror's download handler,
and every request the browser makes is answered from the mirror too (`guarded_fetch` in
crawler/fetch/chromium.py, the browser session itself, loaded on first use). In the browser too, a page is
fetched only from its source's hosts (crawler/fetch/redirects.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.fetch.challenges import is_challenge_response
from crawler.stats import CHALLENGE_FAILED, CHALLENGE_SEEN, CHALLENGE_SOLVED

logger = logging.getLogger(__name__)

HANDLER = "crawler.fetch.browser.BrowserDownloadHandler"
# Flags that keep Chromium from talking to anything but the pages it is sent to.
QUIET_CHROMIUM = ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def wants_browser(request: Request) -> bool:
    return bool(request.meta.get("render") or request.meta.get("playwright"))


class BrowserDownloadHandler(BaseDownloadHandler):
    """The http and https handler: plain requests go to the handler that was there before (HTTP, or the
    offline mirror); requests for the browser go to the crawl's Browser."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.plain = build_from_crawler(load_object(crawler.settings["PLAIN_DOWNLOAD_HANDLER"]), crawler)

    async def download_request(self, request: Request) -> Response:
        if wants_browser(request):
            # Imported here: Playwright costs ~10 MB of memory in every crawl that never renders a page.
            from crawler.fetch.chromium import Browser

            return await Browser.of(self.crawler).download(request)
        return await self.plain.download_request(request)

    async def close(self) -> None:
        await self.plain.close()


class RenderMiddleware(BaseSpiderMiddleware):
    """Marks the page requests of a spider whose pages need rendering with what the page must show
    before it is read (the spider's `rendered_page_ready`)."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        spider = self.crawler.spider
        if getattr(spider, "render", False) and "render" not in request.meta:
            ready = spider.rendered_page_ready(request)  # type: ignore[union-attr]  # a spider that renders is a NewsSpider
            if ready is not None:
                request.meta["render"] = ready or True
        return request


class ChallengeMiddleware:
    """Solves a CDN challenge that answers a plain request: once per host, in the browser; then retries
    the request over plain HTTP with the cookies the browser got (they stay in the cookie jar)."""

    #: Solves one request may go through before the host's cookies are judged not to work over HTTP.
    max_solves_per_request = 2

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.solves: Counter[str] = Counter()
        self.solving: dict[str, asyncio.Future] = {}
        self.cookies: dict[str, list[dict]] = {}
        self.given_up: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        # Which solve's cookies this request leaves with: a challenge answering older cookies needs no new solve.
        request.meta["challenge_solves"] = self.solves[urlparse_cached(request).netloc]

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        host = urlparse_cached(request).netloc
        if wants_browser(request):
            if request.meta.get("browser_outcome", {}).get("challenge") and not request.meta.get("challenge_solve"):
                self.fail(host, f"the browser did not get past the challenge at {request.url}")
                raise IgnoreRequest(f"CDN challenge at {request.url} not passed in the browser")
            return response
        if not is_challenge_response(response):
            return response
        self.stats.inc_value(CHALLENGE_SEEN)
        attempts = request.meta.get("challenge_attempts", 0)
        if host not in self.given_up:
            if attempts >= self.max_solves_per_request:
                self.fail(host, f"{request.url} is still challenged with the cookies of {attempts} solves")
            elif host in self.solving:
                await asyncio.shield(self.solving[host])
            elif request.meta.get("challenge_solves", 0) == self.solves[host]:
                await self.solve(host, request.url)
        if host in self.given_up:
            raise IgnoreRequest(f"{request.url} not fetched: the CDN challenge of {host} is not solved")
        return request.replace(
            cookies=self.cookies[host], dont_filter=True, meta={**request.meta, "challenge_attempts": attempts + 1}
        )

    async def solve(self, host: str, url: str) -> None:
        """Open the challenged URL in the browser, let the challenge's script run, keep the cookies."""
        self.solving[host] = asyncio.get_running_loop().create_future()
        logger.info("CDN challenge at %s: solving it in the browser", url)
        try:
            response = await self.crawler.engine.download_async(
                Request(
                    url,
                    dont_filter=True,
                    # Not through robots.txt: the challenge may be answering the robots.txt request itself.
                    meta={"render": True, "challenge_solve": True, "dont_obey_robotstxt": True},
                )
            )
            outcome = response.meta["browser_outcome"]
            if outcome["challenge"]:
                self.fail(
                    host,
                    f"the browser did not get past the challenge at {url} in "
                    f"{self.crawler.settings.getfloat('BROWSER_TIMEOUT')} s",
                )
            else:
                self.cookies[host] = [cookie_for_scrapy(c) for c in outcome["cookies"]]
                self.solves[host] += 1
                self.stats.inc_value(CHALLENGE_SOLVED)
                logger.info(
                    "CDN challenge of %s solved; going on over plain HTTP with its cookies (%s)",
                    host,
                    ", ".join(c["name"] for c in self.cookies[host]),
                )
        except Exception as error:  # noqa: BLE001 - any failure of the browser fails the solve, said once
            self.fail(host, f"the browser failed on {url}: {error}")
        finally:
            self.solving.pop(host).set_result(None)

    def fail(self, host: str, why: str) -> None:
        self.stats.inc_value(CHALLENGE_FAILED)
        self.given_up.add(host)
        logger.error(
            "CDN challenge of %s NOT SOLVED (%s): its pages are skipped in this crawl",
            host,
            why,
            extra={"spider": self.crawler.spider},
        )


def cookie_for_scrapy(cookie: dict) -> dict:
    """A browser cookie as Scrapy's Request(cookies=…) takes it; a host-only cookie stays host-only."""
    kept = {
        "name": cookie["name"],
        "value": cookie["value"],
        "path": cookie.get("path", "/"),
        "secure": cookie.get("secure", False),
    }
    if cookie.get("domain", "").startswith("."):
        kept["domain"] = cookie["domain"]
    return kept


class BrowserAddon:
    """Puts the browser in front of whatever handles http and https (plain HTTP, or the mirror), and
    configures scrapy-playwright for the system's Chromium."""

    def update_settings(self, settings) -> None:
        settings.set("PLAIN_DOWNLOAD_HANDLER", settings.getwithbase("DOWNLOAD_HANDLERS")["https"], priority="addon")
        settings.set(
            "DOWNLOAD_HANDLERS",
            {**settings.getdict("DOWNLOAD_HANDLERS"), "http": HANDLER, "https": HANDLER},
            priority="addon",
        )
        # After HttpCompression (590) has decoded a response, before Retry (550) and MetaRefresh (580) act on it.
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", ChallengeMiddleware, 585)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", RenderMiddleware, 600)
        as_root = os.geteuid() == 0
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="addon")
        settings.set(
            "PLAYWRIGHT_LAUNCH_OPTIONS",
            {
                "executable_path": settings.get("BROWSER_EXECUTABLE"),
                "headless": True,
                # Chromium's sandbox cannot run as root.
                "chromium_sandbox": not as_root,
                "args": [
                    *QUIET_CHROMIUM,
                    *(["--no-sandbox"] if as_root else []),
                    # With the mirror every page request is answered from it: resolve no host at all.
                    *(["--host-resolver-rules=MAP * ~NOTFOUND"] if settings.get("MIRROR_URL") else []),
                ],
            },
            priority="addon",
        )
        settings.set(
            "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", settings.getfloat("DOWNLOAD_TIMEOUT") * 1000, priority="addon"
        )
        # The browser's own headers, so a reload after a challenge carries the cookie its script set.
        settings.set("PLAYWRIGHT_PROCESS_REQUEST_HEADERS", None, priority="addon")
        settings.set("PLAYWRIGHT_ABORT_REQUEST", "crawler.fetch.chromium.is_unneeded", priority="addon")
