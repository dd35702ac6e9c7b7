"""`scrapy archive verify` and `scrapy archive prune`: the hygiene of the WARC archive (crawler/fetch/archive.py)."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import select, union
from sqlalchemy.orm import Session

from crawler.fetch.archive import archive_files, prunable, verify
from crawler.run import clock
from crawler.run.preflight import check_database_url, one_line_errors
from crawler.store.database import Article, ArticleVersion, Store


def pointed_files(store: Store) -> set[str]:
    """The archive files some stored article or kept version points into."""
    with Session(store.engine) as session:
        return set(
            session.scalars(
                union(
                    select(Article.archive_file).where(Article.archive_file.is_not(None)),
                    select(ArticleVersion.archive_file).where(ArticleVersion.archive_file.is_not(None)),
                )
            )
        )


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "verify | prune [--keep-days N]"

    def short_desc(self) -> str:
        return "Check the archive's WARC files, or delete the old ones no stored article points into"

    def long_desc(self) -> str:
        return (
            "verify: reads every record of every file in ARCHIVE_DIR, checking its digests; a file cut short "
            "is readable up to its last complete record and reported; exits 1 when a file is not sound. "
            "prune: deletes the files older than ARCHIVE_KEEP_DAYS (0: keep forever) into which no stored "
            "article or kept version points."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--keep-days", type=int, default=None, help="prune: ARCHIVE_KEEP_DAYS for this run")

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings
        directory = self.settings.get("ARCHIVE_DIR")
        if args == ["verify"]:
            sound = records = 0
            for path in archive_files(directory):
                check = verify(path)
                records += check.records
                for problem in check.problems:
                    print(f"{path.name}: {problem}")
                    self.exitcode = 1
                sound += not check.problems
            print(f"{sound} of {len(archive_files(directory))} files sound, {records} records readable ({directory})")
        elif args == ["prune"]:
            keep_days = opts.keep_days if opts.keep_days is not None else self.settings.getint("ARCHIVE_KEEP_DAYS")
            if keep_days <= 0:
                print("ARCHIVE_KEEP_DAYS is 0: the archive is kept forever, nothing deleted")
                return
            check_database_url(self.settings.get("DATABASE_URL"))
            store = Store.open(self.settings.get("DATABASE_URL"))
            files = prunable(directory, keep_days, pointed_files(store), clock.now(self.settings))
            for path in files:
                path.unlink()
                print(f"deleted {path.name}")
            print(f"{len(files)} files deleted; files a stored article points into are kept")
        else:
            raise UsageError("say `scrapy archive verify` or `scrapy archive prune`", print_help=False)
