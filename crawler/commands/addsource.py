"""`scrapy addsource URL --name NAME`: detect a site's CMS, how to discover its articles and how to read
them, show a few samples read that way, and register it as a source in SOURCES_FILE.

The pages are fetched as a crawl fetches them (a Scrapy crawl of a small spider with the project's
settings: the mirror, robots.txt, the host guard, the browser for a CDN challenge); what is found in them
is crawler/sources/detect.py's.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

import scrapy
import tomli_w
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.extract.dates import TEHRAN
from crawler.extract.urls import bare_host
from crawler.fetch.redirects import url_problem
from crawler.run.preflight import check_mirror_url, one_line_errors
from crawler.sources.detect import Discovery, FetchesNow, Sample, discover
from crawler.sources.registry import ONE_OFF_SPIDERS, registry_path
from crawler.stats import CHALLENGE_FAILED

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def sources_file(settings) -> Path:
    """SOURCES_FILE (setting or environment), else sources.toml in the project's root."""
    return registry_path(settings.get("SOURCES_FILE"))[0]


def registered(path: Path) -> dict[str, dict]:
    """The registry's tables; a missing file is an empty registry."""
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: {error}; nothing fetched") from None


class SiteLook(FetchesNow, scrapy.Spider):
    """Fetches what `discover` asks for, one page after another, and keeps what it found."""

    name = "addsource"
    # The project's pipelines and extensions keep a source's store and watch its crawls: a look at a site
    # has neither. Scrapy's own (robots.txt, retries, the host guard, the browser) stay.
    custom_settings = {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "SPIDERMON_ENABLED": False, "SOURCE_LOCK_ENABLED": False}

    def __init__(self, home: str, source_name: str, site_name: str = "", **kwargs):
        super().__init__(**kwargs)
        self.home = home
        self.source_name = source_name
        self.site_name = site_name
        self.hosts = {bare_host(home)}
        self.discovery: Discovery | None = None

    def owns_url(self, url: str) -> bool:
        """The host guard's question (crawler/fetch/redirects.py): only the site's own hosts."""
        return bare_host(url) in self.hosts

    async def start(self):
        self.discovery = await discover(self.fetch_page, self.home, self.source_name, self.site_name)
        return
        yield  # start() is an async generator of requests; this one fetches through fetch_page and yields none


def sample_lines(number: int, sample: Sample) -> list[str]:
    item = sample.item
    steps = sample.steps
    lines = [f"sample {number}: {sample.url}", f"  title: {item.title or '-'}"]
    if item.published_at:
        local = item.published_at.astimezone(TEHRAN)
        lines.append(
            f"  date: {item.published_jalali} (Jalali) = {local.isoformat()} (Gregorian, Tehran), "
            f"from {steps.get('published_at')}"
        )
    else:
        lines.append("  date: -")
    code_step = steps.get("news_code")
    lines.append(
        f"  news code: {item.news_code}, from {code_step}"
        + (" (the URL's hash: the site prints no code and its URL carries none)" if code_step == "url_hash" else "")
    )
    first_line = next((line for line in item.body.split("\n") if line.strip()), "")
    lines.append(f"  body: {first_line[:160]}{'…' if len(first_line) > 160 else ''}")
    unread = [
        name
        for name in (
            "title",
            "published_at",
            "body",
            "lead",
            "kicker",
            "category",
            "tags",
            "authors",
            "images",
            "view_count",
        )
        if not getattr(item, name)
    ]
    if unread:
        lines.append(f"  not read: {', '.join(unread)}")
    return lines


def description_lines(found: Discovery) -> list[str]:
    lines = [
        f"family: {found.family}" + (f" ({found.evidence})" if found.evidence else ""),
        f"article URLs: {found.article_url}",
        f"news code: {', '.join(found.news_code) or 'in the URL'}",
    ]
    if found.url_hash_only:
        lines.append(
            "news code: NOT PRINTED and not in the URL: each article is known by its URL's hash "
            "(counted as a fallback), so a site that moves its URLs duplicates its articles"
        )
    for strategy in found.strategies:
        details = ", ".join(f"{key} {value}" for key, value in strategy.items() if key != "kind")
        lines.append(f"discovery: {strategy['kind']} ({details})")
    return lines


class Command(ScrapyCommand):
    # addsource writes SOURCES_FILE: a named file it has not written yet is the registry it starts.
    default_settings = {"SOURCES_FILE_MAY_BE_NEW": True}
    requires_project = True

    def syntax(self) -> str:
        return "[options] URL --name NAME"

    def short_desc(self) -> str:
        return "Detect a news site's CMS, discovery and reading from its address, and register it as a source"

    def long_desc(self) -> str:
        return (
            "Fetches the home page and a few pages it links to (through the mirror, robots.txt and the "
            "host guard, as a crawl does), detects the CMS family, the article-URL and news-code rules and "
            "the ways to discover articles (WordPress REST API, listing, feed, sitemap), reads 3 to 5 sample "
            "articles and prints them, then appends the source's table to SOURCES_FILE. Exits 1, writing "
            "nothing, when no article was read with a title, a date and a body."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--name", help="the source's name (lower-case letters, digits, «_»)")
        parser.add_argument("--site-name", default="", help="the site's name, as its titles append it")
        parser.add_argument("--dry-run", action="store_true", help="print the entry, write nothing")

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        if len(args) != 1:
            raise UsageError("give one address: the site's home page", print_help=False)
        home = args[0] if urlsplit(args[0]).path else args[0] + "/"
        if problem := url_problem(home, self.settings.getint("URLLENGTH_LIMIT") or 2083):
            raise UsageError(f"{home}: {problem}; nothing fetched")
        name = opts.name or ""
        if not SOURCE_NAME.match(name):
            raise UsageError("give --name NAME: 2 to 40 lower-case letters, digits or «_», starting with a letter")
        path = sources_file(self.settings)
        registry = registered(path)
        self.refuse_taken(name, bare_host(home), registry, path)
        check_mirror_url(self.settings.get("MIRROR_URL"))

        crawler = self.crawler_process.create_crawler(SiteLook)
        self.crawler_process.crawl(crawler, home=home, source_name=name, site_name=opts.site_name)
        self.crawler_process.start()

        found = cast(SiteLook, crawler.spider).discovery
        failure = self.failure(found, crawler)
        if failure or found is None:  # found is None only with a failure
            print(failure, file=sys.stderr)
            self.exitcode = 1
            return
        print("\n".join(description_lines(found)))
        for number, sample in enumerate(found.samples, 1):
            print("\n".join(sample_lines(number, sample)))
        print(f"requests: {crawler.stats.get_value('downloader/request_count', 0)}")
        entry = tomli_w.dumps({name: found.table()})
        if opts.dry_run:
            print(f"dry run: not written to {path}; the entry would be:\n{entry}")
            return
        self.append(path, entry)
        print(f"written: [{name}] to {path}")

    def refuse_taken(self, name: str, host: str, registry: dict[str, dict], path: Path) -> None:
        assert self.crawler_process
        # The project's spider loader knows every source: the tailored spiders and the registry's tables.
        loader = self.crawler_process.spider_loader
        if name in registry:
            raise UsageError(f"{name!r} is taken: {path} has a table [{name}]; choose another")
        if name in ONE_OFF_SPIDERS:
            raise UsageError(f"{name!r} names the one-off crawl (scrapy crawl {name}); choose another")
        if name in loader.list():
            raise UsageError(f"{name!r} is taken: a tailored spider has that name (spiders/{name}.py); choose another")
        for owner in loader.list():
            spider = loader.load(owner)
            if hasattr(spider, "describe") and host in spider.describe().hosts:
                raise UsageError(f"{host} is already a host of the source {owner!r}; nothing fetched")

    @staticmethod
    def failure(found: Discovery | None, crawler) -> str:
        if crawler.stats.get_value(CHALLENGE_FAILED):
            return f"blocked: a CDN challenge the browser did not pass at {urlsplit(crawler.spider.home).hostname}"
        if found is None:
            return f"not read: the look at the site stopped early ({crawler.stats.get_value('finish_reason')})"
        if found.failure.startswith("blocked: the home page") and crawler.spider.not_fetched:
            return f"blocked: {crawler.spider.not_fetched[0]}"
        return found.why_not()

    @staticmethod
    def append(path: Path, entry: str) -> None:
        """Appends the table, the file's other tables as they were; the whole must still parse."""
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        text = before + ("\n" if before and not before.endswith("\n\n") else "") + entry
        tomllib.loads(text)
        path.write_text(text, encoding="utf-8")
