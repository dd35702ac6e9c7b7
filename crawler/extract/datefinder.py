"""The page-level Persian date finder: every date printed or marked up in the article's head, chosen
by where it sits (what htmldate does for English pages, which reads no Jalali).

A date counts when it sits next to the article's title (its block, the two blocks above it, or
between it and the body's text) and not in page chrome (header, nav, footer, side columns, related
posts, comments), not beside a link to another article, not in an element that also prints a Hijri
or Gregorian date (a header's today). A date after a label («تاریخ انتشار», «تاریخ», «منتشر شده»,
«زمان انتشار») goes before unlabelled ones; a date after an update label («بروزرسانی») is not the
publication's. When the dates left name different days, the page says nothing certain: no date.
Dates in the body's prose are not read here: they are the events' (see ArticlePage.published_at).
"""

from __future__ import annotations

import re
from datetime import datetime

from crawler.extract.dates import DAY, TEHRAN, clean_date_text, jalali_dates, machine_precision, parse_machine_date
from crawler.extract.layout import PageLayout, element_text, text_nodes

# A Jalali year in any of the three digit sets: the only texts worth parsing.
_YEAR = re.compile(r"\d{4}")
_LABEL = re.compile(r"(تاریخ انتشار|زمان انتشار|منتشر شده|انتشار|تاریخ)\s*(خبر|مطلب)?\s*(در|:|：)?\s*\S*\s*[:،,]?\s*$")
_UPDATE = re.compile(r"(بروز|به ?روز|ویرایش|آخرین تغییر|اصلاح)\S*\s*(رسانی|شده)?\s*(در|:|：)?\s*\S*\s*[:،,]?\s*$")
# Text longer than this around a date is prose or a whole container, not a meta line; unlabelled
# dates must sit in a shorter one (a sentence of an excerpt printed above the title is prose).
_CONTEXT = 200
_META_LINE = 100
# How far before a date its label may start.
_LABEL_REACH = 40


class Found:
    __slots__ = ("moment", "labelled", "machine", "precision")

    def __init__(self, moment: datetime, labelled: bool, machine: bool, precision: str):
        self.moment, self.labelled, self.machine, self.precision = moment, labelled, machine, precision


def _context(element, layout: PageLayout) -> str:
    """The element's text, widened to its parent while it is a short piece of a meta line
    («<span>تاریخ انتشار:</span> <span>۱۴۰۱/۰۲/۱۷</span>»)."""
    text = element_text(element)
    while (
        len(text) < _LABEL_REACH
        and element.getparent() is not None
        and element.getparent() not in layout.title_ancestors
    ):
        wider = element_text(element.getparent())
        if len(wider) > _CONTEXT:
            break
        element, text = element.getparent(), wider
    return text


def _printed(layout: PageLayout) -> list[Found]:
    found = []
    seen = set()
    for element, text in text_nodes(layout.head_scope):
        if element in seen or not _YEAR.search(text) or not layout.in_article_head(element):
            continue
        seen.add(element)
        context = _context(element, layout)
        if len(context) > _CONTEXT:
            context = text
        if layout.prints_other_calendar(element):
            continue
        cleaned = clean_date_text(context)
        for moment, start, _, precision in jalali_dates(cleaned):
            before = cleaned[max(0, start - _LABEL_REACH) : start]
            if _UPDATE.search(before):
                continue
            labelled = bool(_LABEL.search(before))
            if labelled or len(cleaned) <= _META_LINE:
                found.append(Found(moment, labelled, machine=False, precision=precision))
    return found


def _marked(layout: PageLayout) -> list[Found]:
    """<time datetime> and itemprop=datePublished in the article's head."""
    found = []
    for element in layout.head_scope.xpath(".//time[@datetime] | .//*[@itemprop='datePublished']"):
        value = element.get("datetime") or element.get("content")
        moment = parse_machine_date(value) if value else None
        if moment and element.get("itemprop") != "dateModified" and layout.in_article_head(element):
            found.append(
                Found(
                    moment, element.get("itemprop") == "datePublished", machine=True, precision=machine_precision(value)
                )
            )
    return found


def find_published(layout: PageLayout, plausible) -> tuple[datetime | None, str | None, str]:
    """The article's publication instant, the evidence for it («label» or «near_title») and its precision;
    (None, None, «day») when the head prints no date; (None, «disagree», «day») when its dates name
    different days."""
    candidates = [c for c in (*_marked(layout), *_printed(layout)) if plausible(c.moment)]
    if any(c.labelled for c in candidates):
        candidates = [c for c in candidates if c.labelled]
    days = {c.moment.astimezone(TEHRAN).date() for c in candidates}
    if len(days) != 1:
        return None, "disagree" if days else None, DAY
    # The most precise of the agreeing dates: a machine date, else one printed with its time.
    best = max(candidates, key=lambda c: (c.machine, c.precision != DAY))
    return best.moment, "label" if best.labelled else "near_title", best.precision
