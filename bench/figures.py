"""The five figures, each a measurement and a reference measured in the same run on the same machine."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from crawler.fetch.mirror_server import MirrorServer
from crawler.stats import DOWNLOADER_REQUEST_COUNT, STORE, STORE_NEW, STORE_UNCHANGED

ROOT = Path(__file__).resolve().parent.parent
SCRAPY = Path(sys.executable).parent / "scrapy"
STATS_CLASS = "bench.stats_file.JsonFileStatsCollector"
# The crawl runs with Scrapy's default per-domain concurrency, as `scrapy bench` does: the figure is
# the crawler's capacity, not the politeness towards a live site (2 per domain in settings.py).
# Copy detection is off: the synthetic articles are copies of a few dozen templates, and linking them
# would measure a copy explosion no real crawl has (bench/desk.py measures it on realistic articles).
CRAWL_SETTINGS = {"CONCURRENT_REQUESTS_PER_DOMAIN": "8", "LOG_LEVEL": "INFO", "COPIES_ENABLED": "False"}


@dataclass
class Figure:
    key: str
    title: str
    value: float | None
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: str = ""
    met: bool | None = None
    details: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference:
            return None
        return self.value / self.reference


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# -- crawling: figures 1, 4 and 5 -------------------------------------------------------------------

# The crawl's size the memory targets are for: the peak against scrapy bench's, and the growth from 1,000 pages on.
RSS_TARGET_PAGES = 10_000
RSS_SLOPE_FROM = 1_000


@dataclass
class CrawlRun:
    exit_code: int
    peak_rss_mb: float
    wall_seconds: float
    stats: dict[str, dict]  # per source
    log: Path
    # (pages served so far, the crawl's peak RSS so far in KB), sampled as it runs.
    rss_by_pages: list[tuple[int, int]] = field(default_factory=list)

    def total(self, key: str) -> int:
        return sum(int(stats.get(key, 0)) for stats in self.stats.values())

    @property
    def pages_per_second(self) -> float:
        elapsed = max((float(stats.get("elapsed_time_seconds", 0)) for stats in self.stats.values()), default=0)
        return self.total("response_received_count") / elapsed if elapsed else 0.0

    def rss_slope(self, from_pages: int) -> float | None:
        """KB of peak RSS per page crawled, from the moment `from_pages` pages were served to the end."""
        start = next((kb for pages, kb in self.rss_by_pages if pages >= from_pages), None)
        pages = self.rss_by_pages[-1][0] if self.rss_by_pages else 0
        if start is None or pages <= from_pages:
            return None
        return (self.peak_rss_mb * 1024 - start) / (pages - from_pages)


def _peak_rss_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else None


def _run_measured(
    command: list[str], cwd: Path, env: dict, log: Path, progress=None
) -> tuple[int, float, float, list[tuple[int, int]]]:
    """Runs a command with its output in `log`; (exit code, its peak RSS in MB, wall seconds, and with
    `progress` (a count of pages so far) the peak RSS sampled against it every half second)."""
    started = time.perf_counter()
    samples: list[tuple[int, int]] = []
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                if (kb := _peak_rss_kb(process.pid)) is not None:
                    samples.append((progress(), kb))

        sampler = threading.Thread(target=sample, daemon=True)
        if progress is not None:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    if progress is not None:
        sampler.join()
        samples.append((progress(), usage.ru_maxrss))
    return process.returncode, usage.ru_maxrss / 1024, time.perf_counter() - started, samples


class CountingMirror(MirrorServer):
    """The mirror server, counting the requests it answers: the crawl's pages, seen from outside it."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.served = itertools.count(1)
        self.requests = 0
        mirror = self

        class Counting(self.httpd.RequestHandlerClass):  # type: ignore[name-defined]  # whichever the server has; mypy takes only a class's name
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name (http.server)
                mirror.requests = next(mirror.served)
                super().do_GET()

        self.httpd.RequestHandlerClass = Counting


def crawl(mirror_root: Path, database_url: str, work: Path, name: str) -> CrawlRun:
    """`scrapy crawlall` (the cron job) over the synthetic mirror, served on loopback."""
    stats_dir = work / f"{name}-stats"
    shutil.rmtree(stats_dir, ignore_errors=True)
    settings = {**CRAWL_SETTINGS, "STATS_CLASS": STATS_CLASS, "BENCH_STATS_DIR": str(stats_dir)}
    # The synthetic mirror is of pages only (no WordPress REST API): the WordPress sources' HTML path.
    command = [str(SCRAPY), "crawlall", "-a", "pages=1000000", "-a", "api=0"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    with CountingMirror(mirror_root) as server:
        # The crawl archives its pages as the cron job does, into the work directory, never the checkout's data/
        # (the archive figures name their own directory through the environment).
        archive = {"ARCHIVE_DIR": str(work / f"{name}-archive")}
        env = {**archive, **os.environ, "MIRROR_URL": server.url, "DATABASE_URL": database_url}
        code, rss, wall, samples = _run_measured(
            command, ROOT, env, work / f"{name}.log", progress=lambda: server.requests
        )
    stats = {path.stem: json.loads(path.read_text()) for path in sorted(stats_dir.glob("*.json"))}
    return CrawlRun(code, rss, wall, stats, work / f"{name}.log", samples)


@dataclass
class ScrapyBench:
    pages_per_second: float
    peak_rss_mb: float


def scrapy_bench(work: Path, seconds: int) -> ScrapyBench:
    """`scrapy bench` outside the project (Scrapy's own settings), on this machine, now, for `seconds` (its
    own default is 10)."""
    outside = Path(tempfile.mkdtemp(prefix="scrapy-bench-"))
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    try:
        code, rss, _, _ = _run_measured(
            [str(SCRAPY), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}"], outside, env, work / "scrapy-bench.log"
        )
    finally:
        shutil.rmtree(outside, ignore_errors=True)
    log = (work / "scrapy-bench.log").read_text()
    pages = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if code or not pages or not elapsed:
        raise RuntimeError(f"scrapy bench failed (exit {code}); see {work / 'scrapy-bench.log'}")
    return ScrapyBench(int(pages.group(1)) / float(elapsed.group(1)), rss)


def crawl_figures(manifest, work: Path, scrapy_bench_seconds: int) -> list[Figure]:
    database_url = f"sqlite:///{work / 'crawl.db'}"
    for leftover in work.glob("crawl.db*"):
        leftover.unlink()
    reference = scrapy_bench(work, scrapy_bench_seconds)
    first = crawl(Path(manifest.root), database_url, work, "crawl-1")
    second = crawl(Path(manifest.root), database_url, work, "crawl-2")
    stored = first.total(STORE_NEW)
    problems = []
    if first.exit_code:
        problems.append(f"the crawl exited with {first.exit_code}; see {first.log}")
    if stored != manifest.article_pages:
        problems.append(f"stored {stored} of {manifest.article_pages} synthetic articles")
    crawl_figure = Figure(
        "crawl",
        "end-to-end crawl into SQLite",
        first.pages_per_second,
        "pages/s",
        reference.pages_per_second,
        "scrapy bench",
        "≥ 1.0× scrapy bench",
        details={
            "pages": first.total("response_received_count"),
            "articles_stored": stored,
            "sources": sorted(first.stats),
            "settings": CRAWL_SETTINGS,
            "problems": problems,
        },
    )
    crawl_figure.met = not problems and crawl_figure.ratio is not None and crawl_figure.ratio >= 1.0
    pages = first.total("response_received_count")
    # Below the targets' size the memory figures are shown, not judged: start-up dominates a small crawl.
    full_size = manifest.article_pages >= RSS_TARGET_PAGES
    note = "" if full_size else f"the target is for {RSS_TARGET_PAGES:,} pages or more"
    rss = Figure(
        "rss",
        f"peak RSS, crawl of {pages} pages",
        first.peak_rss_mb,
        "MB",
        reference.peak_rss_mb,
        "scrapy bench's peak",
        f"≤ 1.1× scrapy bench's peak at {RSS_TARGET_PAGES:,} pages",
        details={"pages": pages, "note": note},
    )
    rss.met = rss.ratio <= 1.1 if full_size and rss.ratio is not None else None
    # From 1,000 pages on, or from a tenth of a crawl of less than 2,000.
    slope_from = RSS_SLOPE_FROM if pages >= 2 * RSS_SLOPE_FROM else pages // 10
    growth = first.rss_slope(slope_from)
    slope = Figure(
        "rss_slope",
        f"peak RSS growth per page, from {slope_from:,} pages to the end",
        growth,
        "KB/page",
        target="≤ 0.3 KB/page",
        met=growth <= 0.3 if full_size and growth is not None else None,
        details={
            "from_pages": slope_from,
            "note": note,
            "samples": first.rss_by_pages[:: max(1, len(first.rss_by_pages) // 50)],
        },
    )
    requests = {source: int(stats.get(DOWNLOADER_REQUEST_COUNT, 0)) for source, stats in second.stats.items()}
    before = {source: int(stats.get(DOWNLOADER_REQUEST_COUNT, 0)) for source, stats in first.stats.items()}
    worst = max(requests.values(), default=None)
    incremental = Figure(
        "incremental",
        "requests per source, second run, nothing new",
        worst,
        "requests",
        max(before.values(), default=None),
        "the first run",
        "≤ 2 per source",
        met=worst is not None and worst <= 2 and second.exit_code == 0,
        details={
            "problems": [f"the second crawl exited with {second.exit_code}; see {second.log}"]
            if second.exit_code
            else [],
            "second_run": requests,
            "first_run": before,
            "second_run_exit": second.exit_code,
            "second_run_stored": {
                s: {k.removeprefix(STORE): v for k, v in st.items() if k.startswith(STORE)}
                for s, st in second.stats.items()
            },
        },
    )
    return [crawl_figure, rss, slope, incremental]


# -- parsing: figure 2 ------------------------------------------------------------------------------


def parse_figures(manifest, sample_size: int) -> list[Figure]:
    import lxml.html
    import trafilatura
    from scrapy.http import HtmlResponse

    from bench.synthetic import mirror_file
    from pipelines.normalize import NormalizePipeline
    from tests.golden import spider_for

    pages = []
    for report in manifest.sources.values():
        urls = report.sample[: max(1, sample_size // max(1, len(manifest.crawled_sources)))]
        if urls:
            spider = spider_for(urls[0])
            pages += [(spider, url, mirror_file(Path(manifest.root), url).read_bytes()) for url in urls]
    normalize = NormalizePipeline()

    def ours(spider, url, body):
        return [normalize.process_item(item) for item in spider.parse_article(HtmlResponse(url=url, body=body))]

    timings: dict[str, list[float]] = {"ours": [], "trafilatura": [], "lxml": []}
    complete = 0
    for spider, url, body in pages:
        started = time.perf_counter()
        items = ours(spider, url, body)
        timings["ours"].append(time.perf_counter() - started)
        complete += bool(items and items[0].title and items[0].body and items[0].published_at)
        started = time.perf_counter()
        trafilatura.extract(body)
        timings["trafilatura"].append(time.perf_counter() - started)
        started = time.perf_counter()
        lxml.html.document_fromstring(body)
        timings["lxml"].append(time.perf_counter() - started)
    summary = {
        name: {"median_ms": statistics.median(values) * 1000, "p95_ms": _percentile(values, 0.95) * 1000}
        for name, values in timings.items()
    }
    details = {
        **summary,
        "pages": len(pages),
        "complete_items": complete,
        "ratio_p95_vs_trafilatura": summary["ours"]["p95_ms"] / summary["trafilatura"]["p95_ms"],
        "mean_page_bytes": round(statistics.mean(len(body) for _, _, body in pages)),
        "problems": []
        if complete == len(pages)
        else [f"{len(pages) - complete} of {len(pages)} pages gave no complete item (title, body, date)"],
    }
    # Against a full extractor, and against the least any reader of the page must do: parse it.
    against_trafilatura = Figure(
        "parse",
        "parse + normalize, median per article page",
        summary["ours"]["median_ms"],
        "ms",
        summary["trafilatura"]["median_ms"],
        "trafilatura.extract",
        "≤ 0.1× trafilatura",
        details=details,
    )
    against_lxml = Figure(
        "parse_vs_lxml",
        "parse + normalize vs parsing the page alone",
        summary["ours"]["median_ms"],
        "ms",
        summary["lxml"]["median_ms"],
        "lxml.html.document_fromstring",
        "≤ 3× lxml",
        details={**details, "problems": []},
    )  # said once, by the figure above
    for figure, most in ((against_trafilatura, 0.1), (against_lxml, 3)):
        figure.met = figure.ratio is not None and figure.ratio <= most and complete == len(pages)
    return [against_trafilatura, against_lxml]


# -- storing: figure 3 ------------------------------------------------------------------------------


def _articles(count: int, first_code: int = 1):
    """`count` distinct articles with the size of real ones (a golden item's fields)."""
    from datetime import datetime, timezone

    from crawler.items import ArticleItem
    from tests.golden import GOLDEN_ROOT

    golden = json.loads(sorted(GOLDEN_ROOT.glob("*/*.json"))[0].read_text())["item"]
    fields = {k: v for k, v in golden.items() if k in ArticleItem.__dataclass_fields__}
    fields["published_at"] = datetime.fromisoformat(golden["published_at"])
    template = ArticleItem(**{**fields, "source": "bench", "crawled_at": datetime.now(timezone.utc)})
    return [
        replace(template, news_code=str(code), url=f"{template.url}?bench={code}")
        for code in range(first_code, first_code + count)
    ]


def _project_crawler(database_url: str, **settings_overrides):
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor, is_reactor_installed
    from scrapy.utils.test import get_crawler

    settings = get_project_settings()
    if not is_reactor_installed():
        install_reactor(settings["TWISTED_REACTOR"])
    return get_crawler(settings_dict={**settings.copy_to_dict(), "DATABASE_URL": database_url, **settings_overrides})


def _store_rate(database_url: str, count: int) -> tuple[float, float, dict]:
    """Articles/s through the store pipeline (project settings), and a bare Core insert of the same rows."""
    from sqlalchemy import insert

    from crawler.store.database import Article, Store, content_hash
    from pipelines.store import StorePipeline

    # The articles are one body under many codes: copy detection is measured in bench/desk.py.
    crawler = _project_crawler(database_url, COPIES_ENABLED=False)
    pipeline = StorePipeline.from_crawler(crawler)
    items = _articles(count)
    started = time.perf_counter()
    for item in items:
        pipeline.process_item(item)
    pipeline.close_spider()
    rate = count / (time.perf_counter() - started)

    store = Store.open(database_url)
    rows = [
        {
            **Store._values(item),
            "news_code": f"bare-{item.news_code}",
            "content_hash": content_hash(item),
            "first_seen_at": item.crawled_at,
            "last_seen_at": item.crawled_at,
        }
        for item in items
    ]
    batch = crawler.settings.getint("STORE_BATCH_SIZE", 1)
    started = time.perf_counter()
    for at in range(0, len(rows), batch):
        with store.engine.begin() as connection:
            connection.execute(insert(Article.__table__), rows[at : at + batch])
    bare = count / (time.perf_counter() - started)
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith(STORE)}
    store.engine.dispose()
    return rate, bare, stats


def _all_new(stats: dict, count: int) -> list[str]:
    stored = stats.get(STORE_NEW, 0)
    return [] if stored == count else [f"{stored} of {count} articles stored new"]


def store_figures(work: Path, count: int) -> list[Figure]:
    from tests.support.postgres_server import PostgresServer, PostgresUnavailable

    sqlite_file = work / "store.db"
    for leftover in work.glob("store.db*"):
        leftover.unlink()
    rate, bare, stats = _store_rate(f"sqlite:///{sqlite_file}", count)
    figures = [
        Figure(
            "store_sqlite",
            "store into SQLite",
            rate,
            "articles/s",
            bare,
            "bare INSERT of the same rows",
            "≥ 5,000 articles/s",
            met=rate >= 5000 and stats.get(STORE_NEW) == count,
            details={"articles": count, "stats": stats, "problems": _all_new(stats, count)},
        )
    ]
    try:
        with PostgresServer() as server:
            rate, bare, stats = _store_rate(server.url, count)
            figures.append(
                Figure(
                    "store_postgresql",
                    "store into PostgreSQL",
                    rate,
                    "articles/s",
                    bare,
                    "bare INSERT of the same rows",
                    "≥ 0.5× the bare INSERT",
                    met=rate >= 0.5 * bare and stats.get(STORE_NEW) == count,
                    details={"articles": count, "stats": stats, "fsync": "on", "problems": _all_new(stats, count)},
                )
            )
    except PostgresUnavailable as missing:
        figures.append(
            Figure("store_postgresql", "store into PostgreSQL", None, "articles/s", details={"skipped": str(missing)})
        )
    return figures


def _fill(database_url: str, rows: int) -> None:
    """`rows` stored articles of the source `bench` (short ones: only the key matters here)."""
    from sqlalchemy import insert

    from crawler.store.database import Article, Store, content_hash

    store = Store.open(database_url)
    template = _articles(1)[0]
    values = {
        **Store._values(template),
        "content_hash": content_hash(template),
        "first_seen_at": template.crawled_at,
        "last_seen_at": template.crawled_at,
    }
    chunk = 50_000
    with store.engine.begin() as connection:
        for at in range(0, rows, chunk):
            connection.execute(
                insert(Article.__table__),
                [
                    {**values, "news_code": str(code), "url": f"https://bench/{code}"}
                    for code in range(at + 1, min(rows, at + chunk) + 1)
                ],
            )
    store.engine.dispose()


def _dedupe_cost(database_url: str, stored: int, count: int) -> float:
    """Seconds per article through dedupe + store: half of them already stored (anywhere in the table), half new."""
    from pipelines.dedupe import DedupePipeline
    from pipelines.store import StorePipeline

    rng = random.Random(6)
    known = set(rng.sample(range(1, stored + 1), count // 2))
    template = _articles(1)[0]
    items = [replace(template, news_code=str(code), url=f"https://bench/{code}") for code in known]
    items += [
        replace(template, news_code=str(code), url=f"https://bench/{code}")
        for code in range(stored + 1, stored + 1 + count - len(items))
    ]
    rng.shuffle(items)
    crawler = _project_crawler(database_url, COPIES_ENABLED=False)
    dedupe, store = DedupePipeline.from_crawler(crawler), StorePipeline.from_crawler(crawler)
    started = time.perf_counter()
    for item in items:
        store.process_item(dedupe.process_item(item))
    store.close_spider()
    elapsed = time.perf_counter() - started
    counted = crawler.stats.get_value(STORE_UNCHANGED, 0) + crawler.stats.get_value(STORE_NEW, 0)
    if counted != count:
        raise RuntimeError(f"dedupe figure: {counted} of {count} articles stored")
    store.store.engine.dispose()
    return elapsed / count


def dedupe_figure(work: Path, big: int, count: int = 4000) -> Figure:
    costs = {}
    for rows in (10_000, big):
        path = work / f"dedupe-{rows}.db"
        for leftover in work.glob(f"dedupe-{rows}.db*"):
            leftover.unlink()
        url = f"sqlite:///{path}"
        _fill(url, rows)
        costs[rows] = _dedupe_cost(url, rows, count)
        for leftover in work.glob(f"dedupe-{rows}.db*"):
            leftover.unlink()
    figure = Figure(
        "dedupe",
        f"dedupe + store per article, {big:,} rows stored",
        costs[big] * 1e6,
        "µs",
        costs[10_000] * 1e6,
        "10,000 rows stored",
        "1M/10k ≤ 1.5",
        details={"rows": big, "articles": count, "half_already_stored": True, "database": "sqlite"},
    )
    figure.met = figure.ratio is not None and figure.ratio <= 1.5 if big >= 1_000_000 else None
    return figure


# The mini-sites of `scrapy addsource`'s tests (tests/mirror/*.example-municipality.ir), one per CMS shape.
ADDSOURCE_SITES = ("wp-open", "wp-closed", "joomla", "drupal", "khabar", "portal", "shahr", "rusta")
ADDSOURCE_MAX_REQUESTS = 40
ADDSOURCE_MAX_SECONDS = 15.0


def addsource_figures(work: Path) -> list[Figure]:
    """`scrapy addsource --dry-run` on each mini-site through the mirror: the requests it sent (counted by the
    mirror) and its seconds, against `scrapy list`'s (the command's start-up alone) in the same run."""
    from crawler.fetch.mirror_server import DEFAULT_ROOT

    env = {**os.environ, "SOURCES_FILE": str(work / "sources.toml"), "LOG_LEVEL": "WARNING"}
    _, _, startup, _ = _run_measured([str(SCRAPY), "list"], ROOT, env, work / "list.log")
    results = []
    for site in ADDSOURCE_SITES:
        with CountingMirror(DEFAULT_ROOT) as mirror:
            command = [
                str(SCRAPY),
                "addsource",
                f"https://{site}.example-municipality.ir/",
                "--name",
                "bench_site",
                "--dry-run",
            ]
            code, _, seconds, _ = _run_measured(
                command, ROOT, {**env, "MIRROR_URL": mirror.url}, work / f"addsource-{site}.log"
            )
        problems = [] if code == 0 else [f"exit {code}: see {work / f'addsource-{site}.log'}"]
        results.append(
            Figure(
                f"addsource_requests_{site}",
                f"addsource requests, {site}",
                mirror.requests,
                "requests",
                target=f"< {ADDSOURCE_MAX_REQUESTS}",
                met=code == 0 and mirror.requests < ADDSOURCE_MAX_REQUESTS,
                details={"problems": problems},
            )
        )
        results.append(
            Figure(
                f"addsource_seconds_{site}",
                f"addsource seconds, {site}",
                seconds,
                "s",
                startup,
                "`scrapy list`",
                f"< {ADDSOURCE_MAX_SECONDS:.0f} s",
                met=code == 0 and seconds < ADDSOURCE_MAX_SECONDS,
            )
        )
    return results
