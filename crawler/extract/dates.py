"""Article dates: Jalali text as Iranian sites print it, and machine-readable metadata.

Every datetime returned is timezone-aware. Local times are Asia/Tehran through zoneinfo, so the
daylight saving Iran kept until 2022 is applied (summer 1400 is +04:30, not +03:30).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import jdatetime

from crawler.extract.text import latin_digits, normalize_line

TEHRAN = ZoneInfo("Asia/Tehran")
# Jalali years an article can carry; anything else (a Hijri 1445, a Gregorian 2024) is not ours.
JALALI_YEARS = range(1300, 1501)

MONTHS = {
    "فروردین": 1,
    "اردیبهشت": 2,
    "خرداد": 3,
    "تیر": 4,
    "مرداد": 5,
    "امرداد": 5,
    "شهریور": 6,
    "مهر": 7,
    "آبان": 8,
    "ابان": 8,
    "آذر": 9,
    "اذر": 9,
    "دی": 10,
    "بهمن": 11,
    "اسفند": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# «۶ شهریور ۱۴۰۰», «۳۰ خرداد ماه۱۳۹۷», «۲۸ خردادماه ۱۳۹۷»; letters must not run on into the day or month.
_WRITTEN = re.compile(rf"(?<![\d/])(\d{{1,2}})\s*(?:ام\s*)?({_MONTH})(?:\s*ماه)?\s*(?:،|,)?\s*(\d{{4}})(?!\d)")
# «۱۴۰۰/۰۶/۰۶», «1401-07-21»; day first: «۱۷/۰۲/۱۴۰۱»
_NUMERIC = re.compile(r"(?<![\d/])(\d{4})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d/])")
_DAY_FIRST = re.compile(r"(?<![\d/:])(\d{1,2})\s*([/\-.])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\d/])")
_TIME_AFTER = re.compile(r"^\s*(?:[-–—|،,]|ساعت|\s)*\s*(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?(?!\d)")
_ANY_TIME = re.compile(r"(?<![\d:])(\d{1,2})\s*:\s*(\d{2})(?::(\d{2}))?(?![\d:])")


def _clean(text: str) -> str:
    return latin_digits(normalize_line(text)).replace("\u200c", " ")


def _local(day: date, clock: time | None) -> datetime:
    return datetime.combine(day, clock or time(0, 0), tzinfo=TEHRAN)


# How exactly a source states an instant: a day alone is stored at 00:00 Tehran, which is not midnight.
DAY, MINUTE, SECOND = "day", "minute", "second"
_MACHINE_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def _precision(clock: re.Match | None) -> str:
    """The precision of a date printed with this clock (None: with no time)."""
    return DAY if clock is None else SECOND if clock.group(clock.re.groups) else MINUTE


def machine_precision(value: str | None) -> str:
    """How exactly a machine-readable date states its instant: «2025-07-13» a day, «…T11:26+03:30» a
    minute, «…T11:26:00+03:30» (or RFC 822) a second."""
    found = _MACHINE_TIME.search(latin_digits(value or ""))
    return DAY if found is None else SECOND if found.group(1) else MINUTE


def _jalali_to_gregorian(year: int, month: int, day: int) -> date | None:
    if year not in JALALI_YEARS:
        return None
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return None


def _clock(match: re.Match | None) -> time | None:
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _jalali_dates(text: str):
    """(gregorian date, start offset, end offset) of each Jalali date in the cleaned text, in order."""
    found = []
    for m in _WRITTEN.finditer(text):
        found.append((m.start(), m.end(), int(m.group(3)), MONTHS[m.group(2)], int(m.group(1))))
    for m in _NUMERIC.finditer(text):
        found.append((m.start(), m.end(), int(m.group(1)), int(m.group(3)), int(m.group(4))))
    for m in _DAY_FIRST.finditer(text):
        found.append((m.start(), m.end(), int(m.group(4)), int(m.group(3)), int(m.group(1))))
    for start, end, year, month, day in sorted(found):
        gregorian = _jalali_to_gregorian(year, month, day)
        if gregorian:
            yield gregorian, start, end


def clean_date_text(text: str) -> str:
    """Text as the Jalali parser reads it: letters unified, Latin digits, ZWNJ as a space; offsets
    in it are those `jalali_dates` gives."""
    return _clean(text)


def jalali_dates(cleaned: str) -> list[tuple[datetime, int, int, str]]:
    """Every Jalali date of a text cleaned by `clean_date_text`, with its time when one is printed
    next to it, where it starts and ends in the text, and its precision (`DAY` without a time)."""
    found = []
    for day, start, end in _jalali_dates(cleaned):
        printed = _TIME_AFTER.match(cleaned[end:])
        clock = _clock(printed)
        if clock is None and len(cleaned) <= 60:
            # Short metadata lines sometimes print the time first: «10:37 - 1401/07/21».
            times = _ANY_TIME.findall(cleaned[:start])
            if len(times) == 1:
                printed = _ANY_TIME.search(cleaned[:start])
                clock = _clock(printed)
        found.append((_local(day, clock), start, end, _precision(printed if clock else None)))
    return found


def parse_jalali(text: str | None) -> datetime | None:
    """The first Jalali date in the text, with its time when one is printed next to it.

    Accepts Persian, Arabic-Indic and Latin digits, Arabic or Persian letters, weekday names,
    «ماه» after the month, «ساعت» before the time, year first or day first, «/», «-» or «.».
    Returns None when there is no valid Jalali date.
    """
    found = read_jalali(text)
    return found[0] if found else None


def read_jalali(text: str | None) -> tuple[datetime, str] | None:
    """The first Jalali date in the text as `parse_jalali` reads it, with its precision."""
    if not text:
        return None
    dates = jalali_dates(_clean(text))
    return (dates[0][0], dates[0][3]) if dates else None


def parse_machine_date(value: str | None) -> datetime | None:
    """A date from metadata: ISO 8601 (JSON-LD, article:published_time, <time datetime>) or RFC 822 (RSS).

    A naive value is Tehran time. Some Iranian CMSs write Jalali digits in ISO form
    («1401-07-21T10:37:00»): a year in the Jalali range is read as Jalali.
    """
    if not value:
        return None
    value = latin_digits(value.strip())
    parsed = _iso(value) or _rfc822(value)
    if parsed is None:
        return None
    if parsed.year in JALALI_YEARS:
        gregorian = _jalali_to_gregorian(parsed.year, parsed.month, parsed.day)
        if gregorian is None:
            return None
        parsed = datetime.combine(gregorian, parsed.timetz())
    if not 1900 < parsed.year < 2200:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TEHRAN)
    # Only instants whose Tehran day falls in the Jalali years we read (a Gregorian 2150 is Jalali 1528).
    return parsed if int(jalali_day(parsed)[:4]) in JALALI_YEARS else None


def _iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1) if len(value) > 10 else value)
    except ValueError:
        pass
    try:
        return datetime.combine(date.fromisoformat(value[:10]), time(0, 0)) if len(value) == 10 else None
    except ValueError:
        return None


def _rfc822(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def jalali_day(moment: datetime) -> str:
    """The Jalali calendar day (YYYY-MM-DD) of an instant, as seen in Tehran."""
    local = moment.astimezone(TEHRAN)
    return jdatetime.date.fromgregorian(date=local.date()).strftime("%Y-%m-%d")


def jalali_months(moment: datetime, count: int) -> list[tuple[str, datetime, datetime]]:
    """The Jalali month of an instant (as seen in Tehran) and the `count` - 1 before it, newest first: «1404-09»
    with the instants its first day and the next month's first day begin in Tehran."""
    day = jdatetime.date.fromgregorian(date=moment.astimezone(TEHRAN).date())
    year, month = day.year, day.month
    months = []
    for _ in range(count):
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        start, end = (_local(jdatetime.date(y, m, 1).togregorian(), None) for y, m in ((year, month), following))
        months.append((f"{year:04d}-{month:02d}", start, end))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def parse_day_bound(value: str) -> datetime:
    """A date bound given on the command line: Jalali «1400-01-01» or Gregorian «2021-03-21»."""
    cleaned = latin_digits(value.strip())
    moment = parse_machine_date(cleaned) or parse_jalali(cleaned)
    if moment is None:
        raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD, Jalali or Gregorian)")
    return moment
