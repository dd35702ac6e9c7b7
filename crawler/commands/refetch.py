"""`scrapy refetch URL [URL ...]`: fetch article pages now, parse each with its source's spider, store
them through the same pipelines, and print the stored records as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import cast

from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.fetch.redirects import url_problem
from crawler.items import ArticleItem
from crawler.run.preflight import check_database_url, check_mirror_url, check_settings, one_line_errors, open_writable
from crawler.sources.spider import NewsSpider
from crawler.stats import STORE_FAILED
from crawler.store.database import Article, ArticleVersion, Store


class Refetch:
    """A source's spider fetching the URLs it is given as article pages, and noting what became of each."""

    # The source's spider's, which this class is mixed into.
    name: str
    parse_article: Callable[..., Iterator[ArticleItem]]

    def __init__(self, *args, refetch: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.refetch = refetch
        self.stored: dict[str, str] = {}  # asked URL -> news code of the article stored from it
        self.not_stored: dict[str, str] = {}  # asked URL -> why nothing was stored
        self.asked_for: dict[int, str] = {}  # id(item) -> the asked URL it came from

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.item_stored, signal=signals.item_scraped)
        crawler.signals.connect(spider.item_dropped, signal=signals.item_dropped)
        return spider

    async def start(self):
        for url in self.refetch:
            for request in self.refetch_requests(url, self.parse_refetched, self.fetch_failed, asked=url):
                yield request

    def parse_refetched(self, response, asked: str, **read_with):
        # read_with: what the source read of the article before its page (a WordPress post).
        items = list(self.parse_article(response, **read_with))
        if not items:
            self.not_stored[asked] = (
                f"not an article page ({response.url} has no article markup or metadata: "
                "a listing, a soft 404 or an error page?)"
            )
        for item in items:
            self.asked_for[id(item)] = asked
            yield item

    def fetch_failed(self, failure):
        asked = failure.request.cb_kwargs["asked"]
        if failure.check(HttpError):
            self.not_stored[asked] = f"the site answered HTTP {failure.value.response.status}"
        else:
            self.not_stored[asked] = f"not fetched: {failure.getErrorMessage()}"

    def item_stored(self, item, response, spider):
        self.stored[self.asked_for.pop(id(item))] = item.news_code

    def item_dropped(self, item, response, exception, spider):
        self.not_stored[self.asked_for.pop(id(item))] = str(exception)


def source_for(url: str, spiders: list[type[NewsSpider]]) -> type[NewsSpider] | None:
    return next((spider for spider in spiders if spider.describe().owns_url(url)), None)


def as_json(value):
    return value.isoformat() if isinstance(value, datetime) else value


def stored_record(store: Store, source: str, news_code: str) -> dict | None:
    """The article's row as stored, with how many earlier versions of it are kept."""
    with Session(store.engine) as session:
        article = session.scalars(
            select(Article).where(Article.source == source, Article.news_code == news_code)
        ).one_or_none()
        if article is None:
            return None
        record = {column.name: as_json(getattr(article, column.name)) for column in Article.__table__.columns}
        record["versions"] = session.scalar(select(func.count()).where(ArticleVersion.article_id == article.id))
        return record


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] URL [URL ...]"

    def short_desc(self) -> str:
        return "Fetch article URLs now, store them, print the stored records as JSON"

    def long_desc(self) -> str:
        return (
            "Finds each URL's source by its host, fetches the page now, parses it with that source's spider "
            "and stores it through the usual pipelines (a changed article keeps its old content in "
            "article_versions). Exits 1 when a URL stored nothing (a listing, a soft 404, an error status), "
            "2 when a URL belongs to no source (then nothing is fetched)."
        )

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        if not args:
            raise UsageError("give the article URLs to fetch again", print_help=False)
        loader = self.crawler_process.spider_loader
        spiders = [cast("type[NewsSpider]", loader.load(name)) for name in sorted(loader.list())]  # every source's
        by_source: dict[type[NewsSpider], list[str]] = {}
        for url in args:
            if problem := url_problem(url, self.settings.getint("URLLENGTH_LIMIT")):
                raise UsageError(f"{url[:200]}{'…' if len(url) > 200 else ''}: {problem}; nothing fetched")
            spider = source_for(url, spiders)
            if spider is None:
                hosts = ", ".join(sorted({host for s in spiders for host in s.describe().hosts}))
                raise UsageError(
                    f"{url}: no source answers to this host (sources' hosts, with or without www.: "
                    f"{hosts}); nothing fetched",
                    print_help=False,
                )
            by_source.setdefault(spider, []).append(url)
        check_database_url(self.settings.get("DATABASE_URL"))
        check_mirror_url(self.settings.get("MIRROR_URL"))
        check_settings(self.settings)
        open_writable(self.settings.get("DATABASE_URL"))

        crawlers = []
        for spider, urls in by_source.items():
            crawler = self.crawler_process.create_crawler(type(spider.__name__, (Refetch, spider), {}))
            # One page is not a crawl: the layout-drift monitors would only repeat what is said below.
            crawler.settings.set("SPIDERMON_ENABLED", False, priority="cmdline")
            # Nor does it wait for a crawl of its source (crawler.store.lock.SourceLock): the upsert keeps them apart.
            crawler.settings.set("SOURCE_LOCK_ENABLED", False, priority="cmdline")
            self.crawler_process.crawl(crawler, refetch=urls)
            crawlers.append(crawler)
        self.crawler_process.start()

        store = Store.open(self.settings.get("DATABASE_URL"))
        refetches = [(cast(Refetch, crawler.spider), crawler.stats) for crawler in crawlers]
        outcomes = {url: (refetch, stats) for refetch, stats in refetches for url in refetch.refetch}
        for url in args:
            refetch, stats = outcomes[url]
            record = stored_record(store, refetch.name, refetch.stored[url]) if url in refetch.stored else None
            if record is not None and not stats.get_value(STORE_FAILED):
                print(json.dumps(record, ensure_ascii=False, indent=2))
                continue
            reason = refetch.not_stored.get(url, "NOT STORED (see the log)")
            print(f"{url}: {reason}", file=sys.stderr)
            self.exitcode = 1
