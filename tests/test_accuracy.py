"""The robustness corpus (bench/accuracy): the generator makes what it says, the scorer judges as it
says, and our extraction meets the done-when thresholds on every variant of every golden page.

The corpus is made and read in-process once for the module (a few seconds; trafilatura's and
htmldate's readings of the same pages are most of it).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime

import jdatetime
import lxml.html
import pytest

from bench.accuracy.score import (
    HTMLDATE,
    OURS,
    TRAFILATURA,
    Verdict,
    furniture_lines,
    judge_body,
    judge_day,
    pages_fully_read,
    score,
    tally,
)
from bench.accuracy.themes import THEMES
from bench.accuracy.variants import (
    MONTHS,
    DateFormat,
    ExpectedDate,
    Page,
    corpus,
    date_element,
    load_goldens,
    parse,
    prints_code,
    tehran_today,
    text_of,
    today_line,
)
from crawler.extract.dates import TEHRAN, parse_jalali
from crawler.extract.text import latin_digits, normalize_line


@pytest.fixture(scope="module")
def goldens():
    return load_goldens()


@pytest.fixture(scope="module")
def variants(goldens):
    return corpus(goldens)


@pytest.fixture(scope="module")
def results(variants):
    return [score(variant) for variant in variants]


def of_kind(variants, kind):
    chosen = [variant for variant in variants if variant.kind == kind]
    assert chosen, kind
    return chosen


def classes_and_ids(html: str) -> tuple[set[str], set[str]]:
    tree = lxml.html.document_fromstring(html)
    classes = {name for el in tree.iter() if isinstance(el.tag, str) for name in (el.get("class") or "").split()}
    ids = {el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")}
    return classes, ids


def visible_text(html: str) -> str:
    tree = lxml.html.document_fromstring(html)
    hidden = "//*[contains(translate(@style, ' ', ''), 'display:none')]"
    for element in tree.xpath(f"//script | //style | //head | {hidden}"):
        element.drop_tree()
    return " ".join(tree.itertext())  # as a browser shows it: «۲۲ خرداد ۱۳۹۷» and «۲۸۹۰ بازدید» apart


# -- the generator -----------------------------------------------------------------------------------


def test_every_golden_page_has_every_kind_of_variant(goldens, variants):
    kinds = Counter(variant.family for variant in variants)
    expected = {
        "renamed",
        "no-structured-data",
        "renamed+no-structured-data",
        "meta-above-title",
        "meta-below-title",
        "arabic-letters",
        "today-and-sidebars",
        *(f"theme:{theme}" for theme in THEMES),
    }
    assert {kind: kinds[kind] for kind in expected} == {kind: len(goldens) for kind in expected}
    assert kinds["date"] == 3 * len(goldens)
    # Pages whose date comes from their own text keep it; every other page also has a variant without.
    assert kinds["no-date"] == sum(g.item["provenance"]["published_at"] != "text" for g in goldens) == 21
    assert len(goldens) == 27 and {g.source for g in goldens} == {"hamshahri", "imo", "omidjonoob", "rasht", "semnan"}


def test_the_corpus_is_the_same_every_run(goldens, variants):
    some = [next(g for g in goldens if g.source == source) for source in ("imo", "rasht", "semnan")]
    names = {golden.name for golden in some}
    before = [(v.name, v.html, v.expected) for v in variants if v.golden.name in names]
    titles = [golden.item["title"] for golden in goldens]
    again = [v for golden in some for v in Page(golden, titles, tehran_today()).variants()]
    assert [(v.name, v.html, v.expected) for v in again] == before


def test_renamed_pages_keep_no_class_or_id_of_the_original(goldens, variants):
    originals = {golden.name: classes_and_ids(golden.html) for golden in goldens}
    for variant in [*of_kind(variants, "renamed"), *of_kind(variants, "renamed+no-structured-data")]:
        classes, ids = classes_and_ids(variant.html)
        old_classes, old_ids = originals[variant.golden.name]
        assert not classes & old_classes, variant.name
        assert not ids & old_ids, variant.name
        assert normalize_line(visible_text(variant.html)) == normalize_line(visible_text(variant.golden.html))
    for variant in of_kind(variants, "renamed"):
        # Consistently: one new name for each old one.
        classes, ids = classes_and_ids(variant.html)
        assert (len(classes), len(ids)) == tuple(map(len, originals[variant.golden.name])), variant.name


def test_pages_without_structured_data_have_none(variants):
    stripped = [v for v in variants if v.kind not in {"renamed", "arabic-letters"}]
    assert len(stripped) > 300
    for variant in stripped:
        tree = lxml.html.document_fromstring(variant.html)
        assert not tree.xpath("//script[contains(@type, 'ld+json')]"), variant.name
        assert not tree.xpath("//meta[starts-with(@property, 'og:') or starts-with(@property, 'article:')]"), (
            variant.name
        )
        machine_dates = tree.xpath("//*[contains(@itemprop, 'date')] | //time[@datetime]")
        assert not machine_dates or variant.kind == "theme:newspaper", variant.name  # tagDiv prints <time datetime>
    # The structured data was there to remove: most golden pages of semnan and hamshahri carry JSON-LD.
    assert sum("ld+json" in v.golden.html for v in of_kind(variants, "no-structured-data")) >= 8


def test_the_today_header_prints_today_in_three_calendars(variants):
    today = tehran_today()
    jalali = jdatetime.date.fromgregorian(date=today)
    line = today_line(today)
    assert parse_jalali(line).date() == today
    assert f"{MONTHS[jalali.month - 1]} , {jalali.year}" in latin_digits(line)
    assert f"{today.day} {today.strftime('%B')} , {today.year}" in line
    assert re.search(r"\d{1,2} [^\d]+ 14\d\d ", line)  # the Hijri date
    for variant in [*of_kind(variants, "today-and-sidebars"), *(v for v in variants if v.kind.startswith("theme:"))]:
        assert line in variant.html, variant.name
        assert line in variant.furniture


def test_the_seed_header_reads_as_the_seed_prints_it():
    assert today_line(date(2024, 4, 20)).startswith("تاریخ : شنبه, ۱ اردیبهشت , ۱۴۰۳ ")
    assert today_line(date(2024, 4, 20)).endswith(" Saturday, 20 April , 2024")


def test_sidebars_carry_other_dates_and_titles(variants):
    for variant in of_kind(variants, "today-and-sidebars"):
        text = visible_text(variant.html)
        days = {moment.date() for line in text.split("\n") if (moment := parse_jalali(line))}
        assert len(days - {variant.golden.published.date()}) >= 5, variant.name
        titles = {v.golden.item["title"] for v in variants} - {variant.golden.item["title"]}
        assert len(titles & set(variant.furniture)) >= 7, variant.name
        assert all(normalize_line(title) in normalize_line(text) for title in titles & set(variant.furniture))


@pytest.mark.parametrize(
    "fmt, expected",
    [
        (DateFormat("latin", "written", clock=0), "21 مهر 1401 - 10:37"),
        (DateFormat("persian", "slash", weekday=True, label="label"), "تاریخ انتشار : پنج‌شنبه ۱۴۰۱/۰۷/۲۱"),
        (DateFormat("arabic", "dash", label="short-label", clock=1), "تاریخ: ١٤٠١-٠٧-٢١ ساعت ١٠:٣٧"),
        (DateFormat("persian", "written", weekday=True, clock=2), "پنج‌شنبه ۲۱ مهر ۱۴۰۱، ۱۰:۳۷"),
    ],
)
def test_dates_are_written_as_sites_print_them(fmt, expected):
    assert fmt.render(datetime(2022, 10, 13, 10, 37, tzinfo=TEHRAN)) == expected


def test_date_variants_print_the_golden_day_in_their_format(variants):
    dated = [v for v in variants if v.kind.startswith("date:")]
    formats = Counter(part for v in dated for part in v.kind[5:].split("-"))
    assert all(
        formats[part] for part in ("persian", "arabic", "latin", "written", "slash", "dash", "weekday", "label", "time")
    ), formats
    for variant in dated:
        expected = variant.expected["published_at"]
        assert expected.day == variant.golden.published.date()
        assert (expected.minute is not None) == variant.kind.endswith("-time"), variant.name
        assert "ld+json" not in variant.html


def test_the_meta_line_moves_above_or_below_the_title(variants):
    for kind, before in (("meta-above-title", True), ("meta-below-title", False)):
        for variant in of_kind(variants, kind):
            text = normalize_line(visible_text(variant.html))
            title = variant.golden.item["title"]
            days = set()
            for found in re.finditer(re.escape(title), text):  # the title may also open an excerpt
                start, end = (found.start() - 80, found.start()) if before else (found.end(), found.end() + 80)
                around = text[max(0, start) : end]
                days |= {moment.date() for start in range(len(around)) if (moment := parse_jalali(around[start:]))}
            assert variant.expected["published_at"].day in days, variant.name


def test_arabic_letter_pages_print_arabic_letters_only(variants):
    for variant in of_kind(variants, "arabic-letters"):
        text = visible_text(variant.html)
        assert "ي" in text and "ی" not in text and "ک" not in text, variant.name
        assert normalize_line(text) == normalize_line(visible_text(variant.golden.html))


def test_transplants_print_the_article_in_the_themes_markup(variants):
    markers = {
        "sahifa": "#the-post .tie-date",
        "jannah": "#the-post span.date.meta-item",
        "newspaper": ".td-post-content",
        "jnews": "h1.jeg_post_title",
        "market": ".single-info",
        "nastooh": ".item-date span",
        "sigma": "td.Content span.Content",
    }
    for theme, marker in markers.items():
        for variant in of_kind(variants, f"theme:{theme}"):
            tree = lxml.html.document_fromstring(variant.html)
            assert tree.cssselect(marker), variant.name
            text = re.sub(r"[\s\u200c]+", "", normalize_line(visible_text(variant.html)))
            for part in (variant.golden.item["title"], *variant.golden.paragraphs):
                assert re.sub(r"[\s\u200c]+", "", part) in text, variant.name
            assert "ld+json" not in variant.html and 'property="og:' not in variant.html
    sigma = of_kind(variants, "theme:sigma")[0]
    tree = lxml.html.document_fromstring(sigma.html)
    assert not tree.xpath("//h1") and tree.cssselect("td.Content header")  # the template inside the text cell


def test_a_page_without_its_date_line_prints_no_date_of_the_article(variants):
    for variant in of_kind(variants, "no-date"):
        assert "published_at" not in variant.expected and "unprinted_date" in variant.expected
        printed = date_element(parse(variant.golden.html), variant.golden)
        assert printed is not None, variant.name  # the golden page printed it
        assert text_of(printed) not in normalize_line(visible_text(variant.html)), variant.name
        assert "ld+json" not in variant.html


def test_a_field_is_scored_only_where_the_variant_prints_it(variants):
    by_name = {variant.name: variant for variant in variants}
    # rasht prints its post id only as the article's id and in the comment form; renamed, the form still has it.
    assert by_name["rasht/24302/renamed"].expected["news_code"] == "24302"
    # Nastooh prints «کد خبر»; Newspaper on a source that is not WordPress prints no code at all.
    assert by_name["semnan/3304/theme:nastooh"].expected["news_code"] == "3304"
    # Nastooh prints no view count; a variant of a page without tags scores no tags.
    assert "view_count" not in by_name["semnan/3304/theme:nastooh"].expected
    assert "tags" not in by_name["semnan/3304/renamed"].expected
    # A Sigma portal's URL carries the item's ID.
    assert "&ID=3304" in by_name["semnan/3304/theme:sigma"].url
    assert by_name["semnan/3304/theme:sigma"].expected["news_code"] == "3304"
    # The day as printed when the machine date is gone; the golden minute while it stays.
    assert by_name["semnan/8731/no-structured-data"].expected["published_at"] == ExpectedDate(date(2021, 8, 28))
    assert by_name["semnan/8731/renamed"].expected["published_at"] == ExpectedDate(date(2021, 8, 28), "10:12")
    assert by_name["omidjonoob/14491/renamed"].expected["published_at"] == ExpectedDate(date(2022, 10, 13), "10:37")


def test_prints_code_reads_every_place_a_code_is_printed(goldens):
    semnan = next(g for g in goldens if g.code == "3304")
    for markup in (
        "<link rel='shortlink' href='https://news.semnan.ir/?p=3304'>",
        '<body class="postid-3304">',
        "<input name='comment_post_ID' value='3304'>",
        "<p>کد خبر : ۳۳۰۴</p>",
        "<p>شناسه خبر: 3304</p>",
    ):
        assert prints_code(f"<html><body>{markup}</body></html>", semnan.url, "3304", semnan.spider), markup
    assert not prints_code("<html><body><p>۳۳۰۴ بازدید</p></body></html>", semnan.url, "3304", semnan.spider)


# -- the scorer --------------------------------------------------------------------------------------


def test_a_date_is_right_on_its_day_and_printed_minute():
    day_only, timed = ExpectedDate(date(2022, 10, 13)), ExpectedDate(date(2022, 10, 13), "10:37")
    assert day_only.holds(datetime(2022, 10, 13, 0, 0, tzinfo=TEHRAN))
    assert day_only.holds(datetime(2022, 10, 13, 10, 37, tzinfo=TEHRAN))
    assert not day_only.holds(datetime(2022, 10, 12, 0, 0, tzinfo=TEHRAN))
    assert timed.holds(datetime.fromisoformat("2022-10-13T07:07:00+00:00"))  # the same instant in UTC
    assert not timed.holds(datetime(2022, 10, 13, 0, 0, tzinfo=TEHRAN))
    assert judge_day(date(2022, 10, 13), timed).right and judge_day(date(2022, 10, 14), timed).wrong


def test_a_body_is_right_with_every_paragraph_and_no_furniture(variants):
    variant = next(v for v in variants if v.kind == "today-and-sidebars" and len(v.golden.paragraphs) >= 2)
    paragraphs = variant.golden.paragraphs
    assert judge_body("\n".join(paragraphs), variant).right
    # trafilatura's text drops ZWNJ: the same words still count.
    assert judge_body("\n".join(p.replace("\u200c", "") for p in paragraphs), variant).right
    assert judge_body("\n".join(paragraphs[1:]), variant).wrong
    for furniture in (
        "لینک کوتاه : https://example.ir/?p=1",
        "کد خبر : 14491",
        "برچسب‌ها:",
        "عکس: علی رضایی",
        "۲۱ مهر ۱۴۰۱ - ۱۰:۳۷",
        "نمای ۱ از ۸",
        "۴۱۴ بازدید",
        variant.furniture[0],
    ):
        body = "\n".join([*paragraphs, furniture])
        assert furniture_lines(body, variant) == [normalize_line(furniture)], furniture
        assert judge_body(body, variant).wrong
    assert not judge_body("", variant).found


def test_the_golden_pages_themselves_score_right_on_every_field(goldens):
    """The scorer's expectations agree with the golden files: unchanged pages are read right throughout."""
    titles = [golden.item["title"] for golden in goldens]
    for golden in goldens:
        result = score(Page(golden, titles, tehran_today()).rewrite("unchanged"), references=False)
        assert set(result.verdicts[OURS]) >= {"news_code", "title", "published_at", "body"}, golden.name
        assert all(verdict.right for verdict in result.verdicts[OURS].values()), (golden.name, result.verdicts)


# -- the done-when thresholds (our extraction, in-process, on every variant) ---------------------------


def failing(results, field, reader=OURS, limit=12):
    bad = [
        f"{r.variant.name}: expected {str(r.variant.expected[field])[:80]}, "
        f"got {str(r.verdicts[reader][field].got)[:80]}"
        for r in results
        if field in r.verdicts.get(reader, {}) and not r.verdicts[reader][field].right
    ]
    return f"{len(bad)} variants, e.g.\n" + "\n".join(bad[:limit])


def test_news_code_and_title_right_on_every_variant(results):
    for field in ("news_code", "title"):
        t = tally(results)[("all", field)]
        assert t.right == t.scored, failing(results, field)


def test_dates_found_on_97_percent_of_variants_and_never_wrong(results):
    for field in ("published_at", "unprinted_date"):
        wrong = [r for r in results if r.verdicts[OURS].get(field, Verdict(False, False)).wrong]
        assert not wrong, failing(wrong, field)
    t = tally(results)[("all", "published_at")]
    assert t.found >= 0.97 * t.scored, failing(results, "published_at")


def test_body_right_on_98_percent_of_variants(results):
    t = tally(results)[("all", "body")]
    assert t.right >= 0.98 * t.scored, failing(results, "body")


def test_tags_and_view_counts_right_wherever_printed(results):
    for field in ("tags", "view_count"):
        t = tally(results)[("all", field)]
        assert t.right == t.scored, failing(results, field)


def test_our_dates_and_bodies_beat_htmldate_and_trafilatura(results):
    for field, reader in (("published_at", HTMLDATE), ("body", TRAFILATURA)):
        ours, theirs = tally(results)[("all", field)], tally(results, reader)[("all", field)]
        assert ours.scored == theirs.scored
        assert ours.right > theirs.right, (field, ours, theirs)


@pytest.mark.parametrize("kind", ["renamed", "renamed+no-structured-data"])
def test_golden_pages_in_another_theme_read_every_printed_field_and_no_wrong_date(results, kind):
    full, count, wrong_dates = pages_fully_read(results, kind)
    chosen = [r for r in results if r.variant.kind == kind]
    misses = [
        f"{r.variant.name}: {name} expected {str(r.variant.expected[name])[:80]}, got {str(v.got)[:80]}"
        for r in chosen
        for name, v in r.verdicts[OURS].items()
        if not v.right
    ]
    summary = f"{full}/{count} fully read, {wrong_dates} wrong dates"
    assert wrong_dates == 0 and full == count, summary + "\n" + "\n".join(misses)


def test_the_report_names_what_it_measured(results):
    """The command's tables (bench/accuracy/__main__.py) as an operator reads them."""
    from bench.accuracy.__main__ import field_table, kind_table, threshold_table

    table = field_table(results)
    assert re.search(r"^all\s+published_at\s+\d+", table, re.MULTILINE)
    assert "htmldate" in table and "trafilatura" in table
    assert "theme:sigma" in kind_table(results)
    assert "wrong dates" in threshold_table(results)
