"""Syndicated copies: an announcement republished by another source is linked to it at store time, the
earlier one as the original; distinct news of the same source and day is not; both articles stay."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

import pytest
from datasketch import MinHash, MinHashLSH
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from crawler.extract.dates import TEHRAN
from crawler.stats import COPIES_FAILED, STORE_UPDATED
from crawler.store import copies
from crawler.store.copies import (
    SIGNATURE_HASHES,
    CopyFinder,
    LinkCopies,
    band_layout,
    jaccard,
    permutations,
    shingles,
)
from crawler.store.database import Article, ArticleCopy, Store
from pipelines.store import StorePipeline
from tests.test_pipelines import article

ANNOUNCEMENT = [
    "نشست شورای عالی استان‌ها با حضور وزیر کشور و رئیس سازمان شهرداری‌ها و دهیاری‌های کشور در تهران برگزار شد.",
    "در این نشست برنامه نوسازی ناوگان حمل و نقل عمومی شهرها و تامین اتوبوس‌های برقی برای کلانشهرها بررسی شد.",
    "رئیس سازمان گفت امسال هزار دستگاه اتوبوس تازه میان شهرداری‌های کشور توزیع می‌شود و سهم شهرهای کوچک افزایش می‌یابد.",
    "وی افزود تسهیلات بانکی ویژه‌ای برای خرید ناوگان در نظر گرفته شده و شهرداری‌ها تا پایان آذر فرصت ثبت درخواست دارند.",
    "در ادامه نمایندگان استان‌ها گزارشی از وضعیت پسماند و طرح‌های بازیافت در شهرهای شمالی کشور ارائه کردند.",
    "همچنین مقرر شد کارگروهی برای پیگیری مصوبات این نشست با حضور معاونان استانداران تشکیل شود.",
    "نشست بعدی شورا در اسفند ماه در شهر مشهد برگزار خواهد شد.",
]
# The same news as a news agency ran it: its own opening, the last paragraph dropped, its closing line.
SYNDICATED = (
    ["به گزارش خبرگزاری ایرنا از روابط عمومی سازمان شهرداری‌ها، " + ANNOUNCEMENT[0]]
    + ANNOUNCEMENT[1:-1]
    + ["انتهای پیام"]
)
# Another announcement of the same source on the same day, in the same house style.
OTHER_NEWS = [
    "نشست شورای هماهنگی مدیریت بحران شهرها با حضور رئیس سازمان شهرداری‌ها و دهیاری‌های کشور در تهران برگزار شد.",
    "در این نشست آمادگی شهرداری‌ها برای بارش‌های پاییزی و لایروبی مسیل‌ها و کانال‌های آب‌های سطحی بررسی شد.",
    "رئیس سازمان گفت ستاد مدیریت بحران در همه مراکز استان‌ها باید تا پایان هفته آینده مانور برگزار کند.",
    "وی افزود اعتبارات لازم برای خرید تجهیزات امداد و نجات شهری از محل منابع ملی تامین خواهد شد.",
    "در پایان بر همکاری دستگاه‌های اجرایی با شهرداری‌ها در زمان حوادث طبیعی تاکید شد.",
]
MORNING = datetime(2024, 11, 20, 9, 30, tzinfo=TEHRAN)

IMO = article(
    source="imo",
    news_code="A100",
    url="https://imo.org.ir/RContent/A100-x.aspx",
    title="نشست شورای عالی",
    body="\n".join(ANNOUNCEMENT),
    published_at=MORNING,
    published_jalali="1403-08-30",
)
AGENCY = article(
    source="hamshahri",
    news_code="900100",
    url="https://www.hamshahrionline.ir/news/900100/x",
    title="توزیع هزار اتوبوس میان شهرداری‌ها",
    body="\n".join(SYNDICATED),
    published_at=MORNING + timedelta(hours=2),
    published_jalali="1403-08-30",
)
IMO_OTHER = article(
    source="imo",
    news_code="A101",
    url="https://imo.org.ir/RContent/A101-x.aspx",
    title="نشست مدیریت بحران",
    body="\n".join(OTHER_NEWS),
    published_at=MORNING + timedelta(hours=1),
    published_jalali="1403-08-30",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def store_as_a_crawl(database_url: str, *items) -> dict:
    """The items through the store pipeline, with the project's settings (its extensions link the copies)."""
    crawler = get_crawler(settings_dict={**get_project_settings().copy_to_dict(), "DATABASE_URL": database_url})
    store = StorePipeline.from_crawler(crawler)
    for item in items:
        store.process_item(item)
    store.close_spider()
    return crawler.stats.get_stats()


def links(database_url: str) -> set[tuple[str, str]]:
    with Session(Store.open(database_url).engine) as session:
        codes = dict(session.execute(select(Article.id, Article.news_code)).all())
        return {
            (codes[original], codes[copy])
            for original, copy in session.execute(select(ArticleCopy.original_id, ArticleCopy.copy_id))
        }


def test_the_shingles_of_a_syndicated_copy_are_mostly_the_originals():
    assert jaccard(shingles(IMO.body), shingles(AGENCY.body)) >= 0.8
    assert jaccard(shingles(IMO.body), shingles(IMO_OTHER.body)) < 0.2


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
def test_the_bands_and_permutations_are_datasketchs_without_importing_it(threshold):
    """What datasketch's MinHashLSH and MinHash choose, computed with numpy alone: a crawl does not pay for
    datasketch's import (scipy), and the bands stored before still meet those stored now."""
    assert band_layout(threshold, copies.PERMUTATIONS) == MinHashLSH(threshold, copies.PERMUTATIONS).hashranges
    expected = MinHash(num_perm=copies.PERMUTATIONS, seed=copies.SEED, scheme=copies.SCHEME).permutations
    assert [row.tolist() for row in permutations(copies.PERMUTATIONS, copies.SEED)] == expected.tolist()


@pytest.mark.parametrize("at_once", [SIGNATURE_HASHES, 50])
def test_the_signatures_are_datasketchs_minhash_so_stored_bands_stay_comparable(at_once, monkeypatch):
    """A batch's signatures, computed together (also a few shingles at a time), are datasketch's MinHash of each
    body's shingles: the bands stored before still meet those of articles stored now."""
    monkeypatch.setattr(copies, "SIGNATURE_HASHES", at_once)
    bodies = [IMO.body, AGENCY.body, IMO_OTHER.body, "\n".join(OTHER_NEWS)]
    sets = [shingles(body) for body in bodies]
    expected = []
    for words in sets:
        signature = MinHash(num_perm=copies.PERMUTATIONS, seed=1, scheme=copies.SCHEME, hashfunc=zlib.crc32)
        signature.update_batch(list(words))
        expected.append(signature.hashvalues)
    assert CopyFinder(create_engine("sqlite://"))._signatures(sets).tolist() == [list(row) for row in expected]


def test_a_syndicated_copy_is_linked_to_the_original_and_distinct_news_is_not(database_url):
    # The copy arrives first (another source's crawl ran earlier): the original is still the earlier news.
    stats = store_as_a_crawl(database_url, AGENCY, IMO_OTHER)
    stats.update(store_as_a_crawl(database_url, IMO))
    assert links(database_url) == {("A100", "900100")}
    with Session(Store.open(database_url).engine) as session:
        assert session.scalar(select(ArticleCopy.similarity)) >= 0.8
        assert sorted(session.execute(select(Article.news_code)).scalars()) == ["900100", "A100", "A101"]
    assert stats.get(COPIES_FAILED) is None


def test_the_same_article_stored_twice_under_two_codes_is_an_exact_copy(database_url):
    again = article(
        **{
            **IMO.__dict__,
            "news_code": "A200",
            "url": "https://imo.org.ir/RContent/A200-x.aspx",
            "published_at": MORNING + timedelta(days=1),
        }
    )
    store_as_a_crawl(database_url, IMO, again)
    assert links(database_url) == {("A100", "A200")}
    with Session(Store.open(database_url).engine) as session:
        assert session.scalar(select(ArticleCopy.similarity)) == 1.0


def test_a_copy_rewritten_into_other_news_loses_its_link(database_url):
    store_as_a_crawl(database_url, IMO, AGENCY)
    assert links(database_url) == {("A100", "900100")}
    rewritten = article(**{**AGENCY.__dict__, "body": "\n".join(OTHER_NEWS[::-1])})
    stats = store_as_a_crawl(database_url, rewritten)
    assert stats[STORE_UPDATED] == 1
    assert links(database_url) == set()


def test_without_copy_detection_nothing_is_linked(sqlite_url):
    crawler = get_crawler(settings_dict={"DATABASE_URL": sqlite_url, "COPIES_ENABLED": False})
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        LinkCopies.from_crawler(crawler)


def test_short_bodies_are_not_compared(sqlite_url):
    """A photo report's one-line caption repeats across unrelated reports: not the same news."""
    captions = [article(news_code=str(code), body="گزارش تصویری از بازدید شهردار") for code in (1, 2, 3)]
    store_as_a_crawl(sqlite_url, *captions)
    assert links(sqlite_url) == set()
