"""The extraction chain on pages no source's selectors fit: the generic fallback, counted."""

import re

from scrapy.http import HtmlResponse

from crawler.extract.article import ArticlePage
from crawler.extract.site import Site
from crawler.stats import EXTRACTION_FALLBACK_ITEMS
from tests.golden import parse_items, spider_for

ZWNJ = "\u200c"
URL = "https://www.hamshahrionline.ir/news/999001/redesign"
PARAGRAPHS = [
    f"همشهری آنلاین: شهرداری تهران از آغاز طرح تازه{ZWNJ}ای برای نوسازی پیاده{ZWNJ}روهای مرکز شهر خبر داد.",
    f"نظرات کارشناسان درباره این طرح متفاوت است و برخی آن را پرهزینه می{ZWNJ}دانند.",
    "به گفته معاون شهردار، اجرای این طرح تا پایان سال ادامه خواهد داشت و هزینه آن از محل اعتبارات عمرانی تامین می‌شود.",
]
REDESIGNED_PAGE = f"""<!DOCTYPE html><html lang="fa"><head><meta charset="utf-8">
<title>نوسازی پیاده‌روها - همشهری آنلاین</title>
<meta property="og:type" content="article"></head>
<body><nav><a href="/">صفحه اصلی</a></nav>
<div class="story"><h1 class="headline">نوسازی پیاده‌روهای مرکز شهر</h1>
<span class="when">۱۸ تیر ۱۴۰۴ - ۰۹:۱۵</span>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<p>کد خبر ۹۹۹۰۰۱</p></div>
<footer>تمامی حقوق محفوظ است</footer></body></html>""".encode()


def test_redesigned_page_is_read_by_the_fallbacks_and_they_are_counted():
    spider = spider_for(URL)
    (item,) = spider.parse_article(HtmlResponse(url=URL, body=REDESIGNED_PAGE))
    assert item.title == "نوسازی پیاده‌روهای مرکز شهر"
    assert item.body.split("\n") == PARAGRAPHS  # ZWNJ kept; «نظرات …» is text, «کد خبر» is furniture
    assert item.provenance["body"] == "fallback" and item.provenance["title"] == "fallback"
    assert item.news_code == "999001"
    # The date printed between the title and the text is the date, with its time; it is not part of the body.
    assert item.published_at.isoformat() == "2025-07-09T09:15:00+03:30"
    assert item.provenance["published_at"] == "near_title"
    assert spider.crawler.stats.get_value(EXTRACTION_FALLBACK_ITEMS) == 1


def test_listing_where_an_article_was_expected_is_not_an_article():
    url = "https://www.hamshahrionline.ir/archive?pi=2"
    assert parse_items(url) == []


def test_a_date_in_the_prose_is_an_events_not_the_articles():
    page = REDESIGNED_PAGE.replace('<span class="when">۱۸ تیر ۱۴۰۴ - ۰۹:۱۵</span>'.encode(), b"").replace(
        "<p>کد خبر".encode(), "<p>این طرح از ۱۸ تیر ۱۴۰۴ ساعت ۰۹:۱۵ آغاز شد.</p><p>کد خبر".encode()
    )
    (item,) = spider_for(URL).parse_article(HtmlResponse(url=URL, body=page))
    assert item.published_at is None and "published_at" not in item.provenance


def test_a_date_the_text_calls_today_is_taken_date_only():
    page = REDESIGNED_PAGE.replace('<span class="when">۱۸ تیر ۱۴۰۴ - ۰۹:۱۵</span>'.encode(), b"").replace(
        "<p>کد خبر".encode(), "<p>این طرح امروز چهارشنبه ۱۸ تیر ۱۴۰۴ ساعت ۰۹:۱۵ آغاز شد.</p><p>کد خبر".encode()
    )
    (item,) = spider_for(URL).parse_article(HtmlResponse(url=URL, body=page))
    assert item.published_at.isoformat() == "2025-07-09T00:00:00+03:30"
    assert item.provenance["published_at"] == "text"


def test_the_page_reader_needs_only_a_site_description_not_a_spider():
    """A Site built by hand reads the page as the source's spider does: the reader knows no spider."""
    site = Site(
        name="hamshahri",
        site_name="همشهری آنلاین",
        hosts=frozenset({"hamshahrionline.ir"}),
        article_url=re.compile(r"^https?://(www\.)?hamshahrionline\.ir/news/(?P<code>\d+)(/|$)"),
    )
    page = ArticlePage(site, HtmlResponse(url=URL, body=REDESIGNED_PAGE))
    (expected,) = spider_for(URL).parse_article(HtmlResponse(url=URL, body=REDESIGNED_PAGE))
    item = page.item()
    assert (item.news_code, item.title, item.body, item.published_at) == (
        expected.news_code,
        expected.title,
        expected.body,
        expected.published_at,
    )
    assert item.provenance["news_code"] == "url"  # the Site's rule: the «code» group of its article URLs
