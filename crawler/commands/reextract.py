"""`scrapy reextract [SOURCE ...] [--since 30d] [--dry-run]`: read the archived pages of stored articles again
with today's code, without sending a request, and say what would change, per source and field.

Each source's spider reads the pages as `scrapy refetch` does (the same requests, callbacks and pipelines),
but its download handler is `ArchiveReplay`: it answers from the archive alone (crawler/fetch/archive.py).
An article's page is the record the article points at; the REST API answers a WordPress source asks for a
post or its terms are made from the posts and terms of that source's archived API answers; anything else is
answered 404 and counted (`reextract/not_archived`). Without `--dry-run` a changed article is stored
through the normal pipelines, its previous content kept as a version with the reason `reextract`; a page
that no longer reads as an article is reported, and its stored article stays as it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import cast
from urllib.parse import parse_qs, unquote, urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import DropItem, UsageError
from scrapy.http import Request, Response, TextResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.commands.history import word_diff
from crawler.commands.refetch import Refetch
from crawler.extract.urls import canonical_url
from crawler.fetch.archive import (
    FILE_NAME,
    RECORD_META,
    ArchivedRecord,
    archive_files,
    read_record,
    record_url,
    responses_in,
)
from crawler.items import CONTENT_FIELDS, ArticleItem
from crawler.run import clock
from crawler.run.preflight import check_database_url, one_line_errors, open_writable
from crawler.sources.wpapi import API_ROOT, TAXONOMIES
from crawler.stats import REEXTRACT_API_ANSWERS, REEXTRACT_NOT_ARCHIVED, REEXTRACT_PAGES
from crawler.store.database import REREAD_FIELDS, VERSION_REEXTRACTED, Article, Store

#: The fields compared between the stored article and its new reading.
COMPARED = (*CONTENT_FIELDS, *REREAD_FIELDS)
SAMPLE_SIZE = 20


class ApiAnswers:
    """The posts and terms of a source's archived REST API answers, to answer the API questions a spider
    asks when it reads one post again (the post by id or slug, the names of its terms)."""

    def __init__(self):
        self.posts_by_id: dict[tuple[str, int], dict] = {}
        self.posts_by_slug: dict[tuple[str, str], dict] = {}
        self.terms: dict[tuple[str, str, int], dict] = {}

    def add(self, url: str, body: bytes) -> None:
        parts = urlsplit(url)
        route = parts.path.split(f"/{API_ROOT}", 1)[-1].strip("/")
        try:
            data = json.loads(body)
        except ValueError:
            return
        entries = data if isinstance(data, list) else [data]
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), int):
                continue
            if route.startswith("posts"):
                self.posts_by_id[(parts.netloc, entry["id"])] = entry
                if entry.get("slug"):
                    # WordPress gives a Persian slug percent-encoded; the spider asks for it as the URL's last segment.
                    self.posts_by_slug[(parts.netloc, unquote(str(entry["slug"])))] = entry
            elif route in TAXONOMIES:
                self.terms[(parts.netloc, route, entry["id"])] = entry

    def answer(self, url: str) -> object | None:
        """The JSON the archived answers give for this API URL, or None when they cannot say."""
        parts = urlsplit(url)
        route = parts.path.split(f"/{API_ROOT}", 1)[-1].strip("/")
        query = parse_qs(parts.query)
        if route.startswith("posts/") and route.removeprefix("posts/").isdigit():
            return self.posts_by_id.get((parts.netloc, int(route.removeprefix("posts/"))))
        if route == "posts" and "slug" in query:
            post = self.posts_by_slug.get((parts.netloc, unquote(query["slug"][0])))
            return [post] if post else []
        if route in TAXONOMIES and "include" in query:
            ids = [int(term) for term in query["include"][0].split(",") if term.isdigit()]
            return [
                self.terms[(parts.netloc, route, term)] for term in ids if (parts.netloc, route, term) in self.terms
            ]
        return None


class ArchiveReplay(BaseDownloadHandler):
    """The http and https handler of a re-extraction: every answer comes from the archive, nothing is sent."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.directory = crawler.settings.get("ARCHIVE_DIR")
        # By canonical URL: a post's link in the REST API may spell its escapes otherwise than the page's URL.
        self.pages: dict[str, ArchivedRecord] = {
            canonical_url(url): record for url, record in (crawler.settings.get("ARCHIVE_REPLAY_PAGES") or {}).items()
        }
        self.api: ApiAnswers | None = None

    def api_answers(self) -> ApiAnswers:
        if self.api is None:
            self.api = ApiAnswers()
            assert self.crawler.spider  # asked while it crawls
            source = self.crawler.spider.name
            for path in archive_files(self.directory):
                if FILE_NAME.match(path.name)["source"] == source:  # type: ignore[index]  # archive_files matched it
                    for archived in responses_in(path):
                        if f"/{API_ROOT}" in archived.url and archived.status == 200:
                            self.api.add(archived.url, archived.body)
        return self.api

    async def download_request(self, request: Request) -> Response:
        stats = self.crawler.stats
        record = self.pages.get(canonical_url(request.url))
        if record is not None:
            stats.inc_value(REEXTRACT_PAGES)
            # The articles read again point at the record they were read from, as in the crawl.
            request.meta[RECORD_META] = record
            response = read_record(self.directory, record).response()
            return response.replace(url=request.url, request=request)
        if f"/{API_ROOT}" in request.url and (answer := self.api_answers().answer(request.url)) is not None:
            stats.inc_value(REEXTRACT_API_ANSWERS)
            return TextResponse(
                request.url,
                body=json.dumps(answer, ensure_ascii=False).encode(),
                encoding="utf-8",
                headers={"Content-Type": "application/json; charset=UTF-8"},
                request=request,
            )
        stats.inc_value(REEXTRACT_NOT_ARCHIVED)
        return Response(request.url, status=404, request=request, flags=["not archived"])


def replay_from_archive(crawler, pages: dict[str, ArchivedRecord]) -> None:
    """Settings of a crawler whose every answer comes from the archive: `pages` by URL, the REST API's from
    its archived answers. Nothing leaves the machine: no browser, no mirror, no robots.txt, no retries."""
    for name, value in {
        "ADDONS": {},
        "MIRROR_URL": "",
        "ROBOTSTXT_OBEY": False,
        "ARCHIVE_ENABLED": False,
        "RETRY_ENABLED": False,
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.commands.reextract.ArchiveReplay",
            "https": "crawler.commands.reextract.ArchiveReplay",
        },
        "ARCHIVE_REPLAY_PAGES": pages,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    }.items():
        crawler.settings.set(name, value, priority="cmdline")


def stored_values(article: Article) -> dict:
    return {name: getattr(article, name) for name in COMPARED}


class Differences:
    """Item pipeline of a re-extraction, before the store: notes how each new reading differs from the stored
    article, field by field; passes on only the changed ones (none in a dry run)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.store = Store.for_crawler(crawler)
        self.dry_run = crawler.settings.getbool("REEXTRACT_DRY_RUN")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with Session(self.store.engine) as session:
            stored = session.scalars(
                select(Article).where(Article.source == item.source, Article.news_code == item.news_code)
            ).one_or_none()
        spider = self.crawler.spider
        spider.read_again += 1
        before = stored_values(stored) if stored is not None else {}
        changed = [name for name in COMPARED if before.get(name) != getattr(item, name)]
        if not changed:
            raise DropItem("unchanged", log_level="DEBUG")
        spider.changes.append(
            (item.url, item.news_code, {name: (before.get(name), getattr(item, name)) for name in changed})
        )
        if self.dry_run:
            raise DropItem("dry run", log_level="DEBUG")
        return item


class Reextract(Refetch):
    """A source's spider reading archived article pages again (`Refetch`'s requests, answered by ArchiveReplay)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read_again = 0
        self.changes: list[tuple[str, str, dict[str, tuple]]] = []

    def item_dropped(self, item, response, exception, spider):
        # Unchanged, or a dry run: not a loss. Only what the other pipelines refused is.
        if str(exception) in ("unchanged", "dry run"):
            self.asked_for.pop(id(item), None)
            return
        super().item_dropped(item, response, exception, spider)


def archived_page(store: Store, directory: str, url: str) -> ArchivedRecord | None:
    """The record of a page: the one the article stored from that URL points at, else the archive's latest."""
    # Stored URLs are canonical (crawler/extract/urls.py); the archive keeps them as fetched.
    url = canonical_url(url)
    with Session(store.engine) as session:
        pointed = session.execute(
            select(Article.archive_file, Article.archive_offset, Article.archive_digest).where(
                Article.url == url, Article.archive_file.is_not(None)
            )
        ).first()
    if pointed is not None:
        # An archive file's offset and digest are kept with it.
        return ArchivedRecord(*cast("tuple[str, int, str]", pointed))
    latest = None
    for path in archive_files(directory):
        for archived in responses_in(path):
            if canonical_url(archived.url) == url and (latest is None or archived.date >= latest.date):
                latest = archived
    return latest.record if latest else None


def pointed_records(store: Store, sources: list[str], since: datetime | None) -> dict[str, dict[str, ArchivedRecord]]:
    """The archive records stored articles point at, by source and news code, archived since `since`."""
    day = since.strftime("%Y%m%d") if since else ""
    found: dict[str, dict[str, ArchivedRecord]] = defaultdict(dict)
    with Session(store.engine) as session:
        query = select(
            Article.source, Article.news_code, Article.archive_file, Article.archive_offset, Article.archive_digest
        ).where(Article.archive_file.is_not(None))
        if sources:
            query = query.where(Article.source.in_(sources))
        # Rows with an archive file, whose offset and digest are kept with it.
        rows = cast("Iterable[tuple[str, str, str, int, str]]", session.execute(query))
        for source, code, file, offset, digest in rows:
            match = FILE_NAME.match(file)
            if match and match["day"] >= day:
                found[source][code] = ArchivedRecord(file, offset, digest)
    return found


def shown(value, width: int = 100) -> str:
    text = (
        value.isoformat()
        if isinstance(value, datetime)
        else value
        if isinstance(value, str)
        else json.dumps(value, ensure_ascii=False)
    )
    text = text.replace("\n", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"


def shown_change(old, new) -> str:
    """A field's change in one line: for text, only the words removed [-…-] and added {+…+}."""
    if isinstance(old, str) and isinstance(new, str):
        runs = [
            f"[-{text}-]" if op == "delete" else f"{{+{text}+}}" for op, text in word_diff(old, new) if op != "equal"
        ]
        return shown(" … ".join(runs), 160)
    return f"{shown(old)} → {shown(new)}"


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] [SOURCE ...]"

    def short_desc(self) -> str:
        return "Read the archived pages of stored articles again with today's code; no request is sent"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--since", default="", help="only pages archived this long ago or later (30d, 2w)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would change, with a sample of the differences; store nothing",
        )

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        loader = self.crawler_process.spider_loader
        unknown = sorted(set(args) - set(loader.list()))
        if unknown:
            raise UsageError(
                f"unknown source {', '.join(unknown)} (sources: {', '.join(sorted(loader.list()))})", print_help=False
            )
        try:
            since = clock.now(self.settings) - clock.parse_span(opts.since) if opts.since else None
        except ValueError as error:
            raise UsageError(f"--since {error}", print_help=False) from None
        check_database_url(self.settings.get("DATABASE_URL"))
        if not opts.dry_run:
            open_writable(self.settings.get("DATABASE_URL"))
        store = Store.open(self.settings.get("DATABASE_URL"))
        records = pointed_records(store, args, since)
        directory = self.settings.get("ARCHIVE_DIR")

        crawlers = []
        for source, by_code in sorted(records.items()):
            pages: dict[str, ArchivedRecord] = {}
            unreadable = []
            for code, record in by_code.items():
                try:
                    pages[record_url(directory, record)] = record
                except (OSError, ValueError) as error:
                    unreadable.append(f"{source} {code}: {error}")
            for line in unreadable:
                print(f"UNREADABLE {line}", file=sys.stderr)
                self.exitcode = 1
            spider = loader.load(source)
            crawler = self.crawler_process.create_crawler(type(spider.__name__, (Reextract, spider), {}))
            replay_from_archive(crawler, pages)
            for name, value in {
                "REEXTRACT_DRY_RUN": opts.dry_run,
                "SPIDERMON_ENABLED": False,
                "SOURCE_LOCK_ENABLED": False,
                "STORE_VERSION_REASON": VERSION_REEXTRACTED,
                "ITEM_PIPELINES": {
                    **self.settings.getdict("ITEM_PIPELINES"),
                    "crawler.commands.reextract.Differences": 350,
                },
            }.items():
                crawler.settings.set(name, value, priority="cmdline")
            self.crawler_process.crawl(crawler, refetch=list(pages))
            crawlers.append(crawler)
        if crawlers:
            self.crawler_process.start()
        self.report(crawlers, opts.dry_run)

    def report(self, crawlers: list, dry_run: bool) -> None:
        total = 0
        for crawler in crawlers:
            spider, stats = crawler.spider, crawler.stats
            fields = Counter(name for _, _, fields in spider.changes for name in fields)
            total += len(spider.changes)
            changed = ", ".join(f"{name} {count}" for name, count in sorted(fields.items())) or "none"
            verb = "would change" if dry_run else "changed"
            print(
                f"{spider.name}: {spider.read_again} read again, {len(spider.changes)} {verb} ({changed}), "
                f"{len(spider.not_stored)} no longer an article, "
                f"{stats.get_value('reextract/not_archived', 0)} answers not in the archive"
            )
            for url, reason in sorted(spider.not_stored.items()):
                print(f"  NOT AN ARTICLE NOW (kept as stored) {url}: {reason}")
            if dry_run:
                for _url, code, fields in spider.changes[:SAMPLE_SIZE]:
                    for name, (old, new) in fields.items():
                        print(f"  {spider.name} {code} {name}: {shown_change(old, new)}")
            if stats.get_value("store/failed"):
                self.exitcode = 1
        print(f"{'would change' if dry_run else 'changed'}: {total} articles")
