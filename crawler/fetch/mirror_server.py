"""A loopback HTTP server for the offline mirror: serves ROOT/HOST/PATH for /HOST/PATH.

Layout of a mirror directory: one folder per host; a path ending in «/» is its «index.html»; a query
string is part of the file name («archive?pi=2»). Used by the demo, the tests and the benchmarks.
A file may come with response headers of its own (WordPress's «X-WP-TotalPages» on a page of its REST
API, say): «NAME.headers» next to it, one «Header: value» a line, sent with NAME.

    python -m crawler.fetch.mirror_server tests/mirror            # prints the URL to use as MIRROR_URL
    python -m crawler.fetch.mirror_server tests/mirror --faults faults.json

Pages are served with validators, as many sites serve them: an ETag (a digest of the file) and a
Last-Modified (the file's time); a conditional request (If-None-Match, else If-Modified-Since) for a
page that has not changed is answered 304 Not Modified, without the page.

Faults, to see a crawl survive a misbehaving site: a JSON object from a request path («/HOST/PATH»,
as the mirror is asked for it) to a fault kind (every request gets it) or a list of kinds (the
first requests get them in turn, later ones the page). Kinds: FAULT_KINDS.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import socket
import struct
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "tests" / "mirror"
FAULT_KINDS = {
    "403": "HTTP 403 (a firewall or CDN turning the crawler away)",
    "404": "HTTP 404",
    "500": "HTTP 500",
    "503": "HTTP 503 with Retry-After",
    "429": "HTTP 429 with Retry-After",
    "reset": "the connection reset before any response",
    "stall": "no response for STALL_SECONDS, then the connection closed",
    "truncated": "half the body of the page, then the connection closed",
    "redirect_loop": "a 302 to the page itself",
    "soft404": "a 200 «page not found» page in the site's chrome",
    "garbage": "bytes that are not HTTP, then the connection closed",
}
STALL_SECONDS = 5.0
SOFT_404 = """<!DOCTYPE html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<title>صفحه مورد نظر یافت نشد</title></head><body>
<header><nav><ul><li><a href="/">صفحه اصلی</a></li><li><a href="/archive">آرشیو</a></li></ul></nav></header>
<main><h1>خطای ۴۰۴</h1><p>صفحه‌ای که به دنبال آن بودید پیدا نشد. ممکن است حذف شده باشد.</p></main>
<aside><h2>آخرین اخبار</h2><ul><li><a href="/">افتتاح بوستان جدید در منطقه ۵</a> <span>۲۲ تیر ۱۴۰۴ - ۱۱:۲۶</span></li>
<li><a href="/">آغاز طرح ترافیک تابستانی</a> <span>یکشنبه ۲۱ تیر ۱۴۰۴</span></li></ul></aside>
<footer><p>تمامی حقوق محفوظ است. ۱۳۸۷ - ۱۴۰۵</p></footer></body></html>""".encode()


class Faults:
    """Which fault each request path gets; thread-safe, as the server answers in threads."""

    def __init__(self, plan: dict[str, str | list[str]] | None = None):
        self.plan = {unquote(path): kinds for path, kinds in (plan or {}).items()}
        for kinds in self.plan.values():
            unknown = {kinds} - set(FAULT_KINDS) if isinstance(kinds, str) else set(kinds) - set(FAULT_KINDS)
            if unknown:
                raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {', '.join(FAULT_KINDS)}")
        self.served: dict[str, int] = {}
        self.lock = threading.Lock()

    def next(self, raw_path: str) -> str | None:
        path = unquote(raw_path)
        kinds = self.plan.get(path)
        if kinds is None:
            return None
        if isinstance(kinds, str):
            return kinds
        with self.lock:
            count = self.served[path] = self.served.get(path, 0) + 1
        return kinds[count - 1] if count <= len(kinds) else None


def _relative(raw_path: str) -> str:
    """The mirror's file name, under its root, for a request path «/HOST/PATH?QUERY»."""
    parts = urlsplit(raw_path)
    relative = unquote(parts.path).lstrip("/")
    if parts.query:
        relative += "?" + unquote(parts.query)
    elif relative.endswith("/") or "/" not in relative:
        relative = relative.rstrip("/") + "/index.html"
    return relative


def resolve(root: Path, raw_path: str) -> Path | None:
    """The file for a request path, or None when there is none (or the path leaves the root)."""
    candidate = (root / _relative(raw_path)).resolve()
    if candidate.is_dir():
        candidate = candidate / "index.html"
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def mirror_path(root: Path, url: str) -> Path:
    """Where the mirror keeps the page of https://HOST/PATH?QUERY (the file resolve() serves for it)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    path = (root / _relative(f"/{parts.netloc}{parts.path or '/'}{query}")).resolve()
    if not path.is_relative_to(root.resolve()):
        raise ValueError(f"{url} leaves the mirror")
    return path


HEADERS_SUFFIX = ".headers"


def own_headers(path: Path) -> dict[str, str]:
    """The headers the mirror sends with this file: those of its «.headers» file, if it has one."""
    sidecar = path.with_name(path.name + HEADERS_SUFFIX)
    if not sidecar.is_file():
        return {}
    lines = (line.partition(":") for line in sidecar.read_text().splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, _, value in lines}


def content_type(path: Path, body: bytes) -> str:
    head = body[:200].lstrip().lower()
    if path.name == "robots.txt":
        return "text/plain; charset=utf-8"
    if head.startswith((b"<?xml", b"<rss", b"<urlset", b"<sitemapindex", b"<feed")):
        return "application/xml"
    if head.startswith((b"{", b"[")):
        return "application/json"
    # No charset here: pages declare their own (old portals serve windows-1256).
    return "text/html"


class MirrorHandler(BaseHTTPRequestHandler):
    root: Path = DEFAULT_ROOT
    faults: Faults = Faults()
    server_version = "mirror/1"

    def do_GET(self) -> None:
        fault = self.faults.next(self.path)
        if fault:
            self.misbehave(fault)
            return
        path = resolve(self.root, self.path)
        if path is None:
            self.send(HTTPStatus.NOT_FOUND, b"<html><body><h1>404</h1></body></html>", "text/html")
            return
        body = path.read_bytes()
        validators = {
            "ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"',
            "Last-Modified": formatdate(int(path.stat().st_mtime), usegmt=True),
        }
        if self.not_modified(validators["ETag"], int(path.stat().st_mtime)):
            self.send(
                HTTPStatus.NOT_MODIFIED, b"", content_type(path, body), {**validators, **own_headers(path)}, length=0
            )
            return
        self.send(HTTPStatus.OK, body, content_type(path, body), {**validators, **own_headers(path)})

    def not_modified(self, etag: str, modified: int) -> bool:
        """Whether a conditional request's copy of the page is current: If-None-Match decides when given."""
        if (tags := self.headers.get("If-None-Match")) is not None:
            return etag in {tag.strip() for tag in tags.split(",")} or tags.strip() == "*"
        if (since := self.headers.get("If-Modified-Since")) is not None:
            try:
                return modified <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def send(
        self,
        status: HTTPStatus,
        body: bytes,
        kind: str,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def misbehave(self, fault: str) -> None:
        error = b"<html><body><h1>error</h1></body></html>"
        if fault in ("403", "404", "500", "503", "429"):
            retry_after = {} if fault == "500" else {"Retry-After": "1"}
            self.send(HTTPStatus(int(fault)), error, "text/html", retry_after)
        elif fault == "soft404":
            self.send(HTTPStatus.OK, SOFT_404, "text/html; charset=utf-8")
        elif fault == "redirect_loop":
            own_path = "/" + self.path.lstrip("/").partition("/")[2]  # the page's path on its own host
            self.send(HTTPStatus.FOUND, b"", "text/html", {"Location": own_path})
        elif fault == "truncated":
            path = resolve(self.root, self.path)
            body = path.read_bytes() if path else error
            self.send(HTTPStatus.OK, body[: len(body) // 2], content_type(path or Path(), body), length=len(body))
            self.close_connection = True
        elif fault == "garbage":
            self.wfile.write(b"\x16\x03\x01 not a web server \x00\xff\r\n\r\n")
            self.close_connection = True
        elif fault == "stall":
            time.sleep(STALL_SECONDS)
            self.close_connection = True
        elif fault == "reset":
            # Linger 0: closing sends a TCP reset instead of an orderly end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The stdlib listens with a backlog of 5: a crawl opening more connections at once than that has
    # the extra ones dropped and retried by TCP a second later, a stall that is the server's, not the crawl's.
    request_queue_size = 128


class LoopbackServer:
    """An HTTP handler served on 127.0.0.1 and a free port (or `port`), in a background thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0):
        self.httpd = _Server(("127.0.0.1", port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self.httpd.server_address[:2])  # an IPv4 server's
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class MirrorServer(LoopbackServer):
    """The mirror on 127.0.0.1, in a background thread."""

    def __init__(self, root: Path = DEFAULT_ROOT, port: int = 0, faults: dict[str, str | list[str]] | None = None):
        handler = type("BoundMirrorHandler", (MirrorHandler,), {"root": Path(root).resolve(), "faults": Faults(faults)})
        super().__init__(handler, port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", default=DEFAULT_ROOT, type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--faults", type=Path, help="a JSON file: request path -> fault kind(s)")
    args = parser.parse_args()
    faults = json.loads(args.faults.read_text()) if args.faults else None
    with MirrorServer(args.root, args.port, faults) as server:
        print(server.url, flush=True)
        server.thread.join()


if __name__ == "__main__":
    main()
