"""No silent holes: an incremental crawl walks down to where the listing is known complete
(crawler/sources/frontier.py), within a page budget per run, and says `behind` until nothing is missing: after a
first run limited in pages, a run killed mid-crawl, an outage longer than the budget. A run with nothing
new and no gap still reads robots.txt and one listing page. Real HTTP over loopback (a long synthetic
Hamshahri archive, tests/support/archive_site.py), a real SQLite file, the `scrapy` command."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import datetime

import pytest

from crawler.extract.dates import parse_day_bound
from crawler.sources.frontier import Frontier, Place, Segment
from crawler.sources.spider import ListingAges
from tests.conftest import ROOT, SCRAPY, scrapy_cli
from tests.support.archive_site import FIRST, TEHRAN, Archive
from tests.support.served import RecordingMirror
from tests.test_operations import has_articles_table, rows, stored_codes, summary_row, wait_for

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

HOST = "www.hamshahrionline.ir"


def crawl(server: RecordingMirror, database_url: str, *arguments: str) -> subprocess.CompletedProcess:
    result = scrapy_cli("crawl", "hamshahri", *arguments, mirror_url=server.url, database_url=database_url, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result


def status(result: subprocess.CompletedProcess) -> str:
    return summary_row(result.stdout, "hamshahri")[-1]


def runs_until_complete(server: RecordingMirror, database_url: str, most: int = 8) -> list[str]:
    """The status of each incremental run, until one says `ok`."""
    statuses: list[str] = []
    while not statuses or statuses[-1] != "ok":
        assert len(statuses) < most, statuses
        statuses.append(status(crawl(server, database_url)))
    return statuses


def assert_the_next_run_reads_one_listing_page(server: RecordingMirror, database_url: str) -> None:
    before = len(server.served.requests)
    assert status(crawl(server, database_url)) == "ok"
    assert sorted(path for path, _ in server.served.requests[before:]) == [f"/{HOST}/archive", f"/{HOST}/robots.txt"]


def assert_stored_once(database_url: str, archive: Archive) -> None:
    assert stored_codes(database_url) == sorted(archive.codes)
    runs = rows(database_url, "select new, updated from crawl_runs")
    assert sum(run["new"] for run in runs) == len(archive.codes) and not any(run["updated"] for run in runs)


def behind_column(database_url: str) -> list[int]:
    return [run["behind"] for run in rows(database_url, "select behind from crawl_runs order by id")]


def test_a_first_run_limited_in_pages_is_continued_by_the_next_runs_down_to_the_end(tmp_path, database_url):
    archive = Archive(tmp_path / "mirror", 300)
    with RecordingMirror(archive.root) as server:
        first = crawl(server, database_url)  # the default budget: 10 listing pages
        assert status(first) == "behind"
        assert stored_codes(database_url) == sorted(archive.codes[:100])
        # Articles arrive between runs: every page moves down by one and a half.
        archive.publish(15)
        statuses = runs_until_complete(server, database_url)
        assert_the_next_run_reads_one_listing_page(server, database_url)
    assert statuses[:-1] == ["behind"] * (len(statuses) - 1) and len(statuses) >= 3
    assert_stored_once(database_url, archive)
    assert behind_column(database_url) == [1] * len(statuses) + [0, 0]
    # Each run read at most its budget of listing pages.
    assert max(run["listing_pages"] for run in rows(database_url, "select listing_pages from crawl_runs")) == 10


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
def test_a_run_stopped_mid_crawl_leaves_no_hole(tmp_path, database_url, stop):
    archive = Archive(tmp_path / "mirror", 300)
    # The walk waits at page 16, so the stop comes after pages 1 to 15 were read and most of their
    # articles stored; the 150 articles below were never reached.
    with RecordingMirror(archive.root, hold=f"{HOST}/archive?page=16") as server:
        environment = {**os.environ, "MIRROR_URL": server.url, "DATABASE_URL": database_url}
        command = [str(SCRAPY), "crawl", "hamshahri", "-a", "pages=100", "-s", "STORE_FLUSH_SECONDS=1"]
        stopped = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for(lambda: has_articles_table(database_url) and len(stored_codes(database_url)) >= 100)
            wait_for(lambda: f"/{HOST}/archive?page=16" in server.served.paths(HOST))
        finally:
            stopped.send_signal(stop)
            server.release.set()  # Scrapy's clean stop waits for the requests under way
            stopped.wait(timeout=120)
        assert len(stored_codes(database_url)) <= 150
        # A clean stop keeps what the run walked in full; a killed run, nothing.
        kept = rows(database_url, "select oldest from watermarks")
        assert len(kept) == (1 if stop == signal.SIGTERM else 0)
        # The next run meets stored articles at once; it walks on past them, as do the runs after it.
        statuses = runs_until_complete(server, database_url)
        assert_the_next_run_reads_one_listing_page(server, database_url)
    assert statuses[-1] == "ok" and len(statuses) >= 2
    assert stored_codes(database_url) == sorted(archive.codes)


def test_an_outage_longer_than_the_budget_is_caught_up(tmp_path, database_url):
    archive = Archive(tmp_path / "mirror", 40)
    with RecordingMirror(archive.root) as server:
        assert status(crawl(server, database_url)) == "ok"
        # 25 listing pages of new articles: more than a run's 10.
        archive.publish(250)
        statuses = runs_until_complete(server, database_url)
        assert_the_next_run_reads_one_listing_page(server, database_url)
    assert statuses[0] == "behind" and statuses[-1] == "ok" and len(statuses) >= 3
    assert_stored_once(database_url, archive)


def test_the_walk_of_a_long_archive_ends_at_the_horizon(tmp_path, database_url):
    archive = Archive(tmp_path / "mirror", 300)
    horizon = "1403-10-19"  # 2025-01-08: the 140 newest articles are on or after it
    newer = [code for code, instant in archive.instants.items() if instant >= parse_day_bound(horizon)]
    with RecordingMirror(archive.root) as server:
        statuses = [status(crawl(server, database_url, "-s", f"ARCHIVE_HORIZON={horizon}"))]
        while statuses[-1] != "ok":
            assert len(statuses) < 5, statuses
            statuses.append(status(crawl(server, database_url, "-s", f"ARCHIVE_HORIZON={horizon}")))
        # Without a horizon, the archive below it is a gap again.
        assert status(crawl(server, database_url, "-a", "pages=2")) == "behind"
    stored = set(stored_codes(database_url))
    assert len(newer) == 140 and set(newer) <= stored
    older_stored = stored - set(newer)
    assert len(older_stored) <= 3 * archive.per_page + 2 * archive.per_page, len(older_stored)


def test_a_backfill_down_to_the_end_leaves_no_gap(tmp_path, database_url):
    archive = Archive(tmp_path / "mirror", 60)
    with RecordingMirror(archive.root) as server:
        backfill = crawl(server, database_url, "-a", f"since={FIRST.date()}")
        assert status(backfill) == "ok"
        assert_the_next_run_reads_one_listing_page(server, database_url)
    assert_stored_once(database_url, archive)


# -- the bookkeeping, page by page -----------------------------------------------------------------


def day(number: int) -> datetime:
    return datetime(2025, 2, number, 12, tzinfo=TEHRAN)


def page(url: str, *days: int) -> ListingAges:
    ages = ListingAges(url)
    for number in days:
        ages.place(day(number))
    return ages


def links(url: str, count: int) -> frozenset[bytes]:
    return frozenset(f"{url} {position}".encode() for position in range(count))


def test_a_post_pinned_to_the_top_of_a_page_of_new_articles_is_not_a_join():
    complete = Segment(day(12), day(1))
    frontier = Frontier("hamshahri", "archive", [complete])
    pinned = page("p1", 2)  # one stored article, dated within the segment; nine new ones
    frontier.read(Place("archive"), pinned, links("p1", 10), last=False)
    assert frontier.join(Place("archive"), pinned, links("p1", 10)) is None
    quiet = page("p1", 2, 12, 11, 10, 9)  # the same pinned post over articles of the segment
    assert frontier.join(Place("archive"), quiet, links("p1", 5)) is complete
    # An article published in the same minute as the segment's newest may be listed above it.
    assert frontier.join(Place("archive"), page("p1", 12, 12, 12), links("p1", 3)) is None


def test_a_page_listing_the_articles_of_a_segment_s_first_page_joins_it_whatever_their_dates():
    complete = Segment(day(12), day(1), top=links("p1", 10))
    frontier = Frontier("hamshahri", "archive", [complete])
    # Four new articles, then six of the segment's first page, dated anyhow.
    listed = links("new", 4) | set(sorted(links("p1", 10))[:6])
    assert frontier.join(Place("archive"), page("p1", 20, 20, 20, 20, 20, 20), frozenset(listed)) is complete
    listed = links("new", 6) | set(sorted(links("p1", 10))[:4])
    assert frontier.join(Place("archive"), page("p1", 20, 20, 20, 20), frozenset(listed)) is None


def test_a_stretch_counts_only_the_pages_read_in_full():
    frontier = Frontier("hamshahri", "archive", [])
    pages = [page("p1", 20, 19), page("p2", 18, 17), page("p3", 16, 15)]
    for number, listed in enumerate(pages, start=1):
        frontier.read(Place("archive", number), listed, links(listed.url, 2), last=number == 3)
    pages[1].pending = 1  # an article of page 2 was not fetched
    assert frontier.finish() == [Segment(day(20), day(19), "p1", 1)]
    assert frontier.finish()[0].top == links("p1", 2)
    assert frontier.behind(frontier.finish())
    pages[1].pending = 0
    assert frontier.finish() == [Segment(day(20), day(15))]  # the end of the listing: nothing below
    assert not frontier.behind(frontier.finish())


def test_a_resumed_stretch_joins_the_segment_it_continues():
    top, lower = Segment(day(20), day(15), "p3", 3), Segment(day(8), day(1))
    frontier = Frontier("hamshahri", "archive", [top, lower])
    first = page("p1", 21, 19)
    frontier.read(Place("archive"), first, links("p1", 2), last=False)
    assert frontier.join(Place("archive"), first, links("p1", 2)) is top
    url, resumed = frontier.resume(top)
    assert (url, resumed) == ("p3", Place("archive", 3, 1))
    for number, listed in ((3, page("p3", 16, 15)), (4, page("p4", 12, 11)), (5, page("p5", 9, 7))):
        frontier.read(Place("archive", number, 1), listed, links(listed.url, 2), last=False)
    assert frontier.join(Place("archive", 5, 1), listed, links("p5", 2)) is lower
    assert frontier.finish() == [Segment(day(21), day(1))]
    assert frontier.finish()[0].top == links("p1", 2)
