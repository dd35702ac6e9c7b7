"""The crawl's Chromium: scrapy-playwright's download handler, started on the first request that needs
the browser (crawler/fetch/browser.py decides which do), with the waits a rendered page and a CDN challenge
need. Imported only then, so a crawl that never renders never loads Playwright.
"""

from __future__ import annotations

import asyncio
import logging
import os
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route
from playwright.async_api import Request as BrowserRequest
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.misc import build_from_crawler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from scrapy_playwright.page import PageMethod

from crawler.fetch.challenges import is_challenge
from crawler.fetch.limits import too_large
from crawler.fetch.mirror import mirrored_url
from crawler.fetch.redirects import HostGuard
from crawler.stats import BROWSER_NOT_READY, BROWSER_PAGES, BROWSER_REFUSED, REDIRECT_REFUSED

logger = logging.getLogger(__name__)

# What a page needs no browser to fetch for us: we read text.
UNNEEDED_RESOURCES = {"image", "media", "font"}
# Redirects followed for one request of a page answered from the mirror (Scrapy's REDIRECT_MAX_TIMES).
MAX_REDIRECTS = 20


def is_unneeded(request: BrowserRequest) -> bool:
    return request.resource_type in UNNEEDED_RESOURCES


async def settle(page: Page, ready: str | None, timeout: float) -> dict:
    """Wait until the page is past any CDN challenge (its script reloads the page) and, if given, until
    an element matching `ready` has content; report what happened and the browser's cookies."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            content = (await page.content()).encode()
        except PlaywrightError:  # the challenge's reload is under way
            content = None
        if content is not None and not is_challenge(content):
            break
        if loop.time() >= deadline:
            await stop_navigating(page)
            return {"challenge": True, "ready": False, "cookies": []}
        await page.wait_for_timeout(100)
    is_ready = True
    if ready:
        try:
            await page.wait_for_function(
                "selector => [...document.querySelectorAll(selector)]"
                ".some(e => e.textContent.trim() !== '' || e.hasAttribute('href'))",
                arg=ready,
                timeout=max(deadline - loop.time(), 0.1) * 1000,
            )
        except PlaywrightError:
            is_ready = False
    return {"challenge": False, "ready": is_ready, "cookies": await page.context.cookies(page.url)}


async def stop_navigating(page: Page) -> None:
    """End a challenge's reload loop: every further request of the page fails at once (a navigation
    here could be interrupted by the loop's next reload)."""
    await page.route("**/*", lambda route: route.abort())
    try:
        await page.wait_for_load_state("load", timeout=5000)
    except PlaywrightError:
        pass


def guarded_fetch(guard: HostGuard, mirror_url: str, stats):
    """A page init callback: every request of the page goes through the crawl's host guard. With the
    mirror, every request is answered from it, fetched without following redirects, so that each
    redirect comes back here to be checked, the page sees its own URL (https://HOST/…) and the browser
    never leaves loopback. Without it the browser fetches (a CDN's challenge must see the browser
    itself), following redirects on its own: `Browser.download` checks where the page ended up."""

    async def answer(route: Route) -> None:
        request = route.request
        if is_unneeded(request):
            await route.abort()
            return
        own_hosts_only = request.is_navigation_request()
        problem = guard.problem(request.url, own_hosts_only)
        if problem:
            stats.inc_value(BROWSER_REFUSED)
            logger.warning("the browser did not fetch %s: %s", request.url, problem)
            await route.abort("blockedbyclient")
            return
        if not mirror_url:
            await route.fallback()
            return
        # Redirects followed here, each checked (Chromium would follow a fulfilled one past this route).
        url, headers = request.url, await request.all_headers()
        for _ in range(MAX_REDIRECTS + 1):
            response = await route.fetch(url=mirrored_url(mirror_url, url), headers=headers, max_redirects=0)
            location = response.headers.get("location")
            if not (300 <= response.status < 400 and location):
                break
            target = urljoin(url, location)
            if problem := guard.problem(target, own_hosts_only):
                stats.inc_value(REDIRECT_REFUSED)
                logger.warning("the browser did not follow the redirect from %s to %s: %s", url, target, problem)
                await route.abort("blockedbyclient")
                return
            url = target
        await route.fulfill(response=response)

    async def init_page(page: Page, _request) -> None:
        # Registered after scrapy-playwright's own route, so it answers first.
        await page.route("**/*", answer)

    return init_page


class Browser:
    """The crawl's one browser: scrapy-playwright's download handler, made and started on first use."""

    _of_crawler: dict[int, Browser] = {}

    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings
        self._handler: ScrapyPlaywrightDownloadHandler | None = None
        self._starting = asyncio.Lock()
        self.guard = HostGuard(crawler)
        crawler.signals.connect(self.close, signals.engine_stopped)

    @classmethod
    def of(cls, crawler) -> Browser:
        """One per crawl, shared by the http and https download handlers."""
        if id(crawler) not in cls._of_crawler:
            cls._of_crawler[id(crawler)] = cls(crawler)
        return cls._of_crawler[id(crawler)]

    async def _started(self) -> ScrapyPlaywrightDownloadHandler:
        async with self._starting:
            if self._handler is None:
                executable = self.settings.get("BROWSER_EXECUTABLE")
                if not os.path.exists(executable):
                    raise FileNotFoundError(
                        f"no browser at BROWSER_EXECUTABLE={executable}: install Debian's "
                        "`chromium` package or set BROWSER_EXECUTABLE"
                    )
                handler = build_from_crawler(ScrapyPlaywrightDownloadHandler, self.crawler)
                # What scrapy-playwright does when the engine starts; the engine started long ago.
                await handler._launch()
                self._handler = handler
        return self._handler

    async def download(self, request: Request) -> Response:
        handler = await self._started()
        meta = request.meta
        if meta.get("render"):
            ready = meta["render"] if isinstance(meta["render"], str) else None
            meta.update(
                playwright=True,
                playwright_page_methods=[PageMethod(settle, ready, self.settings.getfloat("BROWSER_TIMEOUT"))],
            )
            # Back from navigating once the page is there: `settle` waits for the rest (a challenge page
            # reloading itself may never reach its load event).
            meta.setdefault("playwright_page_goto_kwargs", {"wait_until": "commit"})
        meta.setdefault("playwright_context_kwargs", {"user_agent": self.settings.get("USER_AGENT")})
        meta["playwright_page_init_callback"] = guarded_fetch(
            self.guard, self.settings.get("MIRROR_URL"), self.crawler.stats
        )
        # A bound on the whole visit (navigation, waits, page content): a browser call that never
        # returns (seen when closing a page a reload loop was navigating) must not stall the crawl.
        limit = 2 * self.settings.getfloat("DOWNLOAD_TIMEOUT") + self.settings.getfloat("BROWSER_TIMEOUT")
        try:
            response = await asyncio.wait_for(handler.download_request(request), limit)
        except TimeoutError:
            raise TimeoutError(f"the browser took more than {limit:.0f} s on {request.url}") from None
        if problem := self.guard.problem(response.url):
            self.crawler.stats.inc_value(REDIRECT_REFUSED)
            logger.warning(
                "the browser was redirected from %s to %s, which is refused: %s; not read",
                request.url,
                response.url,
                problem,
            )
            raise IgnoreRequest(f"redirected to {response.url}, which is refused: {problem}")
        maxsize = meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        if maxsize and len(response.body) > maxsize:
            raise too_large(self.crawler.stats, request.url, f"{len(response.body):,} bytes rendered", maxsize)
        self.crawler.stats.inc_value(BROWSER_PAGES)
        if meta.get("render"):
            meta["browser_outcome"] = outcome = meta["playwright_page_methods"][0].result
            if not outcome["ready"] and not outcome["challenge"]:
                self.crawler.stats.inc_value(BROWSER_NOT_READY)
                logger.warning(
                    "%s: the rendered page showed no «%s» within %s s; read as it was",
                    request.url,
                    meta["render"],
                    self.settings.getfloat("BROWSER_TIMEOUT"),
                )
        return response

    async def close(self) -> None:
        Browser._of_crawler.pop(id(self.crawler), None)
        if self._handler is not None:
            handler, self._handler = self._handler, None
            await handler.close()
