"""Persian full-text search: the spellings a reader types find the article, on SQLite and PostgreSQL, and
the index follows every write of the store (triggers: the upsert does nothing for it)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from crawler.extract.dates import TEHRAN
from crawler.store.database import Outcome, Store
from crawler.store.search import FOLDING, find, fold, fold_characters, fts_query, search_text
from tests.test_pipelines import article

BOOKS = article(
    news_code="1001",
    title="نمایشگاه کتاب تهران",
    body="نمایشگاه کتاب‌ها در سال ۱۴۰۲ با حضور ناشران برگزار شد.\nبازدید از غرفه‌ها رایگان است.",
)
PARKS = article(
    news_code="1002",
    title="بوستان‌های شهر",
    body="شهرداری سه بوستان تازه در منطقه ۵ گشود.\nدرختکاری در پاییز ادامه دارد.",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    return request.getfixturevalue(f"{request.param}_url")


def found(database_url: str, query: str) -> list[str]:
    with Store.open(database_url).engine.connect() as connection:
        ids = find(connection, query)
        codes: dict[int, str] = dict(connection.execute(text("select id, news_code from articles")).all())
    return [codes[i] for i in ids]


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("كتاب", "کتاب"),  # Arabic kaf
        ("كتابهاي", "کتابهای"),  # Arabic kaf and yeh
        ("کتاب‌ها", "کتاب ها"),  # ZWNJ
        ("کتاب\u200cها", "کتاب ها"),
        ("کِتابُ", "کتاب"),  # harakat
        ("کتـــاب", "کتاب"),  # tatweel
        ("۱۴۰۲", "1402"),
        ("١٤٠٢", "1402"),  # Persian, Arabic-Indic digits
        ("«خانهٔ» ما،", "خانه ما"),  # punctuation; hamza above
        ("ISNA", "isna"),
        ("کتاب‏­ها &amp; ", "کتابها"),  # what normalization removes: bidi mark, soft hyphen, entity
    ],
)
def test_folding(typed, folded):
    assert fold(typed) == folded


def test_a_word_with_a_zwnj_is_indexed_split_and_joined():
    assert search_text("کتاب‌ها و می‌خواهند") == "کتاب ها و می خواهند کتابها میخواهند"
    assert fts_query('کتاب‌ها "OR" ۲') == '("کتاب ها" OR "کتابها") AND "or" AND "2"'


PROVINCES = {
    "apart": "شورای عالی استان‌ها تشکیل جلسه داد.",  # with a ZWNJ
    "spaced": "نمایندگان استان ها در جلسه حاضر بودند.",  # with a space
    "joined": "جلسه شورای عالی استانها برگزار شد.",  # joined
    "words": "این استان در نشست ها سهمی داشت.",
}  # the two words apart: not the plural


@pytest.mark.parametrize("query", ["استان‌ها", "استان ها", "استانها", "استانـها"])
def test_a_plurals_three_spellings_find_the_same_articles(database_url, query):
    """The hint on the search page: «كتاب‌ها، کتاب ها و کتابها یکی‌اند»."""
    Store.open(database_url).upsert_many(
        [article(news_code=code, title="خبر", body=body) for code, body in PROVINCES.items()]
    )
    assert sorted(found(database_url, query)) == ["apart", "joined", "spaced"]
    assert sorted(found(database_url, f"جلسه {query}")) == ["apart", "joined", "spaced"]


@pytest.mark.parametrize(
    "query",
    [
        "کتاب‌ها",
        "کتاب ها",
        "كتابها",
        "کتابها",
        "كتاب‌ها",
        "نمایشگاه ۱۴۰۲",
        "نمايشگاه 1402",
        "١٤٠٢",
        "غرفه‌ها",
        "غرفه ها",
        "غرفهها",
        "کِتاب",
    ],
)
def test_every_spelling_finds_the_article(database_url, query):
    store = Store.open(database_url)
    store.upsert_many([BOOKS, PARKS])
    assert found(database_url, query) == ["1001"]


@pytest.mark.parametrize("query", ["کتابخانه", "1403", "بوستان کتاب", "کتب", "«»"])
def test_other_words_do_not(database_url, query):
    Store.open(database_url).upsert_many([BOOKS, PARKS])
    assert found(database_url, query) == []


def test_the_newest_come_first(database_url):
    """docs/desk.md: the latest publication first, of two at the same instant the one stored last; where
    the word is (title or body) does not count."""
    day = datetime(2023, 5, 1, 9, 0, tzinfo=TEHRAN)
    stored = [
        article(news_code="1003", title="کتاب شهر", body="امروز از چیزی دیگر گفتند.", published_at=day),
        article(news_code="1004", title="خبر شهری", body="امروز از کتاب گفتند.", published_at=day + timedelta(days=2)),
        article(news_code="1006", title="خبر", body="کتاب همان روز.", published_at=day),
        article(news_code="1007", title="خبر", body="کتاب پیش‌تر.", published_at=day - timedelta(days=30)),
        article(news_code="1008", title="خبر", body="بی آن واژه.", published_at=day + timedelta(days=9)),
    ]
    Store.open(database_url).upsert_many(stored)
    assert found(database_url, "کتاب") == ["1004", "1006", "1003", "1007"]
    with Store.open(database_url).engine.connect() as connection:
        assert len(find(connection, "کتاب", limit=2)) == 2


def test_the_index_follows_insert_update_and_versions(database_url):
    store = Store.open(database_url)
    assert store.upsert(BOOKS) is Outcome.NEW
    assert found(database_url, "ناشران") == ["1001"]
    # Seen again unchanged: nothing to index, nothing lost.
    assert store.upsert(BOOKS) is Outcome.UNCHANGED
    assert found(database_url, "ناشران") == ["1001"]
    # The site rewrites it: the old words leave the index, the new ones come in (the old text is a version).
    rewritten = article(
        news_code="1001", title="نمایشگاه کتاب تهران", body="نمایشگاه مطبوعات در سال ۱۴۰۳ برگزار می‌شود."
    )
    assert store.upsert(rewritten) is Outcome.UPDATED
    assert found(database_url, "ناشران") == []
    assert found(database_url, "مطبوعات ۱۴۰۳") == ["1001"]
    assert found(database_url, "ميشود") == ["1001"]
    # Written back: found by its first words again, once.
    assert store.upsert(BOOKS) is Outcome.UPDATED
    assert found(database_url, "ناشران") == ["1001"]
    assert found(database_url, "مطبوعات") == []
    with store.engine.connect() as connection:
        assert connection.execute(text("select count(*) from article_versions")).scalar_one() == 2


def test_rows_stored_before_the_index_existed_are_indexed(sqlite_url):
    """The migration indexes what is already stored (a database upgraded in place)."""
    from alembic import command

    from crawler.store import migrations

    store = Store.open(sqlite_url)
    with store.engine.begin() as connection:
        command.downgrade(migrations.alembic_config(connection), "0002")
    store.upsert_many([BOOKS, PARKS])
    migrations.upgrade(store.engine)
    assert found(sqlite_url, "كتابها") == ["1001"]


def test_postgresql_folds_exactly_as_python(postgresql_url):
    every_character = " ".join(f"ا{char}ب" for char in FOLDING) + " کتاب‌ها  «می‌روند» ۱۲"
    with Store.open(postgresql_url).engine.connect() as connection:
        folded, indexed = connection.execute(
            text("select persian_fold(:t), persian_search_text(:t)"), {"t": every_character}
        ).one()
    assert folded == fold_characters(every_character)
    assert indexed == search_text(every_character)
