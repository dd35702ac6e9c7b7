"""Loopback news sites for the browser tests, served over real HTTP on 127.0.0.1 and a free port.

- `RENDERED`: a listing whose article links are written by JavaScript, and articles whose body is
  written by JavaScript (one of them after a delay).
- `ChallengeGate`: an ArvanCloud-style CDN in front of a plain site: a request without a good
  `__arcsjs` cookie gets a small page whose script computes the cookie and reloads. A cookie is good
  for a number of requests, then it expires and the challenge comes again.

Every request is logged with whether a browser made it (Chromium sends Sec-Fetch-* headers; Scrapy
does not) and whether it was let through.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler

from crawler.fetch.mirror_server import LoopbackServer


def article_page(code: str, title: str, body_html: str, script: str = "") -> str:
    return f"""<!doctype html><html lang="fa"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2024-04-20T10:00:00+03:30"></head>
<body><article><h1 class="title">{title}</h1><div class="item-code">کد خبر {code}</div>
<div class="item-text">{body_html}</div></article>{script}</body></html>"""


LISTING_WRITTEN_BY_SCRIPT = """<!doctype html><html><head><meta charset="utf-8"><title>آرشیو</title></head>
<body><ul class="news"></ul><script>
for (const [code, slug] of [["101", "delayed"], ["102", "scripted"]]) {
  const item = document.createElement("li");
  item.innerHTML = `<h3><a href="/news/${code}/${slug}">خبر ${code}</a></h3>`;
  document.querySelector("ul.news").append(item);
}
</script></body></html>"""

DELAYED_BODY = """<script>setTimeout(() => {
  document.querySelector(".item-text").innerHTML = "<p>متنی که پس از نیم ثانیه نوشته می‌شود.</p><p>بند دوم.</p>";
}, 500);</script>"""
SCRIPTED_BODY = """<script>
document.querySelector(".item-text").innerHTML = "<p>متنی که اسکریپت می‌نویسد.</p>";
</script>"""

RENDERED = {
    "/robots.txt": "User-agent: *\nAllow: /\n",
    "/news/": LISTING_WRITTEN_BY_SCRIPT,
    "/news/101/delayed": article_page("101", "خبر با تأخیر", "", DELAYED_BODY),
    "/news/102/scripted": article_page("102", "خبر اسکریپتی", "", SCRIPTED_BODY),
}

PLAIN_LISTING = """<!doctype html><html><head><meta charset="utf-8"><title>آرشیو</title></head><body><ul class="news">
{items}</ul></body></html>"""
PLAIN_CODES = [str(code) for code in range(201, 209)]
PLAIN = {
    "/robots.txt": "User-agent: *\nAllow: /\n",
    "/news/": PLAIN_LISTING.format(
        items="".join(f'<li><h3><a href="/news/{c}/x">خبر {c}</a></h3></li>' for c in PLAIN_CODES)
    ),
    **{f"/news/{c}/x": article_page(c, f"خبر {c}", f"<p>متن خبر {c}.</p>") for c in PLAIN_CODES},
}

CHALLENGE_PAGE = """<!doctype html><html><head><title>Transferring to the website...</title></head><body>
<script>
var token = "{nonce}".split("").reverse().join("") + (6 * 7);
document.cookie = "__arcsjs=" + token + "; path=/";
location.reload();
</script></body></html>"""


class ChallengeGate:
    """Which requests get through: those carrying a cookie computed by a challenge page's script, while
    the cookie has uses left."""

    def __init__(self, uses_per_cookie: int):
        self.uses_per_cookie = uses_per_cookie
        self.uses_left: dict[str, int] = {}
        self.lock = threading.Lock()

    def challenge(self) -> str:
        nonce = secrets.token_hex(8)
        with self.lock:
            self.uses_left[nonce[::-1] + "42"] = self.uses_per_cookie
        return CHALLENGE_PAGE.replace("{nonce}", nonce)

    def admits(self, cookie_header: str) -> bool:
        cookie = SimpleCookie(cookie_header).get("__arcsjs")
        with self.lock:
            if cookie is None or self.uses_left.get(cookie.value, 0) <= 0:
                return False
            self.uses_left[cookie.value] -= 1
            return True


@dataclass
class Hit:
    path: str
    browser: bool
    admitted: bool


class SiteServer(LoopbackServer):
    """Serves `pages` (path -> text) on 127.0.0.1 and a free port, optionally behind a ChallengeGate."""

    def __init__(self, pages: dict[str, str], gate: ChallengeGate | None = None):
        self.pages = pages
        self.gate = gate
        self.hits: list[Hit] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                browser = "Sec-Fetch-Mode" in self.headers
                admitted = site.gate is None or site.gate.admits(self.headers.get("Cookie", ""))
                site.hits.append(Hit(self.path, browser, admitted))
                if not admitted and site.gate is not None:
                    self.send(200, site.gate.challenge(), "text/html; charset=utf-8")
                elif self.path in site.pages:
                    kind = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
                    self.send(200, site.pages[self.path], kind)
                else:
                    self.send(404, "<html><body>404</body></html>", "text/html")

            def send(self, status: int, text: str, kind: str) -> None:
                body = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
                pass

        super().__init__(Handler)
