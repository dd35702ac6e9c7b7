"""A loopback HTTP server for the offline mirror: serves ROOT/HOST/PATH for /HOST/PATH.

Layout of a mirror directory: one folder per host; a path ending in «/» is its «index.html»; a query
string is part of the file name («archive?pi=2»). Used by the demo, the tests and the benchmarks.

    python -m crawler.mirror_server tests/mirror            # prints the URL to use as MIRROR_URL
"""

from __future__ import annotations

import argparse
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "tests" / "mirror"


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
    server_version = "mirror/1"

    def do_GET(self) -> None:
        path = resolve(self.root, self.path)
        if path is None:
            self.send(HTTPStatus.NOT_FOUND, b"<html><body><h1>404</h1></body></html>", "text/html")
            return
        body = path.read_bytes()
        self.send(HTTPStatus.OK, body, content_type(path, body))

    def send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


class MirrorServer:
    """The mirror on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, root: Path = DEFAULT_ROOT, port: int = 0):
        handler = type("BoundMirrorHandler", (MirrorHandler,), {"root": Path(root).resolve()})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> MirrorServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", nargs="?", default=DEFAULT_ROOT, type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with MirrorServer(args.root, args.port) as server:
        print(server.url, flush=True)
        server.thread.join()


if __name__ == "__main__":
    main()
