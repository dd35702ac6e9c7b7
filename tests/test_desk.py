"""The reader's desk in the real headless Chromium: `scrapy browse` (what `python3 tasks.py browse` runs)
serves a store as a crawl wrote it; a reader searches with Arabic letters and a missing ZWNJ, finds the
article first, opens it and sees its syndicated copy and its earlier version."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from tests.conftest import ROOT, SCRAPY
from tests.support.system import need
from tests.test_copies import AGENCY, IMO, IMO_OTHER, MORNING, article, store_as_a_crawl
from tests.test_search import BOOKS, PARKS

FAIR = [
    "نمایشگاه کتاب‌های کودکان و نوجوانان از امروز در نگارخانه شهرداری سمنان برپا شده است.",
    "در این نمایشگاه بیش از دو هزار عنوان کتاب از پنجاه ناشر کشور به بازدیدکنندگان عرضه می‌شود.",
    "معاون فرهنگی شهرداری گفت خرید کتاب در این نمایشگاه با بیست درصد تخفیف انجام می‌شود.",
    "وی افزود برنامه‌های قصه‌گویی و نقاشی برای کودکان هر روز عصر در محل نمایشگاه اجرا خواهد شد.",
    "نمایشگاه تا پایان هفته از ساعت نه صبح تا هشت شب پذیرای علاقه‌مندان است.",
    "در روزهای پایانی نمایشگاه نشست‌هایی با حضور نویسندگان کتاب کودک و تصویرگران برگزار خواهد شد.",
    "کتابخانه‌های عمومی شهر نیز بخشی از کتاب‌های مورد نیاز خود را از همین نمایشگاه تهیه می‌کنند.",
    "ورود برای همه شهروندان رایگان است.",
]
ORIGINAL = article(
    source="semnan",
    news_code="5501",
    url="https://news.semnan.ir/?p=5501",
    title="نمایشگاه کتاب‌های کودکان در سمنان",
    body="\n".join(FAIR),
    published_at=MORNING,
    published_jalali="1403-08-30",
)
EDITED = article(**{**ORIGINAL.__dict__, "body": "\n".join(FAIR[:-1] + ["ورود رایگان است."])})
COPY = article(
    source="hamshahri",
    news_code="930001",
    url="https://www.hamshahrionline.ir/news/930001/x",
    title="برپایی نمایشگاه کودکان در سمنان",
    body="\n".join(["به گزارش همشهری آنلاین، " + FAIR[0]] + FAIR[1:-1] + ["انتهای پیام"]),
    published_at=MORNING + timedelta(hours=3),
    published_jalali="1403-08-30",
)


@pytest.fixture
def chromium() -> Path:
    settings = get_project_settings()
    return need(Path(settings["BROWSER_EXECUTABLE"]), f"Chromium (BROWSER_EXECUTABLE={settings['BROWSER_EXECUTABLE']})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def desk(tmp_path):
    """`scrapy browse` on a store written by the store pipeline and copy linking; yields the printed address."""
    path = tmp_path / "news.db"
    url = f"sqlite:///{path}"
    store_as_a_crawl(url, IMO, IMO_OTHER, BOOKS, PARKS, ORIGINAL)
    store_as_a_crawl(url, AGENCY, COPY, EDITED)
    port = free_port()
    server = subprocess.Popen(
        [str(SCRAPY), "browse", str(path), "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/news" in line, line
        address = f"http://127.0.0.1:{port}/news"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(address, timeout=5).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the desk did not start"
                time.sleep(0.2)
        yield address
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def in_a_thread(work):
    """Playwright's sync API wants a thread with no asyncio loop (the test reactor runs one here)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.crawl
def test_a_reader_searches_opens_an_article_and_sees_its_copies(chromium, desk):
    from playwright.sync_api import expect, sync_playwright

    def read():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), headless=True)
            try:
                page = browser.new_page()
                page.goto(f"{desk}/search")
                assert page.evaluate("document.documentElement.dir") == "rtl"
                # Arabic kaf and yeh, and «کتاب‌های» typed without its ZWNJ.
                page.fill("input[name=q]", "نمايشگاه كتابهاي كودكان")
                page.keyboard.press("Enter")
                rows = page.locator("table.rows-and-columns tbody tr")
                # Newest first (docs/desk.md): the copy, published three hours after the original.
                expect(rows).to_have_count(2)
                expect(rows.first).to_contain_text(COPY.title)
                expect(rows.nth(1)).to_contain_text(ORIGINAL.title)
                rows.nth(1).locator("a[href*='/articles/']").first.click()
                expect(page.locator("h1")).to_contain_text("articles")
                copies = page.locator("table.desk-copies")
                expect(copies).to_contain_text(COPY.title)
                expect(copies).to_contain_text("hamshahri")
                original = copies.locator("tr", has_text="اصل")
                expect(original).to_contain_text("semnan")
                expect(original).to_contain_text("همین خبر")
                expect(page.locator("table.desk-versions")).to_contain_text(ORIGINAL.title)
                # The copy's page names the same original.
                copies.locator("a", has_text=COPY.title).click()
                expect(page.locator("table.desk-copies tr", has_text="اصل")).to_contain_text(ORIGINAL.title)

                # Datasette's own search box folds the same way: a ZWNJ typed as a space, Arabic kaf.
                page.goto(f"{desk}/articles")
                page.fill("input#_search", "كتاب های كودكان")
                page.keyboard.press("Enter")
                rows = page.locator("table.rows-and-columns tbody tr")
                expect(rows).to_have_count(2)  # the original and its copy, whose body has these words
                expect(page.locator("table.rows-and-columns")).to_contain_text(ORIGINAL.title)
            finally:
                browser.close()

    in_a_thread(read)


def served(path: Path, *paths: str) -> list:
    """Responses of Datasette (with the project's plugin, as `scrapy browse` serves it) to these paths."""
    import asyncio

    from datasette.app import Datasette

    async def get_all():
        datasette = Datasette([str(path)])
        await datasette.invoke_startup()
        return [await datasette.client.get(url) for url in paths]

    return in_a_thread(lambda: asyncio.run(get_all()))


def test_removed_articles_lists_those_taken_down_and_not_back(tmp_path):
    import sqlite3

    path = tmp_path / "news.db"
    store_as_a_crawl(f"sqlite:///{path}", ORIGINAL, COPY, BOOKS)
    (before,) = served(path, "/news/removed_articles.json?_shape=array")
    assert before.json() == []
    with sqlite3.connect(path) as connection:
        connection.execute(
            "update articles set removed_at = '2024-11-21T08:00:00+00:00', removed_reason = '404',"
            " removed_status = 404 where news_code in (?, ?)",
            (COPY.news_code, BOOKS.news_code),
        )
        # Back on the site a day later: no longer removed.
        connection.execute(
            "update articles set restored_at = '2024-11-22T08:00:00+00:00' where news_code = ?", (BOOKS.news_code,)
        )
    (after,) = served(path, "/news/removed_articles.json?_shape=array")
    assert [(row["title"], row["removed_status"]) for row in after.json()] == [(COPY.title, 404)]


def test_coverage_by_month_sets_what_a_site_declares_against_what_is_stored(tmp_path):
    import sqlite3

    path = tmp_path / "news.db"
    store_as_a_crawl(f"sqlite:///{path}", ORIGINAL, COPY)
    with sqlite3.connect(path) as connection:
        # What semnan's REST API said it published in Aban 1403 (ORIGINAL's month) and in Mehr, none of it stored.
        connection.executemany(
            "insert into declared_counts (source, evidence, period, declared, stored, counted_at)"
            " values ('semnan', 'api total', ?, ?, 0, '2024-11-21T08:00:00+00:00')",
            [("1403-08", 4), ("1403-07", 2)],
        )
    (table,) = served(path, "/news/coverage_by_month.json?_shape=array")
    assert [(row["source"], row["month"], row["declared"], row["stored"], row["percent"]) for row in table.json()] == [
        ("hamshahri", "1403-08", None, 1, None),
        ("semnan", "1403-08", 4, 1, 25.0),
        ("semnan", "1403-07", 2, 0, 0.0),
    ]


def test_search_results_export_as_csv_and_facets_by_jalali_month(tmp_path):
    path = tmp_path / "news.db"
    store_as_a_crawl(f"sqlite:///{path}", ORIGINAL, COPY, BOOKS, PARKS)
    exported, listing, everywhere = served(
        path,
        "/news/search.csv?q=نمايشگاه+كتابهاي+كودكان",
        "/news/article_list.json?_facet=jalali_month&_size=0",
        "/news/articles.json?_search=كتابها&_shape=array",
    )
    rows = exported.text.splitlines()
    assert rows[0] == "article,title,source,published_jalali,published_at,published_precision,copies"
    assert [row.split(",")[1:3] + row.split(",")[-1:] for row in rows[1:]] == [
        [COPY.title, "hamshahri", "1"],  # newest first
        [ORIGINAL.title, "semnan", "1"],
    ]
    facets = listing.json()["facet_results"]
    assert {value["value"]: value["count"] for value in facets["jalali_month"]["results"]} == {
        "1403-08": 2,
        "1400-06": 2,
    }
    assert {row["news_code"] for row in everywhere.json()} == {BOOKS.news_code}


@pytest.mark.crawl
def test_browse_needs_a_sqlite_file(tmp_path):
    def browse(database_url: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(SCRAPY), "browse", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "DATABASE_URL": database_url},
        )

    server_store = browse("postgresql+psycopg://crawler@db.example/news")
    assert server_store.returncode == 2 and "scrapy snapshot PATH.db" in server_store.stderr
    missing = browse(f"sqlite:///{tmp_path / 'none.db'}")
    assert missing.returncode == 2 and "no database at" in missing.stderr


@pytest.mark.crawl
def test_browse_takes_a_free_port_when_the_default_is_taken_and_stops_datasette_on_sigterm(tmp_path):
    path = tmp_path / "news.db"
    store_as_a_crawl(f"sqlite:///{path}", BOOKS)
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 8001))
            taken.listen()
        except OSError:
            pass  # taken already: the case under test all the same
        desk = subprocess.Popen(
            [str(SCRAPY), "browse", str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        )
        try:
            # Printed once Datasette listens: the address answers at once, and it is not the taken port.
            line = desk.stdout.readline()
            address = line.split(": ", 1)[1].split()[0]
            assert address.startswith("http://127.0.0.1:") and ":8001/" not in address, line
            with urllib.request.urlopen(address + ".json", timeout=10) as answer:
                assert "articles" in answer.read().decode()
        finally:
            desk.terminate()  # SIGTERM to the command alone, as a service manager sends it
            desk.wait(timeout=30)
    with pytest.raises(OSError):
        urllib.request.urlopen(address + ".json", timeout=5)
