"""Judging every field of every variant: ours (the source's spider, in-process), trafilatura's body
and htmldate's date on the same pages.

Per field: *found* (a value came out), *right* (it is the expected one), *wrong* (found, not right).
- news_code, title, view_count: equal to the golden value; a code made from the URL's hash is not found.
- tags: the same set as the golden tags.
- published_at: see ExpectedDate (same Tehran day; same minute when the variant prints a time).
  htmldate returns days, so it is judged on the day alone.
- unprinted_date: the page prints no date of its article; nothing found is right, and so is a date on
  the article's own day (from its text); any other day is a wrong date.
- body: holds every golden paragraph (spacing and ZWNJ aside: trafilatura's text drops ZWNJ) and no
  furniture line: a short label line («لینک کوتاه», «کد خبر …», «برچسب‌ها», «بازدید», share and
  comment lines), a date line, a caption («عکس: …», «نمای ۱ از ۸»), or a text the variant put around
  the article (other titles, comments, today's header).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import htmldate
import trafilatura
from scrapy.http import HtmlResponse

from bench.accuracy.variants import ExpectedDate, Variant, source_spider
from crawler.extract.dates import TEHRAN, parse_jalali
from crawler.extract.text import normalize_line
from crawler.items import ArticleItem
from pipelines.normalize import NormalizePipeline

OURS, TRAFILATURA, HTMLDATE = "ours", "trafilatura", "htmldate"
# A line of page furniture: a label alone or with a short value, share and comment prompts, captions.
FURNITURE_LINE = re.compile(
    r"^(لینک کوتاه|لینک اصل خبر|کد خبر|شناسه خبر|کد مطلب|برچسب[\u200c ]?ها|کلید[\u200c ]?واژه[\u200c ]?ها|"
    r"اشتراک[\u200c ]?گذاری|نظرات|ارسال نظر|ثبت دیدگاه|دیدگاه|تعداد بازدید|بازدید|تاریخ انتشار|تاریخ|"
    r"عکس|عکاس|نمای \d+ از)\s*[:：]?"
    r"|^\d[\d,٬]*\s*(بازدید|دیدگاه|نظر)$"
)
DATE_LINE_MAX = 40


@dataclass
class Verdict:
    found: bool
    right: bool
    got: Any = None

    @property
    def wrong(self) -> bool:
        return self.found and not self.right


@dataclass
class Result:
    """The verdicts of one variant: reader → field → verdict."""

    variant: Variant
    verdicts: dict[str, dict[str, Verdict]] = field(default_factory=dict)
    error: str = ""


# -- reading -------------------------------------------------------------------------------------------


def read_ours(variant: Variant) -> ArticleItem | None:
    """The item the source's spider and the normalize pipeline make of the page, or None."""
    spider = source_spider(variant.source, variant.url)
    items = list(spider.parse_article(HtmlResponse(url=variant.url, body=variant.body, encoding="utf-8")))
    return NormalizePipeline().process_item(items[0]) if items else None


def read_trafilatura(variant: Variant) -> str:
    return trafilatura.extract(variant.html, url=variant.url, include_comments=False) or ""


def read_htmldate(variant: Variant) -> date | None:
    found = htmldate.find_date(variant.html, url=variant.url, original_date=True, outputformat="%Y-%m-%d")
    return date.fromisoformat(found) if found else None


# -- judging -------------------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return re.sub(r"[\s\u200c]+", "", normalize_line(text))


def furniture_lines(body: str, variant: Variant) -> list[str]:
    """The lines of a body that are not article text."""
    paragraphs = [_compact(p) for p in variant.expected.get("body", ())]
    added = {_compact(text) for text in variant.furniture}
    # A long added text inside a line (a sidebar title with its date) is furniture; a short one only alone.
    long_added = [text for text in added if len(text) >= 20]
    found = []
    for line in filter(None, (normalize_line(line) for line in body.split("\n"))):
        compact = _compact(line)
        if any(compact in paragraph for paragraph in paragraphs):
            continue
        dated = len(line) <= DATE_LINE_MAX and parse_jalali(line)
        if dated or FURNITURE_LINE.match(line) or compact in added or any(text in compact for text in long_added):
            found.append(line)
    return found


def judge_body(body: str, variant: Variant) -> Verdict:
    compact = _compact(body)
    holds = all(_compact(paragraph) in compact for paragraph in variant.expected["body"])
    return Verdict(bool(body.strip()), holds and not furniture_lines(body, variant), body)


def judge_date(moment: datetime | None, expected: ExpectedDate) -> Verdict:
    return Verdict(moment is not None, moment is not None and expected.holds(moment), moment)


def judge_day(day: date | None, expected: ExpectedDate) -> Verdict:
    return Verdict(day is not None, day == expected.day, day)


def judge_unprinted(moment: datetime | date | None, expected: ExpectedDate) -> Verdict:
    """A page that prints no date of its article: none is right, and so is the article's own day."""
    if moment is None:
        return Verdict(False, True, None)
    day = moment.astimezone(TEHRAN).date() if isinstance(moment, datetime) else moment
    return Verdict(True, day == expected.day, moment)


def judge_ours(item: ArticleItem | None, variant: Variant) -> dict[str, Verdict]:
    verdicts = {}
    for name, expected in variant.expected.items():
        value = getattr(item, "published_at" if name == "unprinted_date" else name) if item is not None else None
        if name == "body":
            verdicts[name] = judge_body(value or "", variant)
        elif name == "published_at":
            verdicts[name] = judge_date(value, expected)
        elif name == "unprinted_date":
            verdicts[name] = judge_unprinted(value, expected)
        elif name == "news_code":
            found = bool(value) and item is not None and item.provenance.get("news_code") != "url_hash"
            verdicts[name] = Verdict(found, found and value == expected, value)
        elif name == "tags":
            verdicts[name] = Verdict(bool(value), set(value or ()) == set(expected), value)
        else:
            verdicts[name] = Verdict(value not in (None, ""), value == expected, value)
    return verdicts


def score(variant: Variant, references: bool = True) -> Result:
    result = Result(variant)
    try:
        item = read_ours(variant)
    except Exception as error:  # a crash on a variant is scored as nothing read, and shown
        item, result.error = None, f"{type(error).__name__}: {error}"
    result.verdicts[OURS] = judge_ours(item, variant)
    if references:
        result.verdicts[TRAFILATURA] = {"body": judge_body(read_trafilatura(variant), variant)}
        if "published_at" in variant.expected:
            result.verdicts[HTMLDATE] = {
                "published_at": judge_day(read_htmldate(variant), variant.expected["published_at"])
            }
        elif "unprinted_date" in variant.expected:
            result.verdicts[HTMLDATE] = {
                "unprinted_date": judge_unprinted(read_htmldate(variant), variant.expected["unprinted_date"])
            }
    return result


# -- totals --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    scored: int = 0
    found: int = 0
    right: int = 0
    wrong: int = 0

    def add(self, verdict: Verdict) -> None:
        self.scored += 1
        self.found += verdict.found
        self.right += verdict.right
        self.wrong += verdict.wrong

    def share(self, count: int) -> float:
        return count / self.scored if self.scored else 1.0


def tally(
    results: Iterable[Result], reader: str = OURS, key=lambda result: result.variant.source
) -> dict[tuple[str, str], Tally]:
    """(group, field) → tally, for one reader; the group «all» sums every group."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for result in results:
        for name, verdict in result.verdicts.get(reader, {}).items():
            tallies[(key(result), name)].add(verdict)
            tallies[("all", name)].add(verdict)
    return tallies


def pages_fully_read(results: Iterable[Result], kind: str) -> tuple[int, int, int]:
    """Of the variants of one kind: how many have every printed field right, how many, wrong dates."""
    chosen = [r for r in results if r.variant.kind == kind]
    full = sum(all(v.right for v in r.verdicts[OURS].values()) for r in chosen)
    wrong_dates = sum(r.verdicts[OURS].get("published_at", Verdict(False, False)).wrong for r in chosen)
    return full, len(chosen), wrong_dates


# -- the done-when thresholds --------------------------------------------------------------------------


@dataclass
class Threshold:
    title: str
    measured: str
    target: str
    met: bool


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def thresholds(results: list[Result]) -> list[Threshold]:
    ours = tally(results)
    every = {name: ours[("all", name)] for name in ("news_code", "title", "published_at", "body", "tags", "view_count")}
    checks = []
    for name, title in (
        ("news_code", "news code right"),
        ("title", "title right"),
        ("tags", "tags right where printed"),
        ("view_count", "view count right where printed"),
    ):
        t = every[name]
        checks.append(Threshold(title, f"{t.right}/{t.scored} ({_pct(t.share(t.right))})", "100%", t.right == t.scored))
    date, unprinted = every["published_at"], ours[("all", "unprinted_date")]
    checks.append(
        Threshold(
            "date found",
            f"{date.found}/{date.scored} ({_pct(date.share(date.found))})",
            "≥ 97%",
            date.share(date.found) >= 0.97,
        )
    )
    wrong = date.wrong + unprinted.wrong
    checks.append(Threshold("wrong dates (printed or not)", f"{date.wrong} + {unprinted.wrong}", "0", wrong == 0))
    body = every["body"]
    checks.append(
        Threshold(
            "body right (every paragraph, no furniture)",
            f"{body.right}/{body.scored} ({_pct(body.share(body.right))})",
            "≥ 98%",
            body.share(body.right) >= 0.98,
        )
    )
    for name, reader in (("published_at", HTMLDATE), ("body", TRAFILATURA)):
        theirs = tally(results, reader)[("all", name)]
        mine = every[name]
        if not theirs.scored:  # the references were not run
            continue
        checks.append(
            Threshold(
                f"{'date' if name == 'published_at' else 'body'} right, ours above {reader}'s",
                f"{_pct(mine.share(mine.right))} vs {_pct(theirs.share(theirs.right))}",
                "above",
                mine.share(mine.right) > theirs.share(theirs.right),
            )
        )
    for kind in ("renamed", "renamed+no-structured-data"):
        full, count, wrong = pages_fully_read(results, kind)
        checks.append(
            Threshold(f"golden pages {kind}: every printed field right", f"{full}/{count}", "all", full == count)
        )
        checks.append(Threshold(f"golden pages {kind}: wrong dates", str(wrong), "0", wrong == 0))
    return checks
