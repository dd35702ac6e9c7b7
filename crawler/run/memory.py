"""Keeping a long crawl's memory flat: parsed pages freed at once, and what the crawl remembers of
every page and article kept on disk.

Scrapy caches a response's selector on the response, and the selector refers back to the response:
every parsed page (its bytes, its decoded text and its lxml tree, about 0.6 MB for a news page with
its chrome) is then a reference cycle that only Python's cyclic collector reclaims. That collector
counts objects, not bytes, so a hundred dead pages or more pile up between its full passes: in a
crawl of the synthetic mirror (bench/) the peak RSS was ~250 MB with the cycles and ~135 MB without.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Response, TextResponse


def release_parsed_page(response: Response) -> None:
    """Drops the response's cached selector, so that reference counting frees the page at once."""
    if isinstance(response, TextResponse) and response._cached_selector is not None:
        response._cached_selector = None


class ReleaseParsedPages:
    """Spider middleware: once a callback's output is consumed, its response's parsed tree is let go
    (a later `response.css` would parse the page again)."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from result
        release_parsed_page(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for entry in result:
            yield entry
        release_parsed_page(response)


class KeysOnDisk:
    """A set of byte keys, each with an optional instant (a set, or a dict of dates), in a private
    temporary SQLite file with a small page cache: what a crawl remembers of every page and article
    (request fingerprints, link keys, news codes) without holding it in memory, where a set costs
    ~100 bytes per key for the whole crawl and leaves the allocator fragmented."""

    # Pages kept in memory (a crawl has a score of these sets): past it, the operating system's file cache serves.
    CACHE_KB = 256

    def __init__(self):
        # "" is SQLite's private temporary database: on disk, gone when the connection closes.
        self.database = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        self.database.execute(f"PRAGMA cache_size = -{self.CACHE_KB}")
        self.database.execute("CREATE TABLE keys (key BLOB PRIMARY KEY, moment TEXT) WITHOUT ROWID")

    def __contains__(self, key: bytes) -> bool:
        return self.database.execute("SELECT 1 FROM keys WHERE key = ?", (key,)).fetchone() is not None

    def add(self, key: bytes) -> None:
        self.database.execute("INSERT OR IGNORE INTO keys VALUES (?, NULL)", (key,))

    def update(self, keys: Iterable[bytes]) -> None:
        self.database.executemany("INSERT OR IGNORE INTO keys VALUES (?, NULL)", ((key,) for key in keys))

    def __setitem__(self, key: bytes, moment: datetime | None) -> None:
        self.database.execute(
            "INSERT OR REPLACE INTO keys VALUES (?, ?)", (key, moment.isoformat() if moment else None)
        )

    def __getitem__(self, key: bytes) -> datetime | None:
        row = self.database.execute("SELECT moment FROM keys WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return datetime.fromisoformat(row[0]) if row[0] else None

    def __len__(self) -> int:
        return self.database.execute("SELECT count(*) FROM keys").fetchone()[0]

    def close(self) -> None:
        self.database.close()


class DiskDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter (the same fingerprints, the same JOBDIR file), its set kept on disk."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Scrapy's filter keeps its set in `_fingerprints` (a resumed job's, read from JOBDIR, included):
        # only `in` and `add` are asked of it. tests/test_memory.py checks the filter still uses it.
        loaded, self._fingerprints = self._fingerprints, KeysOnDisk()
        self._fingerprints.update(loaded)

    def close(self, reason: str) -> None:
        super().close(reason)
        self._fingerprints.close()  # type: ignore[attr-defined]  # KeysOnDisk in place of scrapy's set (__init__)
