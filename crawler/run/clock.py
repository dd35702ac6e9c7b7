"""The time the watch commands and the revisit schedule go by, and the spans they are set in.

CLOCK_NOW (an ISO 8601 instant with its offset) fixes «now»: the tests move it to see a schedule over
days without waiting, and an operator can re-run a past day's report or freshness check with it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from jdatetime import datetime as jalali_datetime

from crawler.extract.dates import TEHRAN

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def now(settings) -> datetime:
    fixed = settings.get("CLOCK_NOW") if settings is not None else None
    if not fixed:
        return datetime.now(timezone.utc)
    moment = datetime.fromisoformat(fixed)
    if moment.tzinfo is None:
        raise ValueError(f"CLOCK_NOW={fixed!r}: give the instant with its offset (…+00:00 or …+03:30)")
    return moment.astimezone(timezone.utc)


def parse_span(value: str | int | float) -> timedelta:
    """«90m», «6h», «1d», «2w» (or a number of hours) as a timedelta."""
    if isinstance(value, (int, float)):
        return timedelta(hours=value)
    match = _SPAN.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a span of time: write it as 90m, 6h, 1d or 2w")
    return float(match.group(1)) * _UNITS[match.group(2)]


def hours(span: timedelta) -> str:
    """A span in whole hours, as the alarms print it: «52 h»."""
    return f"{span.total_seconds() / 3600:.0f} h"


def tehran_jalali(moment: datetime) -> str:
    """An instant as Tehran's local Jalali date and time: «1405-09-08 14:30»."""
    return jalali_datetime.fromgregorian(datetime=moment.astimezone(TEHRAN)).strftime("%Y-%m-%d %H:%M")
