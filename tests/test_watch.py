"""Keeping watch, through a mirror whose pages change between runs and a clock the tests move: edits
kept as versions and shown word by word, takedowns with their evidence, restorations, passing errors,
conditional requests, the revisit budget and schedule, stale sources, and the report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import pytest_twisted
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.commands.report import as_html, as_text, collect
from crawler.fetch.mirror_server import SOFT_404
from crawler.items import ArticleItem
from crawler.run.freshness import usual_gap
from crawler.sources.revisits import budget
from crawler.stats import (
    REVISIT_CHECKED,
    REVISIT_EDITED,
    REVISIT_FAILED,
    REVISIT_NOT_MODIFIED,
    REVISIT_REMOVED,
    REVISIT_REQUESTED,
    REVISIT_RESTORED,
    REVISIT_SITE_DOWN,
    STORE_NEW,
    STORE_UPDATED,
    extraction_step,
)
from crawler.store.database import Article, ArticleVersion, CrawlRun, Store
from tests.conftest import ROOT, scrapy_cli
from tests.support.served import SPIDERS, Fault, RecordingMirror, copy_mirror
from tests.support.system import need
from tests.test_browser import crawl as crawl_in_process
from tests.test_operations import cron_job

# Every test here runs the scrapy command or a crawl through a server on loopback.
pytestmark = pytest.mark.crawl

SETTINGS = get_project_settings()
HOME = "https://news.semnan.ir/"
# The seven Semnan articles of the mirror, by what becomes of them.
EDITED = "ساعت-کاری-شهرداری-سمنان-در-ایام-سرد-سال-کاهش-یافت"
NOT_FOUND = "آغاز-عملیات-اجرایی-پارک-بانوان-در-بلوار-قائم"
GONE = "بهره-برداری-از-نخستین-ایستگاه-شارژ-خودروهای-برقی"
SOFT = "جشنواره-گل-های-بهاری-در-بوستان-ملت-سمنان"
TO_HOME = "نصب-۲۰۰-سطل-زباله-مکانیزه-در-محلات-شهر-سمنان"
FLAKY = "هم-اندیشی-معاون-دفتر-محیط-زیست-با-مدیران-شهرداری-سمنان"
UNTOUCHED = "گزارش-تصویری-طرح-زمستانه-پاکسازی-معابر"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def page(root: Path, slug: str) -> Path:
    return root / "news.semnan.ir" / slug / "index.html"


def path_of(slug: str) -> str:
    return f"/news.semnan.ir/{slug}/"


async def crawl(source: str, database_url: str, mirror_url: str, now: datetime, **settings) -> dict:
    """One crawl in this process with the project's settings, through the mirror, at the clock's `now`."""
    return await crawl_in_process(
        SPIDERS.load(source), database_url, {"MIRROR_URL": mirror_url, "CLOCK_NOW": now.isoformat(), **settings}
    )


def articles(database_url: str) -> dict[str, Article]:
    """The stored articles by the slug of their URL."""
    with Session(Store.open(database_url).engine, expire_on_commit=False) as session:
        return {unquote(row.url).rstrip("/").rsplit("/", 1)[1]: row for row in session.scalars(select(Article))}


def versions(database_url: str) -> list[ArticleVersion]:
    with Session(Store.open(database_url).engine) as session:
        return list(session.scalars(select(ArticleVersion)))


def revisited_paths(server: RecordingMirror, since: int) -> list[str]:
    return [
        path
        for path, _ in server.served.requests[since:]
        if path.startswith("/news.semnan.ir/")
        and path.count("/") == 3
        and not path.endswith("robots.txt")
        and path != "/news.semnan.ir/"
    ]


def edit(root: Path) -> None:
    """The edited article: a word of its title (everywhere the page prints it) and an hour in its body."""
    text = page(root, EDITED).read_text(encoding="utf-8")
    text = text.replace("کاهش یافت", "کاهش می‌یابد").replace("از ساعت ۸ تا ۱۳", "از ساعت ۷:۳۰ تا ۱۳")
    page(root, EDITED).write_text(text, encoding="utf-8")


@pytest_twisted.ensureDeferred
async def test_edits_takedowns_and_restorations_over_a_month(tmp_path, any_database):
    root = copy_mirror(tmp_path / "mirror")
    start = datetime.now(timezone.utc)
    with RecordingMirror(root) as server:
        first = await crawl("semnan", any_database, server.url, start)
        assert (first[STORE_NEW], first[REVISIT_REQUESTED]) == (7, 0)
        stored = articles(any_database)
        assert all(row.etag and row.last_modified for row in stored.values())
        # Within the first hour nothing is due.
        early = await crawl("semnan", any_database, server.url, start + timedelta(minutes=40))
        assert early[REVISIT_REQUESTED] == 0

    edit(root)
    page(root, NOT_FOUND).unlink()
    page(root, SOFT).write_bytes(SOFT_404)
    faults = {
        path_of(GONE): Fault([(410, {})] * 3),
        path_of(TO_HOME): Fault([(301, {"Location": HOME})] * 3),
        path_of(FLAKY): Fault([(503, {})]),
    }
    with RecordingMirror(root, faults) as server:
        later = await crawl("semnan", any_database, server.url, start + timedelta(hours=2))
        checked = revisited_paths(server, 0)

    assert sorted(checked) == sorted(path_of(slug) for slug in stored)
    assert later[REVISIT_CHECKED] == 7
    # The untouched page was asked for with its validators and answered 304: nothing parsed; the edited one was read.
    assert later[REVISIT_NOT_MODIFIED] == 1
    assert sum(value for key, value in later.items() if key.startswith(extraction_step("title", ""))) == 1
    assert (later[STORE_UPDATED], later[REVISIT_EDITED], later[REVISIT_REMOVED]) == (1, 1, 4)
    assert later[REVISIT_FAILED] == 1

    now = articles(any_database)
    assert len(now) == 7  # nothing deleted
    evidence = {
        slug: (row.removed_reason, row.removed_status, unquote(row.removed_url or ""))
        for slug, row in now.items()
        if row.removed_at
    }
    assert evidence == {
        NOT_FOUND: ("404", 404, f"{HOME}{NOT_FOUND}/"),
        GONE: ("410", 410, f"{HOME}{GONE}/"),
        SOFT: ("soft 404", 200, f"{HOME}{SOFT}/"),
        TO_HOME: ("redirect to home", 301, HOME),
    }
    # A 503 once is no takedown: the article is checked again a day later.
    flaky = now[FLAKY]
    assert flaky.removed_at is None and flaky.failing_since is not None
    assert flaky.next_check_at == start + timedelta(hours=2, days=1)
    assert now[UNTOUCHED].last_seen_at > stored[UNTOUCHED].last_seen_at
    assert now[UNTOUCHED].next_check_at == now[UNTOUCHED].first_seen_at + timedelta(hours=6)
    # The edit: new content stored, the old kept as a version.
    assert now[EDITED].title == "ساعت کاری شهرداری سمنان در ایام سرد سال کاهش می‌یابد"
    [old] = versions(any_database)
    assert old.title == "ساعت کاری شهرداری سمنان در ایام سرد سال کاهش یافت" and "از ساعت ۸ تا ۱۳" in old.body

    # A day later the flaky page answers again, the 404 comes back; the others stay down.
    page(root, NOT_FOUND).write_bytes(
        (Path(__file__).parent / "mirror" / "news.semnan.ir" / NOT_FOUND / "index.html").read_bytes()
    )
    still_gone = {path_of(GONE): Fault([(410, {})]), path_of(TO_HOME): Fault([(301, {"Location": HOME})])}
    with RecordingMirror(root, still_gone) as server:
        day = await crawl("semnan", any_database, server.url, start + timedelta(days=1, hours=3))
    assert (day[REVISIT_CHECKED], day.get(REVISIT_REMOVED, 0), day[REVISIT_RESTORED]) == (7, 0, 1)
    after = articles(any_database)
    assert after[FLAKY].removed_at is None and after[FLAKY].failing_since is None
    assert after[NOT_FOUND].restored_at is not None and after[NOT_FOUND].removed_reason == "404"
    assert after[GONE].removed_at == now[GONE].removed_at and after[GONE].restored_at is None
    # The month as the report tells it (on this database too).
    month = collect(
        Store.open(any_database),
        {"semnan": "پایگاه خبری شهرداری سمنان"},
        start,
        start + timedelta(days=1, hours=3),
        get_project_settings(),
        limit=100,
    )["sources"][0]
    assert {kind: month[f"{kind}_count"] for kind in ("new", "edited", "removed", "restored")} == {
        "new": 7,
        "edited": 1,
        "removed": 4,
        "restored": 1,
    }
    assert [item["title"] for item in month["restored"]] == [after[NOT_FOUND].title]


def test_history_prints_every_version_with_a_word_level_diff(tmp_path, any_database):
    root = copy_mirror(tmp_path / "mirror")
    start = datetime.now(timezone.utc)
    with RecordingMirror(root) as server:
        first = scrapy_cli("crawl", "semnan", mirror_url=server.url, database_url=any_database)
        assert first.returncode == 0, first.stderr[-3000:]
        edit(root)
        later = scrapy_cli(
            "crawl",
            "semnan",
            "-s",
            f"CLOCK_NOW={(start + timedelta(hours=2)).isoformat()}",
            mirror_url=server.url,
            database_url=any_database,
        )
        assert later.returncode == 0, later.stderr[-3000:]
    code = articles(any_database)[EDITED].news_code
    output = tmp_path / "history.json"
    shown = scrapy_cli("history", "semnan", code, "-o", str(output), mirror_url="", database_url=any_database)
    assert shown.returncode == 0, shown.stderr[-3000:]
    by_url = scrapy_cli("history", f"{HOME}{EDITED}/", mirror_url="", database_url=any_database)
    assert by_url.stdout == shown.stdout
    text = shown.stdout
    assert "version 1:" in text and "version 2:" in text and "now (current)" in text
    assert "title: ساعت کاری شهرداری سمنان در ایام سرد سال کاهش [-یافت-] {+می‌یابد+}" in text
    assert "از ساعت [-۸-] {+۷:۳۰+} تا ۱۳" in text
    record = json.loads(output.read_text(encoding="utf-8"))
    assert [version["version"] for version in record["versions"]] == [1, 2]
    assert record["versions"][0]["title"].endswith("کاهش یافت") and record["versions"][1]["current"]
    [change] = record["changes"]
    assert change["title"] == [
        {"op": "equal", "text": "ساعت کاری شهرداری سمنان در ایام سرد سال کاهش"},
        {"op": "delete", "text": "یافت"},
        {"op": "insert", "text": "می\u200cیابد"},
    ]
    assert {"op": "delete", "text": "۸"} in change["body"] and {"op": "insert", "text": "۷:۳۰"} in change["body"]
    missing = scrapy_cli("history", "semnan", "0", mirror_url="", database_url=any_database)
    assert missing.returncode == 1 and "no such article is stored" in missing.stdout


@pytest_twisted.ensureDeferred
async def test_errors_on_two_checks_a_day_apart_are_a_takedown(tmp_path, sqlite_url):
    root = copy_mirror(tmp_path / "mirror")
    start = datetime.now(timezone.utc)
    with RecordingMirror(root) as server:
        await crawl("semnan", sqlite_url, server.url, start)
    with RecordingMirror(root, {path_of(FLAKY): Fault([(503, {})] * 5)}) as server:
        await crawl("semnan", sqlite_url, server.url, start + timedelta(hours=2))
        assert articles(sqlite_url)[FLAKY].removed_at is None
        # Twelve hours on, the failing article is not due again.
        half = await crawl("semnan", sqlite_url, server.url, start + timedelta(hours=14))
        assert half.get(REVISIT_FAILED, 0) == 0
    # A day on it is, and fails again, but the whole site is down: that is no takedown.
    with RecordingMirror(root, {"/news.semnan.ir/": Fault([(503, {})] * 50)}) as server:
        down = await crawl(
            "semnan",
            sqlite_url,
            server.url,
            start + timedelta(days=1, hours=2, minutes=1),
            RETRY_TIMES=0,
            RETRY_BACKOFF_BASE=0,
        )
    assert (down[REVISIT_SITE_DOWN], down.get(REVISIT_REMOVED, 0)) == (1, 0)
    assert articles(sqlite_url)[FLAKY].removed_at is None
    # Another day on, the site answers again but that article still fails: taken down.
    with RecordingMirror(root, {path_of(FLAKY): Fault([(503, {})] * 5)}) as server:
        again = await crawl("semnan", sqlite_url, server.url, start + timedelta(days=2, hours=3))
    assert again[REVISIT_REMOVED] == 1 and again[REVISIT_FAILED] == 1
    flaky = articles(sqlite_url)[FLAKY]
    assert (flaky.removed_reason, flaky.removed_status) == ("unreachable", 503)
    assert [slug for slug, row in articles(sqlite_url).items() if row.removed_at] == [FLAKY]


@pytest_twisted.ensureDeferred
async def test_the_budget_and_the_schedule_over_simulated_time(tmp_path, sqlite_url):
    root = copy_mirror(tmp_path / "mirror")
    start = datetime.now(timezone.utc)
    two_a_run = {"REVISIT_MIN_PER_RUN": 2, "REVISIT_SHARE": 0}

    async def run(at: timedelta) -> list[str]:
        served_before = len(server.served.requests)
        stats = await crawl("semnan", sqlite_url, server.url, start + at, **two_a_run)
        assert stats.get(REVISIT_REQUESTED, 0) <= 2
        return sorted(unquote(path).split("/")[2] for path in revisited_paths(server, served_before))

    with RecordingMirror(root) as server:
        await crawl("semnan", sqlite_url, server.url, start)
        ids = {slug: row.id for slug, row in articles(sqlite_url).items()}
        by_id = sorted(ids, key=ids.get)
        assert await run(timedelta(minutes=30)) == []
        # The 1 h stage of all seven is due: two per run, the longest due first (all the same: by id).
        assert await run(timedelta(hours=2)) == sorted(by_id[:2])
        assert await run(timedelta(hours=2)) == sorted(by_id[2:4])
        # At 7 h: three still due since 1 h come before the two due since 6 h.
        assert await run(timedelta(hours=7)) == sorted(by_id[4:6])
        assert await run(timedelta(hours=7)) == sorted([by_id[6], by_id[0]])
        # Forty days on, the stages missed collapse: each article is checked once more, then never.
        seen = []
        for _ in range(5):
            seen += await run(timedelta(days=40))
        assert sorted(seen) == sorted(by_id)
        assert await run(timedelta(days=80)) == []
    assert all(
        row.next_check_at is None and row.last_checked_at == start + timedelta(days=40)
        for row in articles(sqlite_url).values()
    )


def test_the_budget_is_a_share_of_the_previous_run_and_a_floor(sqlite_url):
    store = Store.open(sqlite_url)
    settings = Settings({"REVISIT_SHARE": 0.2, "REVISIT_MIN_PER_RUN": 0})
    assert budget(store, "semnan", settings) == 0
    with Session(store.engine) as session, session.begin():
        session.add(
            CrawlRun(
                source="semnan",
                finish_reason="finished",
                arguments={},
                pages=45,
                revisited=5,
                dropped_reasons={},
                problems="",
            )
        )
    # 40 other requests: 10 checks are 20% of the 50 of a run like it.
    assert budget(store, "semnan", settings) == 10
    assert budget(store, "semnan", Settings({"REVISIT_SHARE": 0.2, "REVISIT_MIN_PER_RUN": 12})) == 12
    assert budget(store, "rasht", Settings({"REVISIT_SHARE": 0.2, "REVISIT_MIN_PER_RUN": 3})) == 3


def test_the_usual_gap_is_learned_within_a_floor_and_a_ceiling():
    settings = get_project_settings()
    hourly = [datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(hours=20 * n) for n in range(60)]
    assert usual_gap(hourly, settings, "semnan") == (timedelta(hours=20), "95% of 59 gaps over 60d")
    dense = [datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(hours=n) for n in range(60)]
    assert usual_gap(dense, settings, "semnan")[0] == timedelta(hours=12)
    sparse = [datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=10 * n) for n in range(20)]
    assert usual_gap(sparse, settings, "semnan")[0] == timedelta(days=7)
    assert usual_gap(hourly[:5], settings, "semnan")[0] == timedelta(days=7)
    settings.set("FRESHNESS_MAX_SILENCE", {"semnan": "2d"})
    assert usual_gap(hourly, settings, "semnan") == (timedelta(days=2), "set for this source")


def store_rhythm(database_url: str, hours_apart: int, count: int) -> datetime:
    """Articles of semnan published every `hours_apart` hours up to now; returns the newest first_seen_at."""
    store = Store.open(database_url)
    now = datetime.now(timezone.utc)
    items = [
        ArticleItem(
            source="semnan",
            news_code=str(n),
            url=f"{HOME}?p={n}",
            title=f"خبر {n}",
            body="متن",
            published_at=now - timedelta(hours=hours_apart * n),
            published_jalali="1405-09-01",
            crawled_at=now,
        )
        for n in range(count)
    ]
    store.upsert_many(items)
    with Session(store.engine) as session:
        return max(session.scalars(select(Article.first_seen_at)))


def test_a_source_silent_beyond_its_usual_gap_is_stale(tmp_path, any_database):
    last = store_rhythm(any_database, hours_apart=20, count=40)
    later = (last + timedelta(hours=30)).isoformat()
    result = scrapy_cli("freshness", "-s", f"CLOCK_NOW={later}", mirror_url="", database_url=any_database)
    assert result.returncode == 1, result.stdout + result.stderr[-2000:]
    assert "STALE: no new article for 30 h; usual ≤ 20 h" in result.stdout
    assert result.stdout.rstrip().endswith("STALE: semnan")
    fine = scrapy_cli(
        "freshness",
        "semnan",
        "--json",
        "-s",
        f"CLOCK_NOW={(last + timedelta(hours=19)).isoformat()}",
        mirror_url="",
        database_url=any_database,
    )
    assert fine.returncode == 0, fine.stdout
    assert json.loads(fine.stdout)[0] | {"last_new": None} == {
        "source": "semnan",
        "stale": False,
        "figures": "no new article for 19 h; usual ≤ 20 h",
        "last_new": None,
        "silence_hours": 19.0,
        "usual_hours": 20.0,
        "basis": "95% of 39 gaps over 60d",
    }


def test_crawlall_says_stale_with_the_figures_and_exits_non_zero(tmp_path, mirror, sqlite_url):
    fresh = scrapy_cli("crawlall", "--sources", "semnan", mirror_url=mirror, database_url=sqlite_url)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    later = (datetime.now(timezone.utc) + timedelta(days=8)).isoformat()
    stale = scrapy_cli(
        "crawlall", "--sources", "semnan", "-s", f"CLOCK_NOW={later}", mirror_url=mirror, database_url=sqlite_url
    )
    assert stale.returncode == 1
    row = next(line for line in stale.stdout.splitlines() if line.startswith("semnan "))
    assert row.endswith("stale: no new article for 192 h; usual ≤ 168 h")
    assert "NEEDS ATTENTION: semnan" in stale.stdout
    with Session(Store.open(sqlite_url).engine) as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    assert [run.problems for run in runs] == ["", "stale: no new article for 192 h; usual ≤ 168 h"]
    # Eight days on, every article was due (its 7 d stage): the run checked them, within its budget.
    assert runs[1].revisited == 7 and (runs[1].edited, runs[1].removed) == (0, 0)
    from_store = scrapy_cli("freshness", "-s", f"CLOCK_NOW={later}", mirror_url="", database_url=sqlite_url)
    assert from_store.returncode == 1 and "STALE: semnan" in from_store.stdout


BROWSER_READS = """
import json, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=sys.argv[1])
    page = browser.new_page()
    page.goto(sys.argv[2])
    found = page.evaluate('''() => ({dir: document.documentElement.dir, lang: document.documentElement.lang,
        direction: getComputedStyle(document.body).direction, text: document.body.innerText,
        align: getComputedStyle(document.querySelector("td")).textAlign,
        titles: [...document.querySelectorAll("table.removed a")].map(a => a.textContent)})''')
    browser.close()
print(json.dumps(found, ensure_ascii=False))
"""


def test_the_report_as_text_json_and_an_rtl_page(tmp_path, sqlite_url):
    chromium = need(
        Path(SETTINGS["BROWSER_EXECUTABLE"]), f"Chromium (BROWSER_EXECUTABLE={SETTINGS['BROWSER_EXECUTABLE']})"
    )
    root = copy_mirror(tmp_path / "mirror")
    start = datetime.now(timezone.utc)
    at = (start + timedelta(hours=2)).isoformat()
    with RecordingMirror(root) as server:
        for source in ("semnan", "hamshahri"):
            assert scrapy_cli("crawl", source, mirror_url=server.url, database_url=sqlite_url).returncode == 0
        edit(root)
        page(root, NOT_FOUND).unlink()
        scrapy_cli("crawl", "semnan", "-s", f"CLOCK_NOW={at}", mirror_url=server.url, database_url=sqlite_url)
    report_json, report_html = tmp_path / "report.json", tmp_path / "report.html"
    result = scrapy_cli(
        "report",
        "--since",
        "1d",
        "--sources",
        "semnan,hamshahri",
        "-o",
        str(report_json),
        "-o",
        str(report_html),
        "-s",
        f"CLOCK_NOW={at}",
        "-s",
        'FRESHNESS_MAX_SILENCE={"hamshahri": "1h"}',
        mirror_url="",
        database_url=sqlite_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout
    assert "semnan: 7 new, 1 edited, 1 removed, 0 restored" in text
    assert "hamshahri: 5 new, 0 edited, 0 removed, 0 restored" in text
    assert "ساعت کاری شهرداری سمنان در ایام سرد سال کاهش می‌یابد  (1 edit(s))" in text
    assert "  removed  " in text and f"(404, HTTP 404 at {HOME}{NOT_FOUND}/)" in text
    assert text.rstrip().endswith("stale sources:\n  hamshahri: no new article for 2 h; usual ≤ 1 h")

    report = json.loads(report_json.read_text(encoding="utf-8"))
    semnan = next(source for source in report["sources"] if source["source"] == "semnan")
    assert [item["title"] for item in semnan["edited"]] == ["ساعت کاری شهرداری سمنان در ایام سرد سال کاهش می‌یابد"]
    [removed] = semnan["removed"]
    assert (removed["reason"], removed["status"], removed["url"]) == ("404", 404, f"{HOME}{NOT_FOUND}/")
    assert removed["at_jalali"][:4] == "1405" and len(semnan["new"]) == 7
    assert all(re.fullmatch(r"1[34]\d\d-\d\d-\d\d", item["published"]) for item in semnan["new"])
    assert [stale["source"] for stale in report["stale"]] == ["hamshahri"]

    shown = subprocess.run(
        [sys.executable, "-c", BROWSER_READS, str(chromium), report_html.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    page_seen = json.loads(shown.stdout)
    assert (page_seen["dir"], page_seen["lang"], page_seen["direction"], page_seen["align"]) == (
        "rtl",
        "fa",
        "rtl",
        "right",
    )
    assert page_seen["titles"] == [articles(sqlite_url)[NOT_FOUND].title]
    assert "گزارش پایش اخبار" in page_seen["text"] and "حذف‌شده" in page_seen["text"]
    assert (
        "منابع خاموش" in page_seen["text"] and "همشهری آنلاین: no new article for 2 h; usual ≤ 1 h" in page_seen["text"]
    )
    assert "پایگاه خبری شهرداری سمنان" in page_seen["text"] and "\nsemnan\n" not in page_seen["text"]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ["report", "-o", "{tmp}/missing/report.json"],
            "-o {tmp}/missing/report.json: the directory {tmp}/missing does not exist; nothing written",
        ),
        (
            ["history", "semnan", "1", "-o", "{tmp}/missing/history.json"],
            "-o {tmp}/missing/history.json: the directory {tmp}/missing does not exist; nothing written",
        ),
        (
            ["report", "--since", "1405-09-20"],
            "--since 1405-09-20: that day has not begun yet (now is 1405-09-13 11:30 in "
            "Tehran); give a day up to today",
        ),
    ],
)
def test_a_report_or_history_that_cannot_be_given_is_one_line_and_exits_2(tmp_path, sqlite_url, arguments, message):
    """Said before anything is printed: no report on standard output followed by a traceback."""
    arguments = [argument.replace("{tmp}", str(tmp_path)) for argument in arguments]
    result = scrapy_cli(*arguments, "-s", "CLOCK_NOW=2026-12-04T08:00:00+00:00", mirror_url="", database_url=sqlite_url)
    assert result.returncode == 2 and result.stdout == ""
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {message.replace('{tmp}', str(tmp_path))}"
    ]
    assert "Traceback" not in result.stderr and not (tmp_path / "missing").exists()


def test_the_cron_lines_mail_a_stale_source_and_the_daily_report(tmp_path, sqlite_url):
    logs = tmp_path / "logs"
    freshness, environment = cron_job(
        "freshness", CRAWLER_HOME=str(ROOT), CRAWLER_LOGS=str(logs), DATABASE_URL=sqlite_url
    )
    quiet = subprocess.run(["sh", "-c", freshness], env=environment, capture_output=True, text=True, timeout=120)
    assert (quiet.returncode, quiet.stdout) == (0, "")  # cron mails nothing
    store_rhythm(sqlite_url, hours_apart=20, count=40)
    # The last article arrived 30 hours ago.
    with Session(Store.open(sqlite_url).engine) as session, session.begin():
        for article in session.scalars(select(Article)):
            article.first_seen_at -= timedelta(hours=30)
    mailed = subprocess.run(["sh", "-c", freshness], env=environment, capture_output=True, text=True, timeout=120)
    assert "STALE: no new article for 30 h; usual ≤ 20 h" in mailed.stdout and "STALE: semnan" in mailed.stdout

    report, environment = cron_job("report", CRAWLER_HOME=str(ROOT), CRAWLER_LOGS=str(logs), DATABASE_URL=sqlite_url)
    daily = subprocess.run(["sh", "-c", report], env=environment, capture_output=True, text=True, timeout=120)
    assert daily.returncode == 0, daily.stderr[-2000:]
    assert "semnan: 0 new, 0 edited, 0 removed, 0 restored" in daily.stdout
    assert "stale sources:\n  semnan: no new article for 30 h; usual ≤ 20 h" in daily.stdout
    day = datetime.now().strftime("%Y-%m-%d")
    assert json.loads((logs / "reports" / f"{day}.json").read_text(encoding="utf-8"))["stale"][0]["source"] == "semnan"
    assert (logs / "reports" / f"{day}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_mirror_answers_conditional_requests(tmp_path):
    root = copy_mirror(tmp_path / "mirror")
    url_path = "/news.semnan.ir/" + quote(UNTOUCHED) + "/"

    def get(**headers: str) -> tuple[int, dict[str, str]]:
        request = urllib.request.Request(server.url + url_path, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as answer:
            return answer.code, dict(answer.headers)

    with RecordingMirror(root) as server:
        status, headers = get()
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200
        assert get(**{"If-None-Match": etag})[0] == 304
        assert get(**{"If-Modified-Since": modified})[0] == 304
        # If-None-Match decides when both are sent; an old ETag gets the page.
        assert get(**{"If-None-Match": '"0000"', "If-Modified-Since": modified})[0] == 200
        edited = page(root, UNTOUCHED)
        edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        os.utime(edited, (time.time() + 5, time.time() + 5))
        assert get(**{"If-None-Match": etag})[0] == 200
        assert get(**{"If-Modified-Since": modified})[0] == 200


def test_the_report_lists_in_time_order_under_site_names_with_details_of_new_articles(sqlite_url):
    from crawler.extract.dates import TEHRAN
    from tests.test_pipelines import article

    store = Store.open(sqlite_url)
    morning = datetime(2025, 7, 13, 8, 0, tzinfo=TEHRAN)
    # One batch: the three share their time of storing, so they go by publication.
    store.upsert_many(
        [
            article(
                news_code="3",
                title="سوم",
                published_at=morning + timedelta(hours=5),
                published_precision="minute",
                category="شهری",
                authors=["مریم احمدی"],
            ),
            article(
                news_code="1",
                title="یکم",
                published_at=morning - timedelta(hours=8),
                published_precision="day",
                published_jalali="1404-04-22",
            ),
            article(news_code="2", title="دوم", published_at=morning, published_precision="minute"),
        ]
    )
    now = datetime.now(timezone.utc)
    report = collect(
        store,
        {"hamshahri": "همشهری آنلاین"},
        now - timedelta(hours=1),
        now + timedelta(minutes=1),
        get_project_settings(),
        limit=100,
    )
    assert [item["title"] for item in report["sources"][0]["new"]] == ["یکم", "دوم", "سوم"]
    page = as_html(report)
    assert '<h2 id="hamshahri">همشهری آنلاین</h2>' in page
    assert "دسته: شهری · نویسنده: مریم احمدی" in page and "زمان انتشار: تنها روز (بی‌ساعت)" in page
    assert "1404-04-22 13:00" in page  # a time the site gave is shown; a day alone is not given one
    assert "published 1404-04-22 (the day only)" in as_text(report)
