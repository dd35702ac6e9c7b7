"""The robustness corpus and its score.

    python3 tasks.py accuracy                      # every variant of every golden page, all sources
    python3 tasks.py accuracy --source semnan --failures     # one source, and every wrong or missed field
    python3 tasks.py accuracy --write bench/out/variants     # the variant pages as files, to open

Prints, per source and field, how many variants print the field (scored) and how many times we found
it, read it right, read it wrong; beside ours, trafilatura's body and htmldate's date on the same pages.
Then the same by kind of variant, and the done-when thresholds, met or not.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from bench.accuracy.score import HTMLDATE, OURS, TRAFILATURA, Result, Tally, score, tally, thresholds
from bench.accuracy.variants import FIELDS, corpus, load_goldens

OUT = Path(__file__).resolve().parents[1] / "out"
REFERENCE = {"body": TRAFILATURA, "published_at": HTMLDATE, "unprinted_date": HTMLDATE}


def render(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _count(t: Tally, count: int) -> str:
    return f"{count} ({100 * t.share(count):.0f}%)" if t.scored else "-"


def field_table(results: list[Result]) -> str:
    ours = tally(results)
    references = {reader: tally(results, reader) for reader in (TRAFILATURA, HTMLDATE)}
    rows: list[tuple[str, ...]] = [
        ("source", "field", "scored", "found", "right", "wrong", "reference", "ref right", "ref wrong")
    ]
    groups = sorted({key for key, _ in ours} - {"all"}) + ["all"]
    for group in groups:
        for name in FIELDS:
            t = ours.get((group, name))
            if t is None:
                continue
            reader = REFERENCE.get(name)
            ref = references[reader].get((group, name)) if reader else None
            rows.append(
                (
                    group,
                    name,
                    str(t.scored),
                    _count(t, t.found),
                    _count(t, t.right),
                    str(t.wrong),
                    reader if reader and ref else "",
                    _count(ref, ref.right) if ref else "",
                    str(ref.wrong) if ref else "",
                )
            )
    return render(rows)


def kind_table(results: list[Result]) -> str:
    by_kind = tally(results, OURS, key=lambda result: result.variant.family)
    families = sorted({key for key, _ in by_kind} - {"all"})
    rows: list[tuple[str, ...]] = [("variant kind", *FIELDS)]
    for family in families:
        cells = []
        for name in FIELDS:
            t = by_kind.get((family, name))
            cells.append(f"{t.right}/{t.scored}" + (f" ({t.wrong} wrong)" if t.wrong else "") if t else "-")
        rows.append((family, *cells))
    return render(rows)


def threshold_table(results: list[Result]) -> str:
    rows: list[tuple[str, ...]] = [("done when", "measured", "target", "")]
    rows += [(t.title, t.measured, t.target, "met" if t.met else "NOT MET") for t in thresholds(results)]
    return render(rows)


def failures(results: list[Result]) -> str:
    lines = []
    for result in results:
        if result.error:
            lines.append(f"{result.variant.name}: ERROR {result.error}")
        for name, verdict in result.verdicts[OURS].items():
            if not verdict.right:
                expected = result.variant.expected[name]
                got = verdict.got
                if name == "body":
                    expected, got = "every golden paragraph, no furniture", (got or "")[:300].replace("\n", " ⏎ ")
                lines.append(
                    f"{result.variant.name}: {name} {'WRONG' if verdict.wrong else 'missing'}: "
                    f"expected {expected}, got {got}"
                )
    return "\n".join(lines) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python3 tasks.py accuracy", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", help="only the golden pages of this source")
    parser.add_argument("--kind", help="only variants whose kind starts with this («theme:», «date:», «renamed»)")
    parser.add_argument("--failures", action="store_true", help="list every field we missed or read wrong")
    parser.add_argument("--no-references", action="store_true", help="skip trafilatura and htmldate (faster)")
    parser.add_argument("--write", type=Path, metavar="DIR", help="write every variant page into DIR")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    # The spiders log each page read with a fallback; that goes to a file, not between the tables.
    logging.basicConfig(filename=OUT / "accuracy.log", level=logging.INFO, force=True)
    started = time.perf_counter()
    goldens = [golden for golden in load_goldens() if not args.source or golden.source == args.source]
    if not goldens:
        parser.error(f"no golden page of source {args.source!r}")
    variants = [v for v in corpus(goldens) if not args.kind or v.kind.startswith(args.kind)]
    if args.write:
        for variant in variants:
            path = args.write / f"{variant.name.replace(':', '_')}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(variant.html)
    results = [score(variant, references=not args.no_references) for variant in variants]
    print(f"{len(variants)} variants of {len(goldens)} golden pages, scored in {time.perf_counter() - started:.1f} s\n")
    print(field_table(results))
    print("\nright/scored per kind of variant (ours)\n")
    print(kind_table(results))
    print()
    print(threshold_table(results))
    if args.failures:
        print("\nmissed or wrong\n")
        print(failures(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
