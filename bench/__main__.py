"""The benchmarks: five figures, each against a reference measured in the same run.

    python3 tasks.py bench                      # the default: a 10,000-article synthetic mirror
    python3 tasks.py bench --size full          # the full figures: 100,000 pages (~10 GB of mirror), 100,000 searched
    python3 tasks.py bench --size small         # every figure in about half a minute, far from the targets' sizes
    python3 tasks.py bench --only desk          # only the reader's desk: Persian search, store with index and copies
    python3 tasks.py bench --only archive       # only the WARC archive: its size, the crawl with it, reextract
    python3 tasks.py bench --only addsource     # only `scrapy addsource`'s requests and seconds per mini-site

A size sets every count below; an option given with it overrides that one count. Prints a table with
each figure's target, met or NOT MET (or «-» when the run is smaller than the target's size), and writes
bench/out/<time>-<commit>.json to compare commits. The synthetic mirror and the databases live in
bench/out/work (deleted at the end unless --keep). The exit status is 1 when a figure could not be
measured as it should (a crawl that failed, articles not stored), whatever the targets say.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench import archive, desk, figures
from bench.synthetic import generate

OUT = Path(__file__).resolve().parent / "out"
STEPS = ("crawl", "parse", "store", "dedupe", "desk", "archive", "addsource")
# Each size's counts (the options of the same names) and how long `scrapy bench`, the crawl's reference, runs.
SIZES = {
    "small": {
        "pages": 200,
        "dedupe_rows": 20_000,
        "parse_sample": 20,
        "store_articles": 300,
        "search_articles": 1_000,
        "desk_store_articles": 200,
        "archive_pages": 100,
        "scrapy_bench_seconds": 3,
    },
    "default": {
        "pages": 10_000,
        "dedupe_rows": 1_000_000,
        "parse_sample": 200,
        "store_articles": 10_000,
        "search_articles": 20_000,
        "desk_store_articles": 2_000,
        "archive_pages": 2_000,
        "scrapy_bench_seconds": 10,
    },
    "full": {
        "pages": 100_000,
        "dedupe_rows": 1_000_000,
        "parse_sample": 200,
        "store_articles": 10_000,
        "search_articles": 100_000,
        "desk_store_articles": 2_000,
        "archive_pages": 2_000,
        "scrapy_bench_seconds": 10,
    },
}


def machine() -> dict:
    import sqlite3

    import scrapy

    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory, 1),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "system": platform.platform(),
    }


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=figures.ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(results: list[figures.Figure]) -> str:
    header = ("figure", "measured", "reference", "ratio", "target", "")
    lines = [header]
    for figure in results:
        verdict = {True: "met", False: "NOT MET", None: "-"}[figure.met]
        reference = f"{_number(figure.reference)} ({figure.reference_name})" if figure.reference_name else "-"
        ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else "-"
        lines.append((figure.title, f"{_number(figure.value)} {figure.unit}", reference, ratio, figure.target, verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python3 tasks.py bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, default="default", help="every count at once (default)")
    parser.add_argument("--pages", type=int, help="synthetic article pages, all sources (10,000)")
    parser.add_argument("--dedupe-rows", type=int, help="rows stored for the dedupe figure (1M)")
    parser.add_argument("--parse-sample", type=int, help="article pages timed for the parse figure (200)")
    parser.add_argument("--store-articles", type=int, help="articles stored for the store figure (10,000)")
    parser.add_argument(
        "--search-articles",
        type=int,
        help="synthetic articles searched for the search figures (20,000; 100,000 for the full ones)",
    )
    parser.add_argument(
        "--desk-store-articles",
        type=int,
        help="articles stored with and without the search index and copy detection (2,000)",
    )
    parser.add_argument(
        "--archive-pages",
        type=int,
        help="synthetic article pages crawled four times for the archive's figures (2,000)",
    )
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {', '.join(STEPS)}")
    parser.add_argument("--out", type=Path, default=OUT, help="where the JSON and the work directory go (bench/out)")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic mirror and databases")
    args = parser.parse_args()
    for name, value in SIZES[args.size].items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    steps = [step.strip() for step in args.only.split(",") if step.strip()]
    if unknown := set(steps) - set(STEPS):
        parser.error(f"unknown figures {', '.join(sorted(unknown))}; known: {', '.join(STEPS)}")

    out = args.out.resolve()
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    # What the steps run in this process log (a parsed page's fallbacks, say) goes where the crawls' logs go.
    logging.basicConfig(filename=work / "bench.log", level=logging.INFO, force=True)
    started = time.perf_counter()
    results: list[figures.Figure] = []
    report: dict[str, Any] = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "parameters": vars(args),
        "step_seconds": {},
    }

    def timed(step: str, measure, *arguments) -> list[figures.Figure]:
        """The step's figures, its seconds kept in the report."""
        step_started = time.perf_counter()
        measured = measure(*arguments)
        report["step_seconds"][step] = round(time.perf_counter() - step_started, 1)
        return measured

    try:
        if {"crawl", "parse"} & set(steps):
            print(f"writing a synthetic mirror of {args.pages:,} article pages ...", flush=True)
            manifest = generate(work / "mirror", args.pages)
            report["mirror"] = {
                "article_pages": manifest.article_pages,
                "megabytes": round(manifest.bytes / 1e6),
                "sources": {
                    name: asdict(source) | {"sample": len(source.sample)} for name, source in manifest.sources.items()
                },
            }
            for name, source in manifest.sources.items():
                for what, why in source.left_out.items():
                    print(f"  {name}: {what} left out: {why}", flush=True)
            if "crawl" in steps:
                print("crawling it twice with `scrapy crawlall`, and running `scrapy bench` ...", flush=True)
                results += timed("crawl", figures.crawl_figures, manifest, work, args.scrapy_bench_seconds)
            if "parse" in steps:
                print("timing the article parser, trafilatura and lxml on the same pages ...", flush=True)
                results += timed("parse", figures.parse_figures, manifest, args.parse_sample)
        if "store" in steps:
            print(f"storing {args.store_articles:,} articles into SQLite and PostgreSQL ...", flush=True)
            results += timed("store", figures.store_figures, work, args.store_articles)
        if "dedupe" in steps:
            print(f"dedupe + store against 10,000 and {args.dedupe_rows:,} stored rows ...", flush=True)
            results += timed("dedupe", lambda: [figures.dedupe_figure(work, args.dedupe_rows)])
        if "desk" in steps:
            print(
                f"searching {args.search_articles:,} articles; storing {args.desk_store_articles:,} with and without "
                "the search index and copy detection ...",
                flush=True,
            )
            results += timed(
                "desk",
                lambda: [
                    *desk.search_figures(work, args.search_articles),
                    desk.store_figure(work, args.desk_store_articles),
                ],
            )
        if "archive" in steps:
            print(
                f"crawling {args.archive_pages:,} article pages with the archive off and on, twice each, "
                "then reading the archive again ...",
                flush=True,
            )
            manifest = generate(work / "archive-mirror", args.archive_pages)
            results += timed("archive", archive.archive_figures, manifest, work, args.parse_sample)
        if "addsource" in steps:
            print("scrapy addsource on each mini-site of tests/mirror ...", flush=True)
            results += timed("addsource", figures.addsource_figures, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report["seconds"] = round(time.perf_counter() - started, 1)
    report["figures"] = {figure.key: {**asdict(figure), "ratio": figure.ratio} for figure in results}
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"{stamp}-{report['commit']}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print()
    print(table(results))
    problems = [f"{figure.title}: {problem}" for figure in results for problem in figure.details.get("problems", [])]
    for problem in problems:
        print(f"! {problem}")
    for figure in results:
        if skipped := figure.details.get("skipped"):
            print(f"- {figure.title}: not measured: {skipped}")
    info = report["machine"]
    print(
        f"\n{info['cpus']} CPUs ({info['cpu']}), {info['memory_gb']} GB, Python {info['python']}, "
        f"Scrapy {info['scrapy']}, SQLite {info['sqlite']}; {report['seconds']} s; commit {report['commit']}"
    )
    print(f"details: {path.relative_to(figures.ROOT) if path.is_relative_to(figures.ROOT) else path}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
