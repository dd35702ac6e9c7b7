"""Mirrors for the operations tests: a copy of the bundled mirror to alter, and a mirror server that
records what it was asked for, can answer some paths with an error first, and can hold some requests
until the test lets them go (to catch a crawl in the middle, without guessing at timings)."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast
from urllib.parse import unquote, urlsplit

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.fetch.mirror_server import DEFAULT_ROOT, MirrorServer
from crawler.sources.discovery import WordPressApi
from crawler.sources.spider import NewsSpider


class Sources(SpiderLoader):
    """Scrapy's spider loader, typed as what it loads here: every tailored source's spider is a NewsSpider."""

    def load(self, spider_name: str) -> type[NewsSpider]:
        return cast("type[NewsSpider]", super().load(spider_name))


# The tailored sources (spiders/), as their spiders describe them: no list of names or hosts is kept by hand.
SPIDERS = Sources.from_settings(get_project_settings())
SOURCES = sorted(SPIDERS.list())
#: The sources read through a WordPress REST API, with the host of their home page (their mirror's directory).
WORDPRESS_HOSTS = {
    name: urlsplit(api.home).hostname for name in SOURCES if (api := SPIDERS.load(name).strategy(WordPressApi))
}

# What a site that moved to client-side rendering serves at its article URLs: no article in the HTML.
SCRIPT_SHELL = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>news</title></head>'
    '<body><div id="app"></div><script src="/static/app.js"></script></body></html>'
)


def copy_mirror(destination: Path) -> Path:
    shutil.copytree(DEFAULT_ROOT, destination)
    return destination


def mirror_url_of(root: Path, path: Path) -> str:
    """The site URL a file of a mirror directory stands for."""
    relative = path.relative_to(root).as_posix()
    if relative.endswith("/index.html") and "?" not in relative:
        relative = relative.removesuffix("index.html")
    return f"https://{relative}"


def article_files(root: Path, source: str) -> list[Path]:
    """The article pages of a source in a mirror directory, in a stable order."""
    spider = SPIDERS.load(source)()
    files = (path for path in root.rglob("*") if path.is_file())
    return sorted(path for path in files if spider.is_article_url(mirror_url_of(root, path)))


@dataclass
class Fault:
    """How the server answers a path before serving it normally: one (status, headers) per request, with
    `body` (by default a small HTML page naming the status)."""

    answers: list[tuple[int, dict[str, str]]]
    body: bytes | None = None


@dataclass
class Served:
    """What a mirror server was asked for: (path, User-Agent) per request, in order."""

    requests: list[tuple[str, str]] = field(default_factory=list)

    def paths(self, host: str = "") -> list[str]:
        return [path for path, _ in self.requests if path.startswith(f"/{host}")]


class RecordingMirror(MirrorServer):
    def __init__(self, root: Path, faults: dict[str, Fault] | None = None, hold: str = ""):
        super().__init__(root)
        self.served = Served()
        #: Requests whose path contains `hold` wait until this is set.
        self.release = threading.Event()
        answering, lock, release = dict(faults or {}), threading.Lock(), self.release
        served = self.served

        class Handler(self.httpd.RequestHandlerClass):  # type: ignore[name-defined]  # whichever the server has; mypy takes only a class's name
            def do_GET(self) -> None:
                path = unquote(self.path)
                with lock:
                    served.requests.append((path, self.headers.get("User-Agent", "")))
                    fault = next((f for prefix, f in answering.items() if path.startswith(prefix) and f.answers), None)
                    answer = fault.answers.pop(0) if fault else None
                if fault and answer:
                    status, headers = answer
                    body = fault.body or f"<html><body><h1>{status}</h1></body></html>".encode()
                    self.send_response(status)
                    headers = {"Content-Type": "text/html", "Content-Length": str(len(body)), **headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if hold and hold in path:
                    release.wait(timeout=120)
                super().do_GET()

        self.httpd.RequestHandlerClass = Handler

    def __exit__(self, *exc) -> None:
        self.release.set()
        super().__exit__(*exc)
