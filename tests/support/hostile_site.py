"""A hostile site on loopback: the bundled mirror, served normally but for the paths a test hands a
misbehaviour (`HostileSite.modes`, changed between crawls): what an operator meets when a CDN blocks
article pages but not listings, a CMS redirects forever, a page inflates into gigabytes, or bytes are
not in the page's encoding."""

from __future__ import annotations

import gzip
import threading
import time
from urllib.parse import unquote, urlsplit

from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer, resolve

# The kinds of misbehaviour, by what a request path answers.
MODES = {
    "403": "HTTP 403, as a CDN blocking the page",
    "404": "HTTP 404",
    "redirect_chain": "a 302 to the same page with ?n=<one more>, without end",
    "gzip_bomb": "a small gzip body that inflates to BOMB_SIZE bytes of zeros",
    "garbled": "the page with every «ا» (two bytes in UTF-8) of its body cut to its first byte: invalid UTF-8",
    "stray_byte": "the page with one byte that is not UTF-8 in its body",
    "padded": "the page with PADDING bytes of hidden text at its end: larger than a news page ever is",
    "stall": "no answer for STALL_SECONDS, then the connection closed",
}
BOMB_SIZE = 64 * 1024 * 1024
PADDING = 256 * 1024
STALL_SECONDS = 5.0


class HostileSite(MirrorServer):
    """The mirror on 127.0.0.1; a request whose path (without its query) is in `modes` gets that mode.
    `requests` counts the requests of each such path."""

    def __init__(self):
        super().__init__(DEFAULT_ROOT)
        self.modes: dict[str, str] = {}
        self.requests: dict[str, int] = {}
        lock, site = threading.Lock(), self
        bomb = gzip.compress(bytes(BOMB_SIZE), compresslevel=9)

        class Handler(self.httpd.RequestHandlerClass):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                mode = site.modes.get(path)
                if mode is None:
                    super().do_GET()
                    return
                with lock:
                    site.requests[path] = site.requests.get(path, 0) + 1
                if mode in ("403", "404"):
                    self.send(int(mode), f"<html><body><h1>{mode}</h1></body></html>".encode(), "text/html")
                elif mode == "redirect_chain":
                    number = int(parts.query.removeprefix("n=") or 0) + 1
                    own_path = "/" + parts.path.lstrip("/").partition("/")[2]  # the page's path on its own host
                    self.send(302, b"", "text/html", {"Location": f"{own_path}?n={number}"})
                elif mode == "gzip_bomb":
                    self.send(200, bomb, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
                elif mode == "padded":
                    page = resolve(self.root, self.path)
                    assert page is not None, self.path
                    body = page.read_bytes()
                    padding = b'<div hidden="">' + b"x" * PADDING + b"</div></body>"
                    self.send(200, body.replace(b"</body>", padding, 1), "text/html; charset=utf-8")
                elif mode in ("garbled", "stray_byte"):
                    page = resolve(self.root, self.path)
                    assert page is not None, self.path
                    body = page.read_bytes()
                    text = body.index(b"<p>", body.index(b"item-text")) + 3  # the article's first paragraph
                    if mode == "garbled":
                        body = body[:text] + body[text:].replace("ا".encode(), "ا".encode()[:1])
                    else:
                        body = body[:text] + b"\xff" + body[text:]
                    self.send(200, body, "text/html; charset=utf-8")
                elif mode == "stall":
                    time.sleep(STALL_SECONDS)
                    self.close_connection = True

        self.httpd.RequestHandlerClass = Handler
