"""`scrapy browse [PATH.db]`: the reader's desk, Datasette serving a SQLite store read-only on 127.0.0.1."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.store.database import Store

DATASETTE = Path(sys.executable).parent / "datasette"
DEFAULT_PORT = 8001
# How long Datasette may take to start listening (it imports its plugins first).
START_TIMEOUT = 60


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
        return (
            "Serves PATH.db (default: DATABASE_URL's SQLite file) read-only with Datasette on 127.0.0.1 and "
            "prints its address. Persian search, facets by source, category and Jalali month, canned queries, "
            "each article with its copies and versions; every table exports as CSV or JSON. The schema is "
            "brought up to date first. For a PostgreSQL store, write a snapshot with `scrapy snapshot PATH.db`."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--port",
            type=int,
            default=None,
            help=f"port on 127.0.0.1 (default {DEFAULT_PORT}, or a free one when it is taken; 0: any free one)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) > 1:
            raise UsageError("give at most one database file", print_help=False)
        assert self.settings
        url = self.settings.get("DATABASE_URL")
        path = Path(args[0]) if args else sqlite_file(url)
        if path is None:
            raise UsageError(
                f"DATABASE_URL is not a SQLite file ({url.split('://')[0]}): write a snapshot to browse "
                "with `scrapy snapshot PATH.db`, then `scrapy browse PATH.db`",
                print_help=False,
            )
        if not path.is_file():
            raise UsageError(f"no database at {path} (`python3 tasks.py demo` writes data/demo.db)", print_help=False)
        # A store written before search existed gets its index here, once (the only write).
        Store.open(f"sqlite:///{path}").engine.dispose()
        port = free_port(opts.port)
        server = subprocess.Popen(
            [
                str(DATASETTE),
                "serve",
                str(path),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--setting",
                "default_page_size",
                "50",
                "--setting",
                "sql_time_limit_ms",
                "5000",
                "--setting",
                "facet_time_limit_ms",
                "500",
            ],
            # Its log (every request) goes to stderr: standard output is the address alone.
            stdout=sys.stderr.fileno(),
            # The desk serves archived pages from the archive the settings name.
            env={**os.environ, "ARCHIVE_DIR": str(Path(self.settings["ARCHIVE_DIR"]).resolve())},
        )
        # Stopped by a service manager or kill (SIGTERM), the desk stops its Datasette too, as on Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: server.terminate())
        try:
            if not listening(server, port):
                server.terminate()
                print(f"Datasette did not start listening on 127.0.0.1:{port} (see above)", file=sys.stderr)
                self.exitcode = server.wait() or 1
                return
            print(f"the reader's desk for {path}: http://127.0.0.1:{port}/{path.stem} (Ctrl-C stops it)", flush=True)
            self.exitcode = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            self.exitcode = server.wait()


def free_port(asked: int | None) -> int:
    """The port to serve on: the one asked for (a usage error when it is taken), else the default when it is
    free, else any free one."""
    for port in [asked] if asked is not None else [DEFAULT_PORT, 0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as error:
                if asked is not None or error.errno != errno.EADDRINUSE:
                    raise UsageError(
                        f"--port {port}: cannot listen on 127.0.0.1:{port} ({error.strerror})", print_help=False
                    ) from None
                continue
            return probe.getsockname()[1]
    raise AssertionError("port 0 is always free")


def listening(server: subprocess.Popen, port: int) -> bool:
    """Whether our Datasette answers on the port (its version page), waiting while it starts; False when
    it ended first (its own error is on stderr)."""
    deadline = time.monotonic() + START_TIMEOUT
    while server.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2) as answer:
                return "datasette" in json.load(answer)
        except (OSError, ValueError):
            time.sleep(0.2)
    return False
