"""Properties of the Jalali date parser and the Persian normalizer over arbitrary input (hypothesis)."""

from __future__ import annotations

from datetime import datetime

import jdatetime
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.extract.dates import JALALI_YEARS, MONTHS, jalali_day, parse_jalali, parse_machine_date
from crawler.extract.text import ZWNJ, normalize_line, normalize_text

MONTH_NAMES = {number: name for name, number in reversed(MONTHS.items())}  # the first spelling of each
DIGITS = {"latin": "0123456789", "persian": "۰۱۲۳۴۵۶۷۸۹", "arabic": "٠١٢٣٤٥٦٧٨٩"}
WEEKDAYS = ["شنبه", "یکشنبه", "دوشنبه", "سه شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكئآ"

# Text as pages have it: Persian and Arabic letters, every digit set, dates' separators, markup and
# entities, bidi and zero-width controls — and anything else Unicode has.
page_text = st.lists(
    st.one_of(
        st.sampled_from(
            PERSIAN_LETTERS + "".join(DIGITS.values()) + " /-.:،,&;<>\u200c\u200d\u200e\u200f\u00a0\ufeff\n"
        ),
        st.sampled_from(list(MONTHS) + WEEKDAYS + ["ماه", "ساعت", "۱۴۰۰", "1402/07/21", "ام"]),
        st.sampled_from(
            ["&amp;", "&", "amp;", "amp", "lt;", "nbsp;", "zwnj;", "#8203;", "#x64a;", "#1603;", "#10;", "#"]
        ),
        st.characters(),
    ),
    max_size=60,
).map("".join)
jalali_days = st.dates(
    min_value=jdatetime.date(1300, 1, 1).togregorian(), max_value=jdatetime.date(1500, 12, 29).togregorian()
).map(lambda day: jdatetime.date.fromgregorian(date=day))


def _in_range(moment: datetime | None) -> bool:
    return moment is None or (moment.tzinfo is not None and int(jalali_day(moment)[:4]) in JALALI_YEARS)


@given(page_text)
@settings(max_examples=400, deadline=None)
def test_parse_jalali_never_raises_and_stays_in_the_jalali_era(text):
    assert _in_range(parse_jalali(text))


@given(
    st.one_of(
        page_text,
        st.datetimes().map(datetime.isoformat),
        st.builds("{:04d}-{:02d}-{:02d}T10:00:00".format, st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31)),
    )
)
@settings(max_examples=400, deadline=None)
@example("2150-01-01T00:00:00+03:30")  # Gregorian, but Jalali 1528
@example("1910-06-01")  # Jalali 1289
def test_parse_machine_date_never_raises_and_stays_in_the_jalali_era(value):
    assert _in_range(parse_machine_date(value))


def _digits(text: str, digit_set: str) -> str:
    return text.translate(str.maketrans("0123456789", DIGITS[digit_set]))


@st.composite
def printed_jalali(draw):
    """A Jalali date (and maybe a time) printed the ways Iranian sites print them."""
    day = draw(jalali_days)
    clock = draw(st.none() | st.tuples(st.integers(0, 23), st.integers(0, 59)))
    form = draw(st.sampled_from(["written", "written_mah", "slash", "dash", "dot"]))
    if form.startswith("written"):
        month = MONTH_NAMES[day.month] + (" ماه" if form == "written_mah" else "")
        text = f"{day.day} {month} {day.year}"
    else:
        separator = {"slash": "/", "dash": "-", "dot": "."}[form]
        text = f"{day.year}{separator}{day.month:02d}{separator}{day.day:02d}"
    if draw(st.booleans()):
        text = f"{WEEKDAYS[(day.weekday()) % 7]} {text}"
    if clock:
        text += draw(st.sampled_from([" - {}:{:02d}", " ساعت {}:{:02d}", " | {:02d}:{:02d}"])).format(*clock)
    text = _digits(text, draw(st.sampled_from(list(DIGITS))))
    if draw(st.booleans()):
        text = text.replace("ی", "ي").replace("ک", "ك")
    return day, clock, text


@given(printed_jalali())
@settings(max_examples=400, deadline=None)
def test_a_printed_jalali_date_parses_back_to_itself(case):
    day, clock, text = case
    moment = parse_jalali(text)
    assert moment is not None, text
    assert jalali_day(moment) == day.strftime("%Y-%m-%d"), text
    assert (moment.hour, moment.minute) == (clock or (0, 0)), text


@given(page_text)
@settings(max_examples=400, deadline=None)
@example("&amp;lt;")  # escaped twice
@example("&am\u200bp;lt;")  # an entity hidden by an invisible character
@example("&amp;&amp;#8203;amp;")  # an entity decoding to an invisible character that hides another
@example("الف&#10;&#10;ب")  # line breaks written as entities
def test_normalization_is_idempotent(text):
    line = normalize_line(text)
    assert normalize_line(line) == line
    multiline = normalize_text(text + "\n" + text)
    assert normalize_text(multiline) == multiline


@settings(deadline=None)
@given(st.lists(st.text(st.sampled_from(PERSIAN_LETTERS), min_size=1, max_size=8), min_size=2, max_size=5))
def test_zwnj_between_letters_is_kept(words):
    text = ZWNJ.join(words)
    assert normalize_line(text) == text.replace("ي", "ی").replace("ك", "ک")
