"""The archive's figures (crawler/fetch/archive.py, `scrapy reextract`), each against a reference measured in
the same run: the WARC bytes an article page costs, the crawl's pages/s with the archive on against off
(alternated, twice each, the better of each kept), and `scrapy reextract --dry-run`'s pages/s against the
parse figure's pages/s on the same synthetic pages."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import statistics
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from bench.figures import (
    CRAWL_SETTINGS,
    ROOT,
    SCRAPY,
    STATS_CLASS,
    CountingMirror,
    CrawlRun,
    Figure,
    _run_measured,
    parse_figures,
)
from crawler import stats
from crawler.fetch.archive import responses_in

ROUNDS = 2


@contextmanager
def environment(**values: str):
    """The crawls `bench.figures.crawl` starts inherit this process's environment: the archive's settings go there."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def stored_urls(database: Path) -> set[str]:
    with sqlite3.connect(database) as connection:
        return {url for (url,) in connection.execute("select url from articles")}


def plain_sources(manifest) -> list[str]:
    """The crawled sources that take no WordPress REST API (the synthetic mirror has none): their crawl is the
    same whatever its arguments."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    return [name for name in manifest.crawled_sources if not hasattr(loader.load(name), "api")]


def crawl(mirror_root: Path, sources: list[str], database_url: str, work: Path, name: str) -> CrawlRun:
    """`scrapy crawlall --sources …` over the synthetic mirror, as bench.figures.crawl runs it."""
    stats_dir = work / f"{name}-stats"
    settings = {**CRAWL_SETTINGS, "STATS_CLASS": STATS_CLASS, "BENCH_STATS_DIR": str(stats_dir)}
    command = [str(SCRAPY), "crawlall", "--sources", ",".join(sources), "-a", "pages=1000000"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    with CountingMirror(mirror_root) as server:
        env = {**os.environ, "MIRROR_URL": server.url, "DATABASE_URL": database_url}
        code, rss, wall, samples = _run_measured(command, ROOT, env, work / f"{name}.log")
    stats = {path.stem: json.loads(path.read_text()) for path in sorted(stats_dir.glob("*.json"))}
    return CrawlRun(code, rss, wall, stats, work / f"{name}.log", samples)


def archive_figures(manifest, work: Path, parse_sample: int) -> list[Figure]:
    mirror = Path(manifest.root)
    sources = plain_sources(manifest)
    runs: dict[str, list[tuple[CrawlRun, Path, Path]]] = {"on": [], "off": []}
    for round_number in range(ROUNDS):
        for state in ("off", "on"):
            name = f"archive-{state}-{round_number}"
            database = work / f"{name}.db"
            archive = work / f"{name}-warc"
            with environment(ARCHIVE_ENABLED="1" if state == "on" else "0", ARCHIVE_DIR=str(archive)):
                run = crawl(mirror, sources, f"sqlite:///{database}", work, name)
            runs[state].append((run, database, archive))
    problems = [
        f"the crawl {run.log.name} exited with {run.exit_code}"
        for state in runs.values()
        for run, _, _ in state
        if run.exit_code
    ]
    best_on = max(runs["on"], key=lambda entry: entry[0].pages_per_second)
    best_off = max(runs["off"], key=lambda entry: entry[0].pages_per_second)
    on, database, archive = best_on
    files = sorted(archive.glob("*.warc.gz"))
    archived_bytes = sum(path.stat().st_size for path in files)
    records = on.total(stats.ARCHIVE_RECORDS)
    articles = on.total("store/new")
    page_bytes = (
        statistics.mean(
            len(archived.body)
            for path in files
            for archived in responses_in(path)
            if archived.url in stored_urls(database)
        )
        if files
        else None
    )
    size = Figure(
        "archive_bytes",
        "WARC (gzip) bytes per article page",
        archived_bytes / articles if articles else None,
        "bytes",
        page_bytes,
        "the article page's own bytes",
        "-",
        details={
            "sources": sources,
            "files": len(files),
            "archive_bytes": archived_bytes,
            "response_records": records,
            "articles": articles,
            "problems": problems,
        },
    )
    speed = Figure(
        "archive_crawl",
        "crawl pages/s with the archive on",
        on.pages_per_second,
        "pages/s",
        best_off[0].pages_per_second,
        "archive off, same run",
        "≥ 0.9× off",
        details={
            "on": [run.pages_per_second for run, _, _ in runs["on"]],
            "off": [run.pages_per_second for run, _, _ in runs["off"]],
            "problems": problems,
        },
    )
    speed.met = not problems and speed.ratio is not None and speed.ratio >= 0.9

    log = work / "reextract.log"
    started = time.perf_counter()
    with open(log, "w") as output:
        code = subprocess.call(
            [str(SCRAPY), "reextract", "--dry-run"],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{database}", "ARCHIVE_DIR": str(archive), "MIRROR_URL": ""},
        )
    wall = time.perf_counter() - started
    text = log.read_text()
    pages = sum(int(value) for value in re.findall(r"'reextract/pages': (\d+)", text))
    elapsed = max((float(value) for value in re.findall(r"'elapsed_time_seconds': ([\d.]+)", text)), default=0.0)
    parse = parse_figures(manifest, parse_sample)[0]
    parse_rate = 1000 / parse.value if parse.value else None
    reread_problems = [f"scrapy reextract exited with {code}; see {log}"] if code else []
    if pages != articles:
        reread_problems.append(f"read {pages} of {articles} archived article pages again")
    reread = Figure(
        "reextract",
        "reextract --dry-run pages/s",
        pages / elapsed if elapsed else None,
        "pages/s",
        parse_rate,
        "parse + normalize alone",
        "≥ 0.8× parse",
        details={
            "pages": pages,
            "crawl_seconds": elapsed,
            "command_wall_seconds": wall,
            "changes_reported": re.findall(r"^would change: .*$", text, re.M),
            "problems": reread_problems,
        },
    )
    reread.met = not reread_problems and reread.ratio is not None and reread.ratio >= 0.8
    return [size, speed, reread]
