"""The variant corpus: every golden page (tests/golden, pages in tests/mirror) rewritten the ways real
sites differ from our fixtures, each variant with the value of every field it still prints.

Variants of one golden page (seeded by source, code and kind, so the corpus is the same every run
except for the header's today):

- `renamed`: every class and id attribute renamed to a random token, consistently within the page;
- `no-structured-data`: JSON-LD, OpenGraph/`article:*`/Twitter meta, itemprop dates and `<time datetime>`
  removed; `renamed+no-structured-data` both;
- `meta-above-title`, `meta-below-title`: the meta line (the element printing the article's date, with
  the small line around it) moved before or after the title; a page that prints no date gets one;
- `date:<digits>-<form>[-weekday][-label][-time]`: the printed date rewritten in Persian, Arabic-Indic
  or Latin digits, written month or numeric with `/` or `-`, with or without weekday, label and time;
- `arabic-letters`: Arabic ي and ك for Persian ی and ک throughout the text;
- `today-and-sidebars`: a header printing today in three calendars, a sidebar, related posts, popular
  posts with view counts and comments, all with other titles and dates;
- `no-date`: the same with the article's date line removed, for pages whose date is not in their text:
  the page prints no date of the article, so any date read from it must be its own day
  (`unprinted_date`: right when none is found or the article's day, wrong when another day is);
- `theme:<name>`: the article re-rendered into another theme's page (themes.py).

Every variant but `renamed` and `arabic-letters` has no structured data: they test what the page
prints. The expected date of a variant is the golden instant while its machine-readable date stays;
otherwise the day as printed, and the minute when a time is printed (ExpectedDate).
"""

from __future__ import annotations

import html
import json
import random
import re
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

import jdatetime
import lxml.html
from hijridate import Gregorian
from lxml.cssselect import CSSSelector

from crawler.extract.dates import TEHRAN, parse_jalali
from crawler.extract.text import latin_digits, normalize_line
from crawler.sources.golden import GOLDEN_ROOT, mirror_response, spider_for
from crawler.sources.spider import NewsSpider

FIELDS = ("news_code", "title", "published_at", "unprinted_date", "body", "tags", "view_count")

MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
# By date.weekday(): Monday first.
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه", "شنبه", "یکشنبه")
DIGITS = {
    "persian": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    "arabic": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "latin": str.maketrans("", ""),
}
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
LABELS = {"label": "تاریخ انتشار : ", "short-label": "تاریخ: "}
CLOCKS = (" - {}", " ساعت {}", "، {}")
TIME_PRINTED = re.compile(r"(?<!\d)\d{1,2}\s*:\s*\d{2}(?!\d)")
# A printed date line is short; a longer element holding a date is prose.
DATE_LINE_MAX = 80
# Elements a moved meta line must not take with it.
LAYOUT_TAGS = {
    "html",
    "body",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "article",
    "main",
    "header",
    "section",
    "form",
    "ul",
    "ol",
}
MENU = (
    ("/", "صفحه اصلی"),
    ("/category/news/", "اخبار"),
    ("/category/photo/", "گزارش تصویری"),
    ("/contact/", "تماس با ما"),
)
INLINE_TAGS = {"span", "a", "time", "small", "b", "i", "em", "strong", "abbr", "font", "label"}


def in_digits(text: str, digits: str) -> str:
    return text.translate(DIGITS[digits])


def persian(text: str) -> str:
    return in_digits(text, "persian")


def tehran_today() -> date:
    return datetime.now(TEHRAN).date()


@dataclass(frozen=True)
class ExpectedDate:
    """The article's day on Tehran's clock, and its minute when the variant prints or marks up a time.

    A date is right when it falls on that day and, if a minute is expected, at that minute; any
    other date found is wrong. A page that prints only the day is right with any time of that day.
    """

    day: date
    minute: str | None = None

    def holds(self, moment: datetime) -> bool:
        local = moment.astimezone(TEHRAN)
        return local.date() == self.day and (self.minute is None or local.strftime("%H:%M") == self.minute)

    def __str__(self) -> str:
        return f"{self.day} {self.minute}" if self.minute else f"{self.day} (any time)"


@dataclass
class Golden:
    """One golden page: its URL, the expected item, the page's text as the mirror serves it."""

    source: str
    url: str
    item: dict[str, Any]
    html: str

    @property
    def code(self) -> str:
        return self.item["news_code"]

    @property
    def name(self) -> str:
        return f"{self.source}/{self.code}"

    @cached_property
    def published(self) -> datetime:
        return datetime.fromisoformat(self.item["published_at"]).astimezone(TEHRAN)

    @property
    def has_time(self) -> bool:
        """Whether the golden date carries a time of day (a date from text or a date-only line does not)."""
        return self.published.time() != time(0, 0)

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.item["body"].split("\n") if line]

    @property
    def spider(self) -> NewsSpider:
        return source_spider(self.source, self.url)

    def machine_date(self) -> ExpectedDate:
        return ExpectedDate(self.published.date(), self.published.strftime("%H:%M") if self.has_time else None)


_SPIDERS: dict[str, NewsSpider] = {}


def source_spider(source: str, url: str) -> NewsSpider:
    """The source's spider on a real crawler, one per source for the whole corpus."""
    if source not in _SPIDERS:
        _SPIDERS[source] = spider_for(url)
    return _SPIDERS[source]


def load_goldens() -> list[Golden]:
    goldens = []
    for path in sorted(GOLDEN_ROOT.glob("*/*.json")):
        expected = json.loads(path.read_text())
        html = mirror_response(expected["url"]).text
        goldens.append(Golden(path.parent.name, expected["url"], expected["item"], html))
    return goldens


@dataclass
class Variant:
    """A page made from a golden page, and what each field it prints should read.

    `expected` holds only the fields the page still prints; `furniture` the texts the variant added
    around the article (other titles, comments, today's header), which no body may hold.
    """

    golden: Golden
    kind: str
    html: str
    expected: dict[str, Any]
    furniture: tuple[str, ...] = ()
    url: str = ""

    def __post_init__(self):
        self.url = self.url or self.golden.url

    @property
    def source(self) -> str:
        return self.golden.source

    @property
    def name(self) -> str:
        return f"{self.golden.name}/{self.kind}"

    @property
    def family(self) -> str:
        """The kind without its parameters: «date», «theme:jannah», «renamed»…"""
        return "date" if self.kind.startswith("date:") else self.kind

    @property
    def body(self) -> bytes:
        return self.html.encode("utf-8")


# -- reading a page ---------------------------------------------------------------------------------


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def serialize(tree: lxml.html.HtmlElement) -> str:
    """The page as UTF-8 HTML: an old page's declared windows-1256 is re-declared."""
    for meta in tree.xpath("//meta[@charset]"):
        meta.set("charset", "utf-8")
    for meta in tree.xpath("//meta[@http-equiv]"):
        if meta.get("http-equiv", "").lower() == "content-type":
            meta.set("content", "text/html; charset=utf-8")
    return "<!DOCTYPE html>\n" + lxml.html.tostring(tree, encoding="unicode")


def text_of(element) -> str:
    return normalize_line(element.text_content())


def _elements(tree) -> list:
    return [el for el in tree.body.iter() if isinstance(el.tag, str) and el.tag not in {"script", "style"}]


def _hidden(element) -> bool:
    return any("display:none" in (el.get("style") or "").replace(" ", "") for el in (element, *element.iterancestors()))


def title_element(tree, golden: Golden):
    """The element printing the title: an <h1> holding it, else the innermost element that is exactly it."""
    title = golden.item["title"]
    for heading in tree.body.iter("h1"):
        if title in text_of(heading):
            return heading
    exact = [el for el in _elements(tree) if text_of(el) == title and el.tag not in {"a", "option"}]
    innermost = [el for el in exact if not any(text_of(child) == title for child in el)]
    if not innermost:
        raise LookupError(f"{golden.name}: no element prints the title")
    return innermost[0]


def date_element(tree, golden: Golden):
    """The innermost element printing the article's day in a short line (the site's date selector
    first), or None when the page prints its date only inside the prose or in metadata."""
    day = golden.published.date()

    def dated(element) -> bool:
        text = text_of(element)
        moment = parse_jalali(text) if len(text) <= DATE_LINE_MAX else None
        return moment is not None and moment.date() == day and not _hidden(element)

    query = golden.spider.selectors.get("date")
    selected = [el for el in CSSSelector(query, translator="html")(tree) if dated(el)] if query else []
    found = selected[0] if selected else next((el for el in _elements(tree) if dated(el)), None)
    while found is not None:
        child = next((child for child in found if isinstance(child.tag, str) and dated(child)), None)
        if child is None:
            break
        found = child
    return found


def meta_line(date_el, title_el):
    """The small line around the date (date, views, code) that a theme moves as one."""
    line = date_el
    for parent in date_el.iterancestors(None):
        if parent.tag in LAYOUT_TAGS or len(text_of(parent)) > DATE_LINE_MAX or title_el in parent.iterdescendants():
            break
        line = parent
    return line


def prints_code(html: str, url: str, code: str, spider: NewsSpider) -> bool:
    """Whether the page shows its news code anywhere a reader or a CMS puts it: the URL, a shortlink,
    the WordPress post id (classes, comment form, REST link), a printed «کد خبر»."""
    if spider.code_in_url(url) == code:
        return True
    c = re.escape(code)
    markup = latin_digits(html)
    patterns = (
        rf"[?&;]p={c}\b",
        rf"/wp/v2/posts/{c}\b",
        rf"\bpostid-{c}\b",
        rf"\bpost-{c}\b",
        rf"comment_post_ID['\"][^>]*value=['\"]{c}['\"]",
        rf"value=['\"]{c}['\"][^>]*comment_post_ID",
        rf"[?&](amp;)?id={c}\b",
    )
    if any(re.search(pattern, markup, re.IGNORECASE) for pattern in patterns):
        return True
    text = latin_digits(normalize_line(parse(html).text_content()))
    return bool(re.search(rf"(کد خبر|شناسه خبر|کد مطلب)\s*[:：]?\s*{c}\b", text))


def prints_tags(tree, tags: list[str]) -> bool:
    shown = {text_of(el).lstrip("#").strip() for el in tree.body.iter("a", "li")}
    return bool(tags) and all(tag in shown for tag in tags)


# -- rewriting a page -------------------------------------------------------------------------------


def rename_attributes(tree, rng: random.Random) -> None:
    """Every class and id renamed to a random token, the same token for the same name in the page."""
    tokens: dict[str, str] = {}

    def token(name: str) -> str:
        while name not in tokens:
            candidate = rng.choice(string.ascii_lowercase) + "".join(
                rng.choices(string.ascii_lowercase + string.digits, k=7)
            )
            if candidate not in tokens.values():
                tokens[name] = candidate
        return tokens[name]

    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("class") is not None:
            element.set("class", " ".join(token(name) for name in element.get("class").split()))
        if element.get("id") is not None:
            element.set("id", token(element.get("id")))


def strip_structured_data(tree) -> None:
    """No JSON-LD, no OpenGraph, article:* or Twitter meta, no itemprop or meta dates, no <time datetime>."""
    for element in tree.xpath("//script[contains(@type, 'ld+json')]"):
        element.drop_tree()
    for meta in tree.xpath("//meta"):
        name = (meta.get("property") or meta.get("name") or "").lower()
        if name.startswith(("og:", "article:", "twitter:")) or meta.get("itemprop") or "date" in name:
            meta.drop_tree()
    for element in tree.xpath("//*[@itemprop]"):
        if "date" in element.get("itemprop").lower():
            del element.attrib["itemprop"]
    for element in tree.xpath("//time[@datetime]"):
        del element.attrib["datetime"]


def arabic_letters(tree) -> None:
    """Arabic ي and ك in every text of the page, its title, meta descriptions and JSON-LD included."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and (element.tag not in {"script", "style"} or "json" in (element.get("type") or "")):
            element.text = element.text.translate(ARABIC_LETTERS)
        if element.tail:
            element.tail = element.tail.translate(ARABIC_LETTERS)
        if element.tag == "meta" and element.get("content"):
            element.set("content", element.get("content").translate(ARABIC_LETTERS))


def fragment(html: str):
    return lxml.html.fragment_fromstring(html, create_parent=False)


# -- dates as sites print them ----------------------------------------------------------------------


@dataclass(frozen=True)
class DateFormat:
    digits: str = "persian"  # persian, arabic, latin
    form: str = "written"  # written, slash, dash
    weekday: bool = False
    label: str = ""  # "", "label", "short-label"
    clock: int | None = None  # index into CLOCKS; None: no time printed

    @property
    def name(self) -> str:
        parts = [self.digits, self.form]
        parts += ["weekday"] if self.weekday else []
        parts += [self.label] if self.label else []
        parts += ["time"] if self.clock is not None else []
        return "-".join(parts)

    def render(self, moment: datetime) -> str:
        local = moment.astimezone(TEHRAN)
        jalali = jdatetime.date.fromgregorian(date=local.date())
        if self.form == "written":
            text = f"{jalali.day} {MONTHS[jalali.month - 1]} {jalali.year}"
        else:
            separator = "/" if self.form == "slash" else "-"
            text = f"{jalali.year}{separator}{jalali.month:02d}{separator}{jalali.day:02d}"
        if self.weekday:
            text = f"{WEEKDAYS[local.weekday()]} {text}"
        if self.clock is not None:
            text += CLOCKS[self.clock].format(local.strftime("%H:%M"))
        return in_digits(LABELS.get(self.label, "") + text, self.digits)

    def expected(self, moment: datetime) -> ExpectedDate:
        """What a date line in this format says of the moment: its day, and its minute if it prints one."""
        local = moment.astimezone(TEHRAN)
        return ExpectedDate(local.date(), local.strftime("%H:%M") if self.clock is not None else None)

    @staticmethod
    def random(rng: random.Random, with_time: bool) -> DateFormat:
        return DateFormat(
            digits=rng.choice(sorted(DIGITS)),
            form=rng.choice(("written", "slash", "dash")),
            weekday=rng.random() < 0.5,
            label=rng.choice(("", "label", "short-label")),
            clock=rng.randrange(len(CLOCKS)) if with_time and rng.random() < 0.7 else None,
        )


def printed_date(text: str, golden: Golden) -> ExpectedDate:
    """What a golden page's own date line says: its day, and its minute when it prints a time."""
    moment = parse_jalali(text)
    if moment is None or moment.date() != golden.published.date():
        raise ValueError(f"{golden.name}: the printed date {text!r} is not the article's day {golden.published.date()}")
    return ExpectedDate(moment.date(), moment.strftime("%H:%M") if TIME_PRINTED.search(latin_digits(text)) else None)


# -- the page around an article: today, sidebars, related posts, comments ----------------------------


def hijri(day: date) -> str:
    value = Gregorian.fromdate(day).to_hijri()
    return f"{value.day} {value.month_name('ar')} {value.year}"


def today_line(today: date) -> str:
    """The three-calendar header of Persian news themes: «تاریخ : شنبه, ۱ اردیبهشت , ۱۴۰۳ 12 شوال 1445
    Saturday, 20 April , 2024»."""
    jalali = jdatetime.date.fromgregorian(date=today)
    return (
        f"تاریخ : {WEEKDAYS[today.weekday()]}, {persian(str(jalali.day))} {MONTHS[jalali.month - 1]} , "
        f"{persian(str(jalali.year))} {hijri(today)} {today.strftime('%A')}, {today.day} {today.strftime('%B')} , "
        f"{today.year}"
    )


@dataclass
class Chrome:
    """The furniture of one variant: other articles' titles with other dates, comments, today."""

    golden: Golden
    others: list[str]
    rng: random.Random
    today: date
    texts: list[str] = field(default_factory=list)

    def say(self, text: str) -> str:
        self.texts.append(text)
        return text

    def other_moment(self, before: bool = True) -> datetime:
        """A date of another article: earlier than this one (sidebars), or later (comments, newer posts)."""
        days = self.rng.randint(1, 120)
        moment = self.golden.published + timedelta(days=-days if before else days, minutes=self.rng.randint(-600, 600))
        return min(moment, datetime.now(TEHRAN) - timedelta(hours=1))

    def other_date(self, before: bool = True, with_time: bool = False) -> str:
        fmt = DateFormat.random(self.rng, with_time)
        return self.say(DateFormat(fmt.digits, fmt.form, fmt.weekday, "", fmt.clock).render(self.other_moment(before)))

    def titles(self, count: int) -> list[str]:
        """Other articles' titles, as HTML."""
        chosen = self.rng.sample(self.others, min(count, len(self.others)))
        return [html.escape(self.say(title)) for title in chosen]

    def header(self) -> str:
        menu = "".join(f'<li><a href="{href}">{self.say(name)}</a></li>' for href, name in MENU)
        return (
            f'<header class="site-header"><div class="top-bar"><span class="today">'
            f'{self.say(today_line(self.today))}</span></div><nav class="main-menu"><ul>{menu}</ul></nav></header>'
        )

    def sidebar(self) -> str:
        latest = "".join(
            f'<li><a href="/?p={self.rng.randint(100, 99999)}">{title}</a> <span class="date">'
            f"{self.other_date(before=self.rng.random() < 0.5)}</span></li>"
            for title in self.titles(4)
        )
        popular = "".join(
            f'<li><a href="/?p={self.rng.randint(100, 99999)}">{title}</a> <span class="views">'
            f"{self.say(persian(str(self.rng.randint(40, 9000))) + ' بازدید')}</span></li>"
            for title in self.titles(3)
        )
        return (
            f'<aside class="sidebar"><div class="widget"><h4>{self.say("آخرین اخبار")}</h4><ul>{latest}</ul></div>'
            f'<div class="widget"><h4>{self.say("پربازدیدترین‌ها")}</h4><ul>{popular}</ul></div></aside>'
        )

    def related(self) -> str:
        items = "".join(
            f'<div class="related-item"><h3><a href="/?p={self.rng.randint(100, 99999)}">{title}</a></h3>'
            f'<span class="date">{self.other_date()}</span></div>'
            for title in self.titles(3)
        )
        return f'<section class="related-posts"><h3>{self.say("مطالب مرتبط")}</h3>{items}</section>'

    def comments(self) -> str:
        texts = (
            "سلام، خسته نباشید. کی این طرح در محله ما اجرا می‌شود؟",
            "بسیار عالی، امیدواریم ادامه داشته باشد و به همه مناطق برسد.",
        )
        items = "".join(
            f'<li class="comment"><div class="comment-author">{self.say(name)}</div>'
            f'<div class="comment-date">{self.other_date(before=False, with_time=True)}</div>'
            f"<p>{self.say(text)}</p></li>"
            for name, text in zip(("محمد", "زهرا"), texts, strict=True)
        )
        return f'<div class="comment-list"><h3>{self.say("۲ دیدگاه")}</h3><ol>{items}</ol></div>'

    def footer(self) -> str:
        jalali_year = jdatetime.date.fromgregorian(date=self.today).year
        rights = self.say(f"تمامی حقوق محفوظ است. ۱۳۹۵ - {persian(str(jalali_year))}")
        return f'<footer class="site-footer"><p>{rights}</p></footer>'


# -- the variants of one golden page ----------------------------------------------------------------


class Page:
    """A golden page and the variants made of it."""

    def __init__(self, golden: Golden, others: list[str], today: date):
        self.golden = golden
        self.others = [title for title in others if title != golden.item["title"]]
        self.today = today

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.golden.name}/{kind}")

    def variants(self) -> list[Variant]:
        from bench.accuracy.themes import THEMES, transplant

        made = [
            self.rewrite("renamed", rename=True),
            self.rewrite("no-structured-data", strip=True),
            self.rewrite("renamed+no-structured-data", rename=True, strip=True),
            self.rewrite("meta-above-title", strip=True, move="above"),
            self.rewrite("meta-below-title", strip=True, move="below"),
        ]
        rng = self.rng("date")
        formats: list[DateFormat] = []
        while len(formats) < 3:
            fmt = DateFormat.random(rng, self.golden.has_time)
            if fmt not in formats:
                formats.append(fmt)
        made += [self.rewrite(f"date:{fmt.name}", strip=True, date_format=fmt) for fmt in formats]
        made += [
            self.rewrite("arabic-letters", arabic=True),
            self.rewrite("today-and-sidebars", strip=True, chrome=True),
        ]
        if self.golden.item["provenance"].get("published_at") != "text":
            made.append(self.rewrite("no-date", strip=True, chrome=True, drop_date=True))
        made += [transplant(self, theme) for theme in THEMES]
        return made

    def rewrite(
        self,
        kind: str,
        *,
        rename: bool = False,
        strip: bool = False,
        move: str | None = None,
        date_format: DateFormat | None = None,
        arabic: bool = False,
        chrome: bool = False,
        drop_date: bool = False,
    ) -> Variant:
        golden, rng = self.golden, self.rng(kind)
        tree = parse(golden.html)
        title_el = title_element(tree, golden)
        date_el = date_element(tree, golden)
        printed = printed_date(text_of(date_el), golden) if date_el is not None else None
        if drop_date and date_el is not None:
            date_el.drop_tree()
        if date_format is not None or move:
            if date_el is None:
                date_el = fragment('<div class="post-date"></div>')
                title_el.addnext(date_el)
                date_format = date_format or DateFormat()
            if date_format is not None:
                for child in list(date_el):
                    child.drop_tree()
                date_el.text = date_format.render(golden.published)
                printed = date_format.expected(golden.published)
        if move:
            line = meta_line(date_el, title_el)
            if line.tag in {"li", "dd", "dt"}:  # out of its list, an item is a line of its own
                line.tag = "div"
            elif line.tag in INLINE_TAGS:
                wrapper = fragment("<div></div>")
                line.addprevious(wrapper)
                wrapper.append(line)
                line = wrapper
            tail, line.tail = line.tail, None
            previous = line.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + (tail or "")
            else:
                line.getparent().text = (line.getparent().text or "") + (tail or "")
            (title_el.addprevious if move == "above" else title_el.addnext)(line)
        furniture: tuple[str, ...] = ()
        if chrome:
            furniture = self.add_chrome(tree, title_el, rng)
        if strip:
            strip_structured_data(tree)
        if arabic:
            arabic_letters(tree)
        if rename:
            rename_attributes(tree, rng)
        html = serialize(tree)
        expected = self.expected(html, structured=not strip, printed=None if drop_date else printed)
        if drop_date:
            expected.pop("published_at", None)
            expected["unprinted_date"] = ExpectedDate(golden.published.date())
        return Variant(golden, kind, html, expected, furniture)

    def add_chrome(self, tree, title_el, rng: random.Random) -> tuple[str, ...]:
        chrome = Chrome(self.golden, self.others, rng, self.today)
        body = tree.body
        body.insert(0, fragment(chrome.header()))
        # After the article: the first ancestor of the title that holds the whole text, out of tables.
        container = title_el
        paragraphs = self.golden.paragraphs
        for ancestor in title_el.iterancestors(None):
            container = ancestor
            if ancestor.tag in {"body"} or (paragraphs and paragraphs[0][:40] in text_of(ancestor)):
                break
        while container.getparent() is not None and container.getparent().tag in LAYOUT_TAGS - {"body", "html"}:
            container = container.getparent()
        blocks = [chrome.related(), chrome.comments(), chrome.sidebar()]
        if container.tag == "body":
            for block in blocks:
                body.append(fragment(block))
        else:
            for block in reversed(blocks):
                container.addnext(fragment(block))
        body.append(fragment(chrome.footer()))
        return tuple(chrome.texts)

    def expected(self, html: str, structured: bool, printed: ExpectedDate | None, url: str = "") -> dict[str, Any]:
        """The fields a variant (at `url`, else the golden URL) prints, with their values; `printed`
        is what its date line says."""
        golden, item = self.golden, self.golden.item
        tree = parse(html)
        expected: dict[str, Any] = {"title": item["title"], "body": golden.paragraphs}
        if prints_code(html, url or golden.url, golden.code, golden.spider):
            expected["news_code"] = golden.code
        provenance = item["provenance"].get("published_at")
        if structured and provenance in {"jsonld", "meta"}:
            expected["published_at"] = golden.machine_date()
        elif printed:
            expected["published_at"] = printed
        elif provenance == "text":
            expected["published_at"] = ExpectedDate(golden.published.date())
        tags_from_data = item["provenance"].get("tags") in {"jsonld", "meta"}
        if item["tags"] and ((structured and tags_from_data) or prints_tags(tree, item["tags"])):
            expected["tags"] = item["tags"]
        if item["view_count"] is not None:
            expected["view_count"] = item["view_count"]
        return expected


def corpus(goldens: list[Golden] | None = None, today: date | None = None) -> list[Variant]:
    """Every variant of every golden page."""
    goldens = goldens if goldens is not None else load_goldens()
    today = today or tehran_today()
    titles = [golden.item["title"] for golden in goldens]
    return [variant for golden in goldens for variant in Page(golden, titles, today).variants()]
