"""The benchmarks: five figures, each against a reference measured in the same run.

    python3 tasks.py bench                      # the quick default: a 10,000-article synthetic mirror
    python3 tasks.py bench --pages 100000 --dedupe-rows 1000000 --search-articles 100000   # the full figures (~10 GB of mirror)
    python3 tasks.py bench --only desk          # only the reader's desk: Persian search, store with index and copies
    python3 tasks.py bench --only addsource     # only `scrapy addsource`'s requests and seconds per mini-site

Prints a table and writes bench/out/<time>-<commit>.json to compare commits. The synthetic mirror
and the databases live in bench/out/work (deleted at the end unless --keep).
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

from bench import desk, figures
from bench.synthetic import generate

OUT = Path(__file__).resolve().parent / "out"
STEPS = ("crawl", "parse", "store", "dedupe", "desk", "addsource")


def machine() -> dict:
    import sqlite3

    import scrapy

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory, 1), "python": platform.python_version(),
            "scrapy": scrapy.__version__, "sqlite": sqlite3.sqlite_version, "system": platform.platform()}


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
        lines.append((figure.title, f"{_number(figure.value)} {figure.unit}", reference, ratio, figure.target,
                      verdict))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines]
    rendered.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(rendered)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python3 tasks.py bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="synthetic article pages, all sources (10,000)")
    parser.add_argument("--dedupe-rows", type=int, default=1_000_000, help="rows stored for the dedupe figure (1M)")
    parser.add_argument("--parse-sample", type=int, default=200, help="article pages timed for the parse figure")
    parser.add_argument("--store-articles", type=int, default=10_000, help="articles stored for the store figure")
    parser.add_argument("--search-articles", type=int, default=20_000,
                        help="synthetic articles searched for the search figures (20,000; 100,000 for the full ones)")
    parser.add_argument("--desk-store-articles", type=int, default=2_000,
                        help="articles stored with and without the search index and copy detection (2,000)")
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated subset of {', '.join(STEPS)}")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic mirror and databases")
    args = parser.parse_args()
    steps = [step.strip() for step in args.only.split(",") if step.strip()]
    if unknown := set(steps) - set(STEPS):
        parser.error(f"unknown figures {', '.join(sorted(unknown))}; known: {', '.join(STEPS)}")

    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    # What the steps run in this process log (a parsed page's fallbacks, say) goes where the crawls' logs go.
    logging.basicConfig(filename=work / "bench.log", level=logging.INFO, force=True)
    started = time.perf_counter()
    results: list[figures.Figure] = []
    report = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": commit(),
              "machine": machine(), "parameters": vars(args)}
    try:
        if {"crawl", "parse"} & set(steps):
            print(f"writing a synthetic mirror of {args.pages:,} article pages ...", flush=True)
            manifest = generate(work / "mirror", args.pages)
            report["mirror"] = {"article_pages": manifest.article_pages, "megabytes": round(manifest.bytes / 1e6),
                                "sources": {name: asdict(source) | {"sample": len(source.sample)}
                                            for name, source in manifest.sources.items()}}
            for name, source in manifest.sources.items():
                for what, why in source.left_out.items():
                    print(f"  {name}: {what} left out: {why}", flush=True)
            if "crawl" in steps:
                print("crawling it twice with `scrapy crawlall`, and running `scrapy bench` ...", flush=True)
                results += figures.crawl_figures(manifest, work)
            if "parse" in steps:
                print("timing the article parser, trafilatura and lxml on the same pages ...", flush=True)
                results += figures.parse_figures(manifest, args.parse_sample)
        if "store" in steps:
            print(f"storing {args.store_articles:,} articles into SQLite and PostgreSQL ...", flush=True)
            results += figures.store_figures(work, args.store_articles)
        if "dedupe" in steps:
            print(f"dedupe + store against 10,000 and {args.dedupe_rows:,} stored rows ...", flush=True)
            results.append(figures.dedupe_figure(work, args.dedupe_rows))
        if "desk" in steps:
            print(f"searching {args.search_articles:,} articles; storing {args.desk_store_articles:,} with and without "
                  "the search index and copy detection ...", flush=True)
            results += desk.search_figures(work, args.search_articles)
            results.append(desk.store_figure(work, args.desk_store_articles))
        if "addsource" in steps:
            print("scrapy addsource on each mini-site of tests/mirror ...", flush=True)
            results += figures.addsource_figures(work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report["seconds"] = round(time.perf_counter() - started, 1)
    report["figures"] = {figure.key: {**asdict(figure), "ratio": figure.ratio} for figure in results}
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"{stamp}-{report['commit']}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    print()
    print(table(results))
    for figure in results:
        for problem in figure.details.get("problems", []):
            print(f"! {figure.title}: {problem}")
    info = report["machine"]
    print(f"\n{info['cpus']} CPUs ({info['cpu']}), {info['memory_gb']} GB, Python {info['python']}, "
          f"Scrapy {info['scrapy']}, SQLite {info['sqlite']}; {report['seconds']} s; commit {report['commit']}")
    print(f"details: {path.relative_to(figures.ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
