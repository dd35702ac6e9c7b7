"""`scrapy browse [PATH.db]`: the reader's desk, Datasette serving a SQLite store read-only on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.store.database import Store

DATASETTE = Path(sys.executable).parent / "datasette"


def sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] [PATH.db]"

    def short_desc(self) -> str:
        return "Browse and search a SQLite store in the browser (Datasette, read-only, on 127.0.0.1)"

    def long_desc(self) -> str:
        return ("Serves PATH.db (default: DATABASE_URL's SQLite file) read-only with Datasette on 127.0.0.1 and "
                "prints its address. Persian search, facets by source, category and Jalali month, canned queries, "
                "each article with its copies and versions; every table exports as CSV or JSON. The schema is "
                "brought up to date first. For a PostgreSQL store, write a snapshot with `scrapy snapshot PATH.db`.")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001; 0: any free one)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) > 1:
            raise UsageError("give at most one database file", print_help=False)
        assert self.settings
        url = self.settings.get("DATABASE_URL")
        path = Path(args[0]) if args else sqlite_file(url)
        if path is None:
            raise UsageError(f"DATABASE_URL is not a SQLite file ({url.split('://')[0]}): write a snapshot to browse "
                             "with `scrapy snapshot PATH.db`, then `scrapy browse PATH.db`", print_help=False)
        if not path.is_file():
            raise UsageError(f"no database at {path} (`python3 tasks.py demo` writes data/demo.db)", print_help=False)
        # A store written before search existed gets its index here, once (the only write).
        Store.open(f"sqlite:///{path}").engine.dispose()
        address = f"http://127.0.0.1:{opts.port}/{path.stem}" if opts.port else "the address below"
        print(f"the reader's desk for {path}: {address} (Ctrl-C stops it)", flush=True)
        server = subprocess.Popen([str(DATASETTE), "serve", str(path), "--host", "127.0.0.1", "--port",
                                   str(opts.port), "--setting", "default_page_size", "50",
                                   "--setting", "sql_time_limit_ms", "5000", "--setting", "facet_time_limit_ms", "500"],
                                  # The desk serves archived pages from the archive the settings name.
                                  env={**os.environ, "ARCHIVE_DIR": str(Path(self.settings["ARCHIVE_DIR"]).resolve())})
        try:
            self.exitcode = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            self.exitcode = server.wait()
