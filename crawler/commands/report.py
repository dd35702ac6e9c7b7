"""`scrapy report --since 1d`: what the watched sources did in a period, as a monitoring team reads it:
per source, its coverage as its last crawl measured it (stored articles of those the site declares, and
by which evidence: crawler/sources/coverage.py), the articles new, edited, taken down and restored, with
their Jalali dates and titles; then the stale sources. `-o report.json` and `-o report.html` (a plain,
self-contained right-to-left page, for mailing) besides the text on standard output."""

from __future__ import annotations

import argparse
import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.extract.dates import DAY, MINUTE, SECOND, parse_day_bound
from crawler.run import clock
from crawler.run.freshness import check
from crawler.run.preflight import check_outputs, one_line_errors
from crawler.run.summary import describe_coverage
from crawler.sources.spider import NewsSpider
from crawler.store.database import Article, ArticleVersion, CrawlRun, Store

KINDS = ("new", "edited", "removed", "restored")
# How each kind is named on the page (Persian) and in the text (English).
KIND_NAMES = {"new": "تازه", "edited": "ویرایش‌شده", "removed": "حذف‌شده", "restored": "بازگشته"}


def since_bound(value: str, now: datetime) -> datetime:
    """«1d», «12h» back from now, or a day («1404-09-01», «2026-11-22») from its start in Tehran, not after
    now."""
    try:
        return now - clock.parse_span(value)
    except ValueError:
        pass
    try:
        since = parse_day_bound(value)
    except ValueError as error:
        raise UsageError(
            f"--since {value!r}: give a span (1d, 12h) or a day (1404-09-01, 2026-11-22); {error}", print_help=False
        ) from None
    if since > now:
        raise UsageError(
            f"--since {value}: that day has not begun yet (now is {clock.tehran_jalali(now)} in Tehran); "
            "give a day up to today",
            print_help=False,
        )
    return since


def entry(article: Article, at: datetime, **extra) -> dict:
    # The publication's time only where the site gave one: a day alone is stored at 00:00, no real midnight.
    timed = article.published_precision in (MINUTE, SECOND)
    return {
        "news_code": article.news_code,
        "title": article.title,
        "url": unquote(article.url),
        "published": article.published_jalali,
        "published_precision": article.published_precision,
        "published_time": clock.tehran_jalali(article.published_at) if timed else "",
        "category": article.category,
        "authors": article.authors,
        "at": at.isoformat(),
        "at_jalali": clock.tehran_jalali(at),
        **extra,
    }


def source_report(session: Session, source: str, since: datetime, limit: int) -> dict:
    """The articles of one source new, edited, taken down and restored since the bound, in time order
    (articles stored by one batch share their time: by publication then), the latest `limit` of each
    (the counts are whole)."""
    edits = (
        select(
            ArticleVersion.article_id,
            func.count().label("edits"),
            func.max(ArticleVersion.replaced_at).label("last_edit"),
        )
        .where(ArticleVersion.replaced_at >= since)
        .group_by(ArticleVersion.article_id)
        .subquery()
    )
    queries = {
        "new": (
            select(Article, Article.first_seen_at).where(Article.first_seen_at >= since),
            Article.first_seen_at,
            lambda row: {},
        ),
        "edited": (
            select(Article, edits.c.last_edit, edits.c.edits).join(edits, edits.c.article_id == Article.id),
            edits.c.last_edit,
            lambda row: {"edits": row[2]},
        ),
        "removed": (
            select(Article, Article.removed_at).where(Article.removed_at >= since),
            Article.removed_at,
            lambda row: {
                "reason": row[0].removed_reason,
                "status": row[0].removed_status,
                "final_url": unquote(row[0].removed_url or ""),
            },
        ),
        "restored": (
            select(Article, Article.restored_at).where(Article.restored_at >= since),
            Article.restored_at,
            lambda row: {},
        ),
    }
    report: dict[str, Any] = {"source": source}
    for kind, (query, order, details) in queries.items():
        query = query.where(Article.source == source)
        report[f"{kind}_count"] = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.execute(
            query.order_by(order.desc(), Article.published_at.desc(), Article.id.desc()).limit(limit)
        ).all()
        report[kind] = [entry(row[0], row[1], **details(row)) for row in reversed(rows)]
    return report


def coverage(run: CrawlRun | None) -> dict | None:
    """A source's coverage as its last crawl that measured it found it; None when none did."""
    if run is None:
        return None
    return {
        "stored": run.coverage_stored,
        "declared": run.coverage_declared,
        "evidence": run.coverage_evidence,
        "share": round((run.coverage_stored or 0) / run.coverage_declared, 4) if run.coverage_declared else None,
        "measured_at": run.finished_at.isoformat() if run.finished_at else None,
        "measured_jalali": clock.tehran_jalali(run.finished_at) if run.finished_at else "",
    }


def collect(store: Store, sources: dict[str, str], since: datetime, now: datetime, settings, limit: int) -> dict:
    """The report of the sources (their names, with each one's site name) over the period."""
    with Session(store.engine) as session:
        per_source = [
            {
                **source_report(session, source, since, limit),
                "site_name": site_name or source,
                "coverage": coverage(store.last_coverage(source)),
            }
            for source, site_name in sources.items()
        ]
    stale = [found.as_dict() for found in (check(store, source, now, settings) for source in sources) if found.stale]
    return {
        "since": since.isoformat(),
        "until": now.isoformat(),
        "since_jalali": clock.tehran_jalali(since),
        "until_jalali": clock.tehran_jalali(now),
        "sources": per_source,
        "stale": stale,
    }


def describe(kind: str, item: dict) -> str:
    if kind == "removed":
        return f"{item['reason']}, HTTP {item['status']} at {item['final_url']}"
    if kind == "edited":
        return f"{item['edits']} edit(s)"
    return f"published {item['published_time'] or item['published']}" + (
        " (the day only)" if item["published_precision"] == DAY else ""
    )


def coverage_text(found: dict | None) -> str:
    """«118 of 120 (98%) by api total, measured 1404-09-13 21:30», or why there is no figure."""
    if found is None:
        return "unknown: no crawl has found what the site declares"
    return (
        f"{describe_coverage(found['stored'], found['declared'], found['evidence'])}, "
        f"measured {found['measured_jalali']}"
    )


def as_text(report: dict) -> str:
    lines = [f"Report {report['since_jalali']} – {report['until_jalali']} (Tehran)"]
    for source in report["sources"]:
        counts = ", ".join(f"{source[f'{kind}_count']} {kind}" for kind in KINDS)
        lines += ["", f"{source['source']}: {counts}", f"  coverage {coverage_text(source['coverage'])}"]
        for kind in KINDS:
            for item in source[kind]:
                lines.append(
                    f"  {kind:<8} {item['at_jalali']}  {item['title']}  ({describe(kind, item)})  {item['url']}"
                )
            if (more := source[f"{kind}_count"] - len(source[kind])) > 0:
                lines.append(f"  {kind:<8} … and {more} more")
    lines.append("")
    lines.append("stale sources:" if report["stale"] else "stale sources: none")
    lines += [f"  {stale['source']}: {stale['figures']}" for stale in report["stale"]]
    return "\n".join(lines)


PAGE_STYLE = """body{font-family:Vazirmatn,Tahoma,sans-serif;margin:2em;line-height:1.7;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}th,td{border:1px solid #ccc;padding:.3em .6em;
text-align:right;vertical-align:top}th{background:#f3f3f3}.stale{color:#a00;font-weight:bold}
.ltr{direction:ltr;unicode-bidi:isolate}.date{direction:ltr;unicode-bidi:isolate;white-space:nowrap}"""


def page_details(kind: str, item: dict) -> str:
    """The last column on the page: how many edits, the evidence of a takedown (left to right), or what a
    new or restored article is: its category, its authors, and whether its date has no time."""
    if kind == "edited":
        return f"{item['edits']} ویرایش"
    if kind == "removed":
        return f'<span class="ltr">{html.escape(describe(kind, item))}</span>'
    facts = [
        f"دسته: {item['category']}" if item["category"] else "",
        f"نویسنده: {'، '.join(item['authors'])}" if item["authors"] else "",
        "زمان انتشار: تنها روز (بی‌ساعت)" if item["published_precision"] == DAY else "",
    ]
    return html.escape(" · ".join(fact for fact in facts if fact))


def date(text: str) -> str:
    """A Jalali date (and time) kept left to right and on one line inside the right-to-left page."""
    return f'<span class="date">{html.escape(text)}</span>'


def as_html(report: dict) -> str:
    e = html.escape
    parts = [
        f'<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
        f"<title>گزارش پایش اخبار {e(report['until_jalali'])}</title><style>{PAGE_STYLE}</style></head><body>",
        f"<h1>گزارش پایش اخبار</h1><p>از {date(report['since_jalali'])} تا {date(report['until_jalali'])} "
        "(به وقت تهران)</p>",
    ]
    for source in report["sources"]:
        counts = "، ".join(f"{source[f'{kind}_count']} {KIND_NAMES[kind]}" for kind in KINDS)
        parts.append(
            f'<h2 id="{e(source["source"])}">{e(source["site_name"])}</h2><p>{counts}</p>'
            f'<p class="coverage">پوشش: <span class="ltr">{e(coverage_text(source["coverage"]))}'
            "</span></p>"
        )
        for kind in KINDS:
            if not source[kind]:
                continue
            rows = "".join(
                f'<tr><td>{date(item["at_jalali"])}</td><td><a href="{e(item["url"])}">{e(item["title"])}</a></td>'
                f"<td>{date(item['published_time'] or item['published'])}</td><td>{page_details(kind, item)}</td></tr>"
                for item in source[kind]
            )
            more = source[f"{kind}_count"] - len(source[kind])
            caption = f"{KIND_NAMES[kind]} ({source[f'{kind}_count']}{f'، {more} مورد نشان داده نشده' if more else ''})"
            parts.append(
                f'<table class="{kind}"><caption>{caption}</caption><tr><th>زمان</th><th>عنوان</th>'
                f"<th>تاریخ انتشار</th><th>جزئیات</th></tr>{rows}</table>"
            )
    parts.append("<h2>منابع خاموش</h2>")
    if report["stale"]:
        names = {source["source"]: source["site_name"] for source in report["sources"]}
        items = "".join(
            f'<li class="stale">{e(names.get(stale["source"], stale["source"]))}: '
            f'<span class="ltr">{e(stale["figures"])}</span></li>'
            for stale in report["stale"]
        )
        parts.append(f"<ul>{items}</ul>")
    else:
        parts.append("<p>هیچ منبعی خاموش نیست.</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


WRITERS = {".json": lambda report: json.dumps(report, ensure_ascii=False, indent=2) + "\n", ".html": as_html}


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Report new, edited and taken-down articles per source over a period, then the stale sources"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--since", default="1d", help="a span back from now (1d, 12h) or a day (default: 1d)")
        parser.add_argument("--sources", default="", help="comma-separated sources; default: all")
        parser.add_argument("--limit", type=int, default=100, help="articles listed per kind and source (100)")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            action="append",
            default=[],
            help="also write the report to FILE.json or FILE.html (repeatable)",
        )

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        known = sorted(self.crawler_process.spider_loader.list())
        sources = [s.strip() for s in opts.sources.split(",") if s.strip()] or known
        if args or (unknown := sorted(set(sources) - set(known))):
            raise UsageError(
                f"unknown sources: {', '.join(args or unknown)}; known: {', '.join(known)}", print_help=False
            )
        if bad := [str(path) for path in opts.output if path.suffix not in WRITERS]:
            raise UsageError(f"-o {', '.join(bad)}: the report is written as .json or .html", print_help=False)
        check_outputs(opts.output)
        now = clock.now(self.settings)
        loader = self.crawler_process.spider_loader
        since = since_bound(opts.since, now)
        report = collect(
            Store.open(self.settings.get("DATABASE_URL")),
            {source: cast("type[NewsSpider]", loader.load(source)).site_name for source in sources},
            since,
            now,
            self.settings,
            opts.limit,
        )
        print(as_text(report))
        for path in opts.output:
            path.write_text(WRITERS[path.suffix](report), encoding="utf-8")
