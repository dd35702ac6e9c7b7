"""Where a crawl may send a request: only to its source's own hosts, on the web's ports, to public
addresses. Scrapy follows redirects (RedirectMiddleware); these decide which ones, and which URLs at
all, may be fetched.

- `HostGuard` (downloader middleware) refuses, before it is sent, every request — a listing's link, a
  redirect's target, a refetch, a CDN challenge's retry: requests with `dont_filter`, which Scrapy's
  offsite check lets through, included — whose URL is not http(s), carries a user name, names a port
  other than 80/443, is longer than URLLENGTH_LIMIT, names an IP address, or names a host that is not
  one of its source's.
- `PublicAddressResolver` (TWISTED_DNS_RESOLVER) refuses a name that resolves to a loopback, private,
  link-local, multicast or otherwise non-public address, so a source's host cannot be pointed inward
  either; with MIRROR_URL set, the mirror's own address is the one exception.
- LOOPBACK_SITES (empty; `http://127.0.0.1:PORT` origins) lets the browser tests crawl their sites on
  loopback as live sites, which no other setting allows.
- In the browser (crawler/fetch/chromium.py) every request of a page goes through the same check, one
  redirect at a time: a page and the pages it redirects to, only to the source's hosts; its scripts
  and styles, to any host on the web's ports.
- `RedirectLoops` gives up a page that redirects back to a page of its chain (which Scrapy's duplicate
  filter would drop without a word) or whose chain reaches REDIRECT_MAX_TIMES (which Scrapy drops with
  a debug line): `RedirectLoop`, counted as `redirect/loop`, and the request's errback hears of it.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError
from w3lib.url import safe_url_string

from crawler.stats import REDIRECT_LOOP, REDIRECT_REFUSED, REQUEST_REFUSED

logger = logging.getLogger(__name__)

WEB_PORTS = (None, 80, 443)


def url_problem(url: str, max_length: int = 2083) -> str | None:
    """Why the crawler will not fetch this URL whatever its host, or None."""
    if len(url) > max_length:
        return f"longer than {max_length} characters"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL ({parts.scheme or 'no scheme'})"
    if "@" in parts.netloc:
        return "carries a user name (user@host)"
    try:
        port = parts.port
    except ValueError:
        return "its port is not a number"
    if port not in WEB_PORTS:
        return f"port {port}: only 80 and 443 are fetched"
    host = parts.hostname or ""
    if not host:
        return "names no host"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return f"names an IP address ({host}), not a host"
    try:
        host.encode("idna")
    except UnicodeError:
        return f"{host!r} is not a valid host name"
    return None


def is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_global
    except ValueError:
        return False


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class HostGuard:
    """Downloader middleware: refuses any request the crawl must not send (see above), when it is
    scheduled (where Scrapy's offsite check would drop an offsite redirect with a debug line) and
    before it is downloaded (requests with dont_filter; those that skip the scheduler: a CDN
    challenge's solve)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_length = crawler.settings.getint("URLLENGTH_LIMIT") or 2083
        self.loopback_sites = {origin(url) for url in crawler.settings.getlist("LOOPBACK_SITES")}

    @classmethod
    def from_crawler(cls, crawler):
        guard = cls(crawler)
        # Connected before Scrapy's OffsiteMiddleware (built after this one) connects its own.
        crawler.signals.connect(guard.request_scheduled, signal=signals.request_scheduled)
        return guard

    def request_scheduled(self, request: Request, spider) -> None:
        # A request refused here is dropped without its errback; one with dont_filter (a refetch, whose
        # errback reports it) goes on to process_request, as Scrapy's offsite check lets it through.
        if not request.dont_filter:
            self.process_request(request)

    def problem(self, url: str, own_hosts_only: bool = True) -> str | None:
        """Why the crawl may not fetch this URL, or None; any public host when not `own_hosts_only`
        (a rendered page's scripts and styles)."""
        problem = None if origin(url) in self.loopback_sites else url_problem(url, self.max_length)
        spider = self.crawler.spider
        if problem is None and own_hosts_only and hasattr(spider, "owns_url") and not spider.owns_url(url):
            problem = f"{urlsplit(url).hostname} is not a host of {spider.name}"
        return problem

    def process_request(self, request: Request) -> None:
        problem = self.problem(request.url)
        if problem is None:
            return
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from:
            self.crawler.stats.inc_value(REDIRECT_REFUSED)
            logger.warning("refused the redirect from %s to %s: %s", redirected_from[-1], request.url, problem)
            raise IgnoreRequest(f"redirected to {request.url}, which is refused: {problem}")
        self.crawler.stats.inc_value(REQUEST_REFUSED)
        logger.warning("refused %s: %s", request.url, problem)
        raise IgnoreRequest(f"refused: {problem}")


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's resolver, refusing names that resolve to an address that is not public (the mirror's
    own, with MIRROR_URL set, aside)."""

    allowed: set[str]  # the mirror's host and LOOPBACK_SITES' (from_crawler)

    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        sites = [crawler.settings.get("MIRROR_URL") or "", *crawler.settings.getlist("LOOPBACK_SITES")]
        resolver.allowed = {host for url in sites if (host := urlsplit(url).hostname)}
        return resolver

    def getHostByName(self, name: str, timeout=()):  # noqa: N802 - Twisted's name
        return super().getHostByName(name, timeout).addCallback(self.refuse_inward, name)

    def refuse_inward(self, address: str, name: str) -> str:
        if is_public(address) or address in self.allowed or name in self.allowed:
            return address
        raise DNSLookupError(f"{name} resolves to {address}, which is not a public address: not fetched")


class RedirectLoop(IgnoreRequest):
    """A page given up in a redirect loop or an endless chain of redirects."""


class RedirectLoops:
    """Downloader middleware, placed before Scrapy's RedirectMiddleware sees the response."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = safe_url_string(response.urljoin(location.decode("latin-1")))
            chain = request.meta.get("redirect_urls", ())
            if target in {request.url, *chain}:
                self.give_up(f"{request.url} redirects to {target}, which redirected here")
            if request.meta.get("redirect_times", 0) >= self.max_redirects:
                self.give_up(
                    f"{chain[0] if chain else request.url} redirected {len(chain)} times, the most "
                    f"followed (REDIRECT_MAX_TIMES), and on to {target}"
                )
        return response

    def give_up(self, why: str) -> None:
        self.stats.inc_value(REDIRECT_LOOP)
        logger.warning("redirect loop: %s; not fetched", why)
        raise RedirectLoop(f"redirect loop: {why}")
