"""`scrapy freshness [SOURCE ...]`: whether each source is stale, from the store alone (no request is
made), for its own cron line: exits 1 when any source is stale, so cron mails the table."""

from __future__ import annotations

import argparse
import json

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.run import clock
from crawler.run.freshness import Freshness, check
from crawler.store.database import Store


def format_table(rows: list[Freshness]) -> str:
    header = ("source", "last new article (Tehran)", "status", "usual gap from")
    lines = [
        header,
        *(
            (
                row.source,
                clock.tehran_jalali(row.last_new) if row.last_new else "-",
                f"{'STALE' if row.stale else 'ok'}: {row.figures}",
                row.basis,
            )
            for row in rows
        ),
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in lines)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] [SOURCE ...]"

    def short_desc(self) -> str:
        return "Say which sources are stale (no new article for longer than usual); exit 1 if any is"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        known = sorted(self.crawler_process.spider_loader.list())
        if unknown := sorted(set(args) - set(known)):
            raise UsageError(f"unknown sources: {', '.join(unknown)}; known: {', '.join(known)}", print_help=False)
        store = Store.open(self.settings.get("DATABASE_URL"))
        now = clock.now(self.settings)
        rows = [check(store, source, now, self.settings) for source in args or known]
        if opts.json:
            print(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        else:
            print(format_table(rows))
        if stale := [row.source for row in rows if row.stale]:
            print(f"STALE: {', '.join(stale)}")
            self.exitcode = 1
