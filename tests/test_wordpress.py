"""The WordPress sources page by page: date traps, the news-code rule, fallbacks and their count."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.dates import TEHRAN
from crawler.fetch.mirror_server import DEFAULT_ROOT
from crawler.stats import DISCOVERY_FEED_EMPTY, EXTRACTION_FALLBACK_ITEMS, extraction_step
from tests.golden import GOLDEN_ROOT, mirror_response, parse_items, spider_for
from tests.support.served import SOURCES as ALL_SOURCES
from tests.support.served import WORDPRESS_HOSTS

SOURCES = WORDPRESS_HOSTS


def golden(source: str, code: str) -> dict:
    return json.loads((GOLDEN_ROOT / source / f"{code}.json").read_text())


def page(source: str, code: str) -> tuple[str, str]:
    """A fixture article's URL and its HTML."""
    url = golden(source, code)["url"]
    return url, mirror_response(url).text


def parse(url: str, html: str):
    (item,) = parse_items(url, html.encode())
    return item


def article_pages(host: str) -> set[str]:
    """The article pages of a mini-site: every «<slug>/index.html» (listings live under «page/»)."""
    return {path.parent.name for path in (DEFAULT_ROOT / host).glob("*/index.html")} - {"page", "feed"}


SEED_OPENINGS = {  # the body's opening words on the page built from each source's seed text
    "semnan": "به گزارش مدیریت ارتباطات وامور بین الملل شهرداری سمنان، معاون خدمات شهری",
    "omidjonoob": "به گزارش پایگاه خبری امید جنوب ، امیر آهنجان",
    "rasht": "شهردار رشت در جلسه شورای اداری شهرداری ضمن تاکید",
}


@pytest.mark.parametrize("source", SOURCES)
def test_every_article_page_has_a_golden_file(source):
    goldens = [json.loads(path.read_text()) for path in (GOLDEN_ROOT / source).glob("*.json")]
    recorded = {unquote(entry["url"]).split("/")[3] for entry in goldens}
    assert recorded == article_pages(SOURCES[source])
    assert len(recorded) >= 4
    assert any(entry["item"]["body"].startswith(SEED_OPENINGS[source]) for entry in goldens)


def test_omidjonoob_never_takes_the_headers_date_of_today():
    url, html = page("omidjonoob", "14491")
    assert "تاریخ : شنبه, ۱ اردیبهشت , ۱۴۰۳" in html  # today, in three calendars, on every page
    item = parse(url, html)
    assert item.published_at == datetime(2022, 10, 13, 10, 37, tzinfo=TEHRAN)
    assert item.published_jalali == "1401-07-21"

    # Should the theme stop printing the article's date, no date beats the header's.
    undated = parse(url, re.sub(r'<li class="news-date">.*?</li>', "", html))
    assert undated.published_at is None and "published_at" not in undated.provenance


def test_rasht_takes_the_first_date_of_the_articles_own_text():
    url, html = page("rasht", "23817")
    assert "امروز سه شنبه ۱۰ اسفند ۱۴۰۰" in html and "datetime=" not in html
    assert '<span class="post-date">۹ اسفند ۱۴۰۰</span>' in html  # a sidebar date, not the article's
    item = parse(url, html)
    assert (item.published_at, item.published_jalali) == (datetime(2022, 3, 1, tzinfo=TEHRAN), "1400-12-10")
    assert item.provenance["published_at"] == "text"


def test_rasht_ignores_a_comments_machine_date():
    url, html = page("rasht", "23905")
    assert '<time datetime="2022-03-06T10:20:00+03:30">' in html  # a reader's comment, outside the article
    item = parse(url, html)
    assert item.published_jalali == "1400-12-14" and item.provenance["published_at"] == "text"


def test_a_theme_the_selectors_do_not_know_falls_back_and_is_counted():
    url, html = page("semnan", "9512")  # a post on an Elementor template, not Sahifa's markup
    # Elementor's post-content widget is in the WordPress family's selectors; a builder they do not know:
    html = html.replace("elementor-widget-theme-post-content", "builder-block-content")
    spider = spider_for(url)
    (item,) = spider.parse_article(HtmlResponse(url=url, body=html.encode()))
    stats = spider.crawler.stats
    assert item.provenance["body"] == "fallback"
    assert stats.get_value(EXTRACTION_FALLBACK_ITEMS) == 1
    assert stats.get_value(extraction_step("body", "fallback")) == 1
    assert "\u200c" in item.body  # main-text extraction keeps Persian spelling
    assert "تلگرام" not in item.body and "دیدگاهتان را بنویسید" not in item.body


def test_an_elementor_page_is_read_by_the_familys_selectors():
    url, html = page("semnan", "9512")
    spider = spider_for(url)
    (item,) = spider.parse_article(HtmlResponse(url=url, body=html.encode()))
    assert item.provenance["body"] == "selector" and not spider.crawler.stats.get_value("extraction/fallback_items")


# Where WordPress puts the post id, and how to take each away.
POST_ID_PLACES = {
    "shortlink": (r"<link rel='shortlink'[^>]*>", ""),
    "body class": (r"\bpostid-\d+", ""),
    "article id": (r'<article id="post-\d+"', "<article"),
    "comment form": (r"<input type='hidden' name='comment_post_ID'[^>]*>", ""),
    "REST link": (r'<link rel="alternate" type="application/json"[^>]*>', ""),
}


@pytest.mark.parametrize("place", POST_ID_PLACES)
def test_the_post_id_is_the_news_code_from_any_of_its_places(place):
    url, html = page("omidjonoob", "15208")
    html = re.sub(r'<li class="news-code">.*?</li>', "", html)  # no printed «کد خبر» either
    for other, (pattern, replacement) in POST_ID_PLACES.items():
        assert re.search(pattern, html), other
        if other != place:
            html = re.sub(pattern, replacement, html)
    item = parse(url, html)
    assert (item.news_code, item.provenance["news_code"]) == ("15208", "meta")


def test_the_printed_news_code_comes_before_the_post_id():
    url, html = page("omidjonoob", "15208")
    assert "کد خبر : ۱۵۲۰۸" in html and "?p=15208" in html
    assert parse(url, html).provenance["news_code"] == "selector"


def test_without_any_post_id_the_url_hash_is_the_logged_last_resort():
    url, html = page("rasht", "24302")  # the theme leaves only the article id and the comment form
    html = re.sub(r"<input type='hidden' name='comment_post_ID'[^>]*>", "", html)
    item = parse(url, html.replace('id="post-24302"', 'id="main-post"'))
    assert item.news_code.startswith("h") and item.provenance["news_code"] == "url_hash"


def test_the_body_leaves_out_kicker_title_short_link_tags_comments_and_share_bars():
    for source in SOURCES:
        for path in (GOLDEN_ROOT / source).glob("*.json"):
            item = json.loads(path.read_text())["item"]
            lines = item["body"].split("\n")
            assert item["title"] not in lines and all(line.rstrip(" :") != item["kicker"] for line in lines)
            for furniture in (
                "لینک کوتاه",
                "برچسب",
                "ثبت دیدگاه",
                "دیدگاهتان",
                "اشتراک گذاری",
                "تلگرام",
                "مطالب مرتبط",
                "اخبار مرتبط",
                "?p=",
            ):
                assert furniture not in item["body"], (path, furniture)


def test_feed_and_sitemap_links_are_the_listings_own():
    # A post reached through the listing and again through the feed or a sitemap is one request.
    for source, host in SOURCES.items():
        spider = spider_for(f"https://{host}/")
        listed = {golden(source, path.stem)["url"] for path in (GOLDEN_ROOT / source).glob("*.json")}
        feed = (DEFAULT_ROOT / host / "feed" / "index.html").read_text()
        feed_links = set(re.findall(r"<link>(https://[^<]+/)</link>", feed))
        sitemap_links = {
            loc
            for path in (DEFAULT_ROOT / host).glob("*post*.xml")
            for loc in re.findall(r"<loc>([^<]+)</loc>", path.read_text())
        }
        assert feed_links and feed_links < listed and sitemap_links == listed
        assert all(map(spider.is_article_url, feed_links | sitemap_links))


def test_article_urls_are_percent_encoded_slugs_or_shortlinks():
    spider = spider_for("https://omidjonob.ir/")
    slug = "https://omidjonob.ir/" + quote("پل-هفتم-اهواز") + "/"
    assert spider.is_article_url(slug) and spider.is_article_url("https://omidjonob.ir/?p=14491")
    for other in (
        "https://omidjonob.ir/page/2/",
        "https://omidjonob.ir/category/shahri/",
        "https://omidjonob.ir/feed/",
        "https://omidjonob.ir/wp-sitemap.xml",
        "https://omidjonob.ir/robots.txt",
        "https://example.com/" + quote("پل-هفتم-اهواز") + "/",
    ):
        assert not spider.is_article_url(other), other


@pytest.mark.parametrize("source", ALL_SOURCES)
def test_a_spider_is_a_short_description_of_its_site(source):
    module = Path(__file__).resolve().parent.parent / "spiders" / f"{source}.py"
    text = module.read_text()
    assert len(text.splitlines()) < 40
    assert text.startswith('"""') and "News code:" in text


def test_a_feed_with_a_stray_ampersand_keeps_its_items_and_a_page_that_is_no_feed_is_reported():
    spider = spider_for("https://rasht.ir/")
    feed = (
        (DEFAULT_ROOT / "rasht.ir" / "feed" / "index.html")
        .read_bytes()
        .replace("<title>شهرداری رشت</title>".encode(), "<title>شهرداری رشت & شورا</title>".encode())
    )
    requests = list(spider.parse_feed(HtmlResponse(url="https://rasht.ir/feed/", body=feed)))
    assert len(requests) == 4 and all(request.callback == spider.parse_article for request in requests)

    closed = HtmlResponse(
        url="https://rasht.ir/feed/", body="<html><body><p>خوراک غیرفعال است</p></body></html>".encode()
    )
    assert list(spider.parse_feed(closed)) == []
    assert spider.crawler.stats.get_value(DISCOVERY_FEED_EMPTY) == 1
