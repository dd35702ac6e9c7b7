from datetime import datetime, timedelta, timezone

import pytest

from crawler.extract.dates import (
    jalali_day,
    jalali_months,
    machine_precision,
    parse_day_bound,
    parse_jalali,
    parse_machine_date,
    read_jalali,
)

# (printed text, ISO instant, Jalali day); reference conversions from SITES.md, checked against weekdays.
JALALI_CASES = [
    ("۶ شهریور ۱۴۰۰", "2021-08-28T00:00:00+04:30", "1400-06-06"),
    ("۶ شهریور ۱۴۰۰ ساعت ۱۰:۰۰", "2021-08-28T10:00:00+04:30", "1400-06-06"),  # DST until 2022
    ("21 مهر 1401 - 10:37", "2022-10-13T10:37:00+03:30", "1401-07-21"),
    ("سه شنبه ۱۰ اسفند ۱۴۰۰", "2022-03-01T00:00:00+03:30", "1400-12-10"),
    ("سه‌شنبه ۱۰ اسفند ۱۴۰۰", "2022-03-01T00:00:00+03:30", "1400-12-10"),
    ("۱۴۰۰/۰۶/۰۶", "2021-08-28T00:00:00+04:30", "1400-06-06"),
    ("1401/07/21 10:37", "2022-10-13T10:37:00+03:30", "1401-07-21"),
    ("۳۰ خرداد ماه۱۳۹۷", "2018-06-20T00:00:00+04:30", "1397-03-30"),
    ("۲۹و۳۰ خردادماه ۱۳۹۷", "2018-06-20T00:00:00+04:30", "1397-03-30"),
    ("شنبه ۱ اردیبهشت ۱۴۰۳", "2024-04-20T00:00:00+03:30", "1403-02-01"),
    ("۶ شهريور ۱۴۰۰", "2021-08-28T00:00:00+04:30", "1400-06-06"),  # Arabic yeh
    ("٦ شهريور ١٤٠٠", "2021-08-28T00:00:00+04:30", "1400-06-06"),  # Arabic-Indic digits
    ("ساعت ۱۰:۳۷ - ۲۱ مهر ۱۴۰۱", "2022-10-13T10:37:00+03:30", "1401-07-21"),  # time first
    ("یکشنبه ۲۲ تیر ۱۴۰۴ - ۱۱:۲۶", "2025-07-13T11:26:00+03:30", "1404-04-22"),
    ("1 فروردین 1401 00:30", "2022-03-21T00:30:00+03:30", "1401-01-01"),  # the last DST spring
    ("۳۰ شهریور ۱۳۹۹ ۲۳:۵۹", "2020-09-20T23:59:00+04:30", "1399-06-30"),  # last day of summer time
    ("۳۱ شهریور ۱۳۹۹ ۱۲:۰۰", "2020-09-21T12:00:00+03:30", "1399-06-31"),  # first day back on +03:30
]


@pytest.mark.parametrize("text, iso, jalali", JALALI_CASES)
def test_parse_jalali(text, iso, jalali):
    parsed = parse_jalali(text)
    assert parsed is not None and parsed.isoformat() == iso
    assert jalali_day(parsed) == jalali


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "هیچ تاریخی",
        "12 شوال 1445",  # Hijri: not ours
        "Saturday, 20 April , 2024",
        "2024-04-20",  # Gregorian text is not Jalali
        "۳۱ اسفند ۱۴۰۰",  # 1400 is not a leap year
        "۳۲ مهر ۱۴۰۱",
        "1401/13/01",
        "۱۰ تیر ۹۹۹",  # impossible dates
    ],
)
def test_parse_jalali_returns_none_rather_than_guessing(text):
    assert parse_jalali(text) is None


def test_header_today_is_a_date_only_where_it_is_read():
    # The parser reads any text it is given; the trap is avoided by never giving it the header
    # (see the omidjonoob golden test). Here: the three-calendar header parses as its Jalali day.
    header = "تاریخ : شنبه, ۱ اردیبهشت , ۱۴۰۳ 12 شوال 1445 Saturday, 20 April , 2024"
    assert jalali_day(parse_jalali(header)) == "1403-02-01"


@pytest.mark.parametrize(
    "value, iso",
    [
        ("2021-08-28T10:00:00+04:30", "2021-08-28T10:00:00+04:30"),
        ("2022-10-13T07:07:00Z", "2022-10-13T07:07:00+00:00"),
        ("2021-08-28T10:00:00", "2021-08-28T10:00:00+04:30"),  # naive: Tehran local time
        ("2021-08-28", "2021-08-28T00:00:00+04:30"),
        ("1401-07-21T10:37:00", "2022-10-13T10:37:00+03:30"),  # Jalali digits in ISO form
        ("۲۰۲۲-۱۰-۱۳T۱۰:۳۷:۰۰+۰۳:۳۰", "2022-10-13T10:37:00+03:30"),
        ("Sat, 28 Aug 2021 05:30:00 GMT", "2021-08-28T05:30:00+00:00"),  # RSS pubDate
    ],
)
def test_parse_machine_date(value, iso):
    assert parse_machine_date(value).isoformat() == iso


@pytest.mark.parametrize("value", ["", None, "not a date", "0000-00-00", "1200-01-01"])
def test_parse_machine_date_rejects(value):
    assert parse_machine_date(value) is None


def test_every_result_is_timezone_aware():
    for text, _, _ in JALALI_CASES:
        assert parse_jalali(text).utcoffset() is not None
    assert parse_machine_date("2021-08-28T10:00:00").utcoffset() == timedelta(hours=4, minutes=30)


def test_day_bound_accepts_jalali_and_gregorian():
    assert parse_day_bound("1400-01-01") == parse_day_bound("2021-03-21")
    assert parse_day_bound("1400-01-01").astimezone(timezone.utc) == datetime(2021, 3, 20, 20, 30, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        parse_day_bound("yesterday")


@pytest.mark.parametrize(
    "text, precision",
    [
        ("۶ شهریور ۱۴۰۰", "day"),
        ("سه شنبه ۱۰ اسفند ۱۴۰۰", "day"),
        ("۱۴۰۰/۰۶/۰۶", "day"),
        ("۶ شهریور ۱۴۰۰ ساعت ۰۰:۰۰", "minute"),  # a real midnight, not a day alone
        ("21 مهر 1401 - 10:37", "minute"),
        ("ساعت ۱۰:۳۷ - ۲۱ مهر ۱۴۰۱", "minute"),
        ("1401/07/21 10:37:05", "second"),
    ],
)
def test_a_printed_date_says_how_exactly_it_gives_the_instant(text, precision):
    assert read_jalali(text)[1] == precision


@pytest.mark.parametrize(
    "value, precision",
    [
        ("2021-08-28", "day"),
        ("2021-08-28T10:12+04:30", "minute"),
        ("2021-08-28T10:12:35+04:30", "second"),
        ("Sat, 28 Aug 2021 10:12:35 +0430", "second"),
    ],
)
def test_a_machine_date_says_how_exactly_it_gives_the_instant(value, precision):
    assert parse_machine_date(value) is not None
    assert machine_precision(value) == precision


def test_the_last_jalali_months_of_an_instant_begin_at_tehran_midnights_across_the_new_year():
    # 1404-01-01 began at 2025-03-21 00:00 Tehran (2025-03-20 20:30 UTC); Esfand 1403 had 30 days.
    months = jalali_months(datetime(2025, 3, 20, 21, 0, tzinfo=timezone.utc), 2)
    assert [(month, start.isoformat(), end.isoformat()) for month, start, end in months] == [
        ("1404-01", "2025-03-21T00:00:00+03:30", "2025-04-21T00:00:00+03:30"),
        ("1403-12", "2025-02-19T00:00:00+03:30", "2025-03-21T00:00:00+03:30"),
    ]
