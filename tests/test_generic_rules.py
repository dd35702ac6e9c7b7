"""The generic rules of the extraction chain on a theme no selector knows: the date finder, the view
count, tags, the news code's label, layered selectors and the usual steps of a source."""

from __future__ import annotations

from dataclasses import replace

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.article import ArticlePage
from crawler.sources.families import WORDPRESS
from spiders.omidjonoob import OmidJonoobSpider
from spiders.rasht import RashtSpider
from tests.golden import spider_for

URL = "https://omidjonob.ir/%d9%be%d9%84-%d9%87%d9%81%d8%aa%d9%85/"
TITLE = "پل هفتم اهواز از امشب تا صبح بسته است"
TEXT = (
    "امید جنوب- به دلیل عملیات تعمیر درز انبساط، تردد خودروها از ساعت ۲۳ امشب تا ۶ صبح فردا از پل هفتم "
    "ممنوع است و رانندگان باید از پل‌های دیگر استفاده کنند."
)


def page(meta: str = "", above: str = "", after_text: str = "", side: str = "") -> bytes:
    """An article in a theme none of our selectors know: random class names, no structured data, the
    post id only in the shortlink."""
    return f"""<!DOCTYPE html><html lang="fa"><head><meta charset="utf-8"><title>{TITLE} – امید جنوب</title>
<link rel='shortlink' href='https://omidjonob.ir/?p=16002' /></head>
<body><header><div class="q1">تاریخ : شنبه, ۱ اردیبهشت , ۱۴۰۳ <span>12 شوال 1445</span> Saturday, 20 April , 2024</div>
<nav><a href="https://omidjonob.ir/">صفحه اصلی</a></nav></header>
<div class="q2"><div class="q3">{above}<h1 class="q4">{TITLE}</h1><div class="q5">{meta}</div></div>
<div class="q6"><p>{TEXT}</p><p>وی افزود: این محدودیت تا پایان هفته آینده هر شب تکرار می‌شود و پلیس راهور در محل حضور دارد.</p>
{after_text}</div></div>
<div class="q7"><h3>اخبار مرتبط</h3><ul><li><a href="https://omidjonob.ir/%d8%a2%d8%b3%d9%81%d8%a7%d9%84%d8%aa/">عملیات آسفالت ۱۲ معبر در منطقه ۴ اهواز آغاز شد</a> <span>۳ آبان ۱۴۰۱ - ۰۹:۱۵</span></li></ul></div>
{side}<footer><p>کلیه حقوق محفوظ است. ۱۴۰۳</p></footer></body></html>""".encode()


def read(body: bytes, url: str = URL):
    spider = spider_for(url)
    (item,) = spider.parse_article(HtmlResponse(url=url, body=body))
    return item, spider.crawler.stats


@pytest.mark.parametrize(
    ("printed", "above", "day", "clock", "evidence"),
    [
        ("۱۲ مهر ۱۴۰۱", False, "1401-07-12", "00:00", "near_title"),
        ("۳ آذر ۱۴۰۲ - ۱۱:۴۰", False, "1402-09-03", "11:40", "near_title"),
        ("تاریخ انتشار : شنبه ۱۸ آذر ۱۴۰۲ - ۰۸:۲۵", False, "1402-09-18", "08:25", "label"),
        ("تاریخ: ۱۴۰۰-۱۱-۰۳", False, "1400-11-03", "00:00", "label"),
        ("۱۴۰۱/۰۲/۱۷", True, "1401-02-17", "00:00", "near_title"),
        ("<span>منتشر شده:</span> <span>١٧/٠٢/١٤٠١</span>", False, "1401-02-17", "00:00", "label"),
        ("21 مهر 1401 - 10:37", False, "1401-07-21", "10:37", "near_title"),
    ],
)
def test_the_date_printed_next_to_the_title_in_any_form(printed, above, day, clock, evidence):
    item, _ = read(page(meta="" if above else printed, above=f"<div>{printed}</div>" if above else ""))
    assert (item.published_jalali, item.published_at.strftime("%H:%M")) == (day, clock)
    assert item.provenance["published_at"] == evidence


def test_never_the_headers_today_a_related_posts_date_or_a_sidebars():
    side = '<aside><ul><li><a href="https://omidjonob.ir/x/">نشست شورای شهر اهواز با حضور شهردار</a> ۲۰ مهر ۱۴۰۱</li></ul></aside>'
    item, _ = read(page(side=side))
    assert item.published_at is None and "published_at" not in item.provenance


def test_head_dates_that_disagree_give_no_date_and_no_text_date_either():
    item, _ = read(
        page(
            meta="۱۲ مهر ۱۴۰۱ <span>۱۴ مهر ۱۴۰۱</span>",
            after_text="<p>امروز سه شنبه ۱۰ اسفند ۱۴۰۰ این طرح آغاز شد و تا پایان هفته ادامه دارد.</p>",
        )
    )
    assert item.published_at is None


def test_the_label_decides_between_published_and_updated():
    item, _ = read(page(meta="تاریخ انتشار: ۱۲ مهر ۱۴۰۱ | بروزرسانی: ۱۴ مهر ۱۴۰۱"))
    assert item.published_jalali == "1401-07-12" and item.provenance["published_at"] == "label"


def test_an_event_date_in_the_text_is_not_the_articles_but_today_is():
    event = "<p>این طرح از شنبه ۱۱ دی ۱۴۰۱ آغاز شد و شهروندان می‌توانند تا پایان ماه ثبت نام کنند.</p>"
    item, _ = read(page(after_text=event))
    assert item.published_at is None
    today = "<p>شهردار اهواز امروز سه شنبه ۱۰ اسفند ۱۴۰۰ در جلسه شورای اداری شهرداری این خبر را اعلام کرد.</p>"
    item, _ = read(page(after_text=today))
    assert item.published_jalali == "1400-12-10" and item.provenance["published_at"] == "text"


@pytest.mark.parametrize(
    ("printed", "count"),
    [
        ("۹۸۷ بازديد", 987),
        ("12,480 بازدید", 12480),
        ("بازدید: ۵۱", 51),
        ("تعداد بازدید : ۷۷", 77),
        ('<span title="بازدید">٣٤٢</span>', 342),
    ],
)
def test_the_view_count_next_to_its_label_in_any_digits(printed, count):
    item, _ = read(page(meta=f"۱۲ مهر ۱۴۰۱ <span>{printed}</span>"))
    assert item.view_count == count and item.provenance["view_count"] == "fallback"
    assert str(count) not in item.body


def test_a_most_viewed_lists_counts_are_not_the_articles():
    side = '<aside><ul><li><a href="https://omidjonob.ir/x/">نشست شورای شهر اهواز</a> ۲۳۴ بازدید</li></ul></aside>'
    item, _ = read(page(side=side))
    assert item.view_count is None


def test_tags_from_rel_tag_or_from_a_labelled_block():
    item, _ = read(
        page(after_text='<div><a href="/tag/a/" rel="tag">پل هفتم</a><a href="/c/" rel="category tag">اهواز</a></div>')
    )
    assert item.tags == ["پل هفتم"]
    labelled = (
        '<ul><li><span>برچسب‌ها</span></li><li><a href="/t/1/">ترافیک</a></li><li><a href="/t/2/">پل</a></li></ul>'
    )
    item, _ = read(page(after_text=labelled))
    assert item.tags == ["ترافیک", "پل"] and "برچسب" not in item.body


@pytest.mark.parametrize("label", ["کد خبر : ۱۶۰۰۲", "شناسه خبر: 16002", "<span>کد مطلب</span> <b>16002</b>"])
def test_the_news_code_from_a_printed_label(label):
    item, _ = read(page(meta=f"۱۲ مهر ۱۴۰۱ <span>{label}</span>"))
    assert (item.news_code, item.provenance["news_code"]) == ("16002", "label")


def test_captions_and_a_galleys_counter_are_not_body_text():
    item, _ = read(page(after_text="<p>عکس: حمید نظری</p><p>نمای ۱ از ۴</p>"))
    assert item.body.split("\n") == [
        TEXT,
        "وی افزود: این محدودیت تا پایان هفته آینده هر شب تکرار می‌شود و پلیس راهور در محل حضور دارد.",
    ]


def test_a_resized_copy_of_an_image_is_the_same_image():
    images = "".join(
        f'<meta property="og:image" content="https://omidjonob.ir/u/{name}.jpg">'
        for name in ("reje-1", "reje-1-1024x683", "reje-2-1024x683")
    )
    item, _ = read(page().replace(b"</head>", images.encode() + b"</head>"))
    assert item.images == ["https://omidjonob.ir/u/reje-1.jpg", "https://omidjonob.ir/u/reje-2-1024x683.jpg"]


def test_a_sites_selectors_go_first_and_never_hide_its_familys():
    assert OmidJonoobSpider.selector_layers("tags") == (OmidJonoobSpider.selectors["tags"], WORDPRESS.selectors["tags"])
    assert RashtSpider.selector_layers("body") == (WORDPRESS.selectors["body"],)
    # The site's tag selector misses; WordPress's `a[rel=tag]` inside the article does not.
    html = page(after_text='<a href="/tag/a/" rel="tag">پل هفتم</a>').replace(
        b'<div class="q2">', b'<article class="post">'
    )
    html = html.replace(b'<div class="q7">', b'</article><div class="q7">', 1)
    item, _ = read(html)
    assert (item.tags, item.provenance["tags"]) == (["پل هفتم"], "selector")


def test_a_usual_step_is_not_counted_as_a_fallback_but_drift_is():
    rasht = spider_for("https://rasht.ir/x/")
    assert not rasht.is_fallback("published_at", "text") and rasht.is_fallback("published_at", "near_title")
    assert rasht.is_fallback("body", "fallback") and not rasht.is_fallback("body", "selector")
    assert spider_for(URL).is_fallback("published_at", "text")


def test_images_are_only_http_urls_of_the_sites_hosts_or_an_image_cdn():
    images = "".join(
        f'<meta property="og:image" content="{url}">'
        for url in (
            "javascript:alert(3)",
            "https://tracker.example.com/pixel.jpg",
            "ftp://omidjonob.ir/u/a.jpg",
            "https://omidjonob.ir/u/a.jpg",
            "https://cdn.omidjonob.ir/u/b.jpg",
            "https://i0.wp.com/omidjonob.ir/u/c.jpg",
        )
    )
    item, _ = read(page().replace(b"</head>", images.encode() + b"</head>"))
    assert item.images == [
        "https://omidjonob.ir/u/a.jpg",
        "https://cdn.omidjonob.ir/u/b.jpg",
        "https://i0.wp.com/omidjonob.ir/u/c.jpg",
    ]


def test_of_thumbnails_only_the_full_image_they_link_to_or_the_largest_is_kept():
    gallery = (
        '<div class="gallery"><a href="https://omidjonob.ir/u/reje-1.jpg">'
        '<img src="https://omidjonob.ir/u/reje-1-150x150.jpg"></a>'
        '<img src="https://omidjonob.ir/u/reje-2-150x150.jpg"><img src="https://omidjonob.ir/u/reje-2-300x200.jpg">'
        '<img src="javascript:alert(3)"></div>'
    )
    described = OmidJonoobSpider.describe()
    site = replace(described, selectors={**described.selectors, "images": (".gallery img",)})
    item = ArticlePage(site, HtmlResponse(url=URL, body=page(after_text=gallery))).item()
    assert item.images == ["https://omidjonob.ir/u/reje-1.jpg", "https://omidjonob.ir/u/reje-2-300x200.jpg"]


@pytest.mark.parametrize(
    "caption",
    [
        "<figure><img src='https://omidjonob.ir/u/a.jpg'><figcaption>نمای ۱ از بوستان</figcaption></figure>",
        "<p>نمای ۲ از بوستان جنگلی چیتگر</p>",
    ],
)
def test_a_photo_reports_captions_are_not_body_text(caption):
    item, _ = read(page(after_text=caption))
    assert "نمای" not in item.body


@pytest.mark.parametrize(
    "author",
    [
        '{"@type": "Organization", "name": "همشهری آنلاین"}',
        '"همشهری آنلاین"',
        '[{"@type": "NewsMediaOrganization", "name": "خبرگزاری"}]',
    ],
)
def test_an_outlet_is_not_an_author(author):
    url = "https://www.hamshahrionline.ir/news/962182/x"
    jsonld = (
        f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{TITLE}", '
        f'"author": {author}, "publisher": {{"@type": "Organization", "name": "خبرگزاری"}}}}</script>'
    )
    item, _ = read(page().replace(b"</head>", jsonld.encode() + b"</head>"), url)
    assert item.authors == []
    person = jsonld.replace(author, '[{"@type": "Person", "name": "مریم احمدی"}, ' + author.strip("[]") + "]")
    item, _ = read(page().replace(b"</head>", person.encode() + b"</head>"), url)
    assert item.authors == ["مریم احمدی"]


def test_a_url_is_stored_in_one_canonical_form_whatever_case_the_site_escapes_it_in():
    lower = "https://omidjonob.ir/%d9%be%d9%84-%d9%87%d9%81%d8%aa%d9%85/?a=%d9%be"
    upper = "https://OMIDJONOB.ir/%D9%BE%D9%84-%D9%87%D9%81%D8%AA%D9%85/?a=%D9%BE"
    shortlink = b"<link rel='shortlink' href='https://omidjonob.ir/?p=16002' />"
    unshortlinked = page(meta="۱۲ مهر ۱۴۰۱").replace(shortlink, b"")
    items = [read(unshortlinked, url)[0] for url in (lower, upper, "https://omidjonob.ir/پل-هفتم/?a=پ")]
    assert {item.url for item in items} == {upper.replace("OMIDJONOB", "omidjonob")}
    assert len({item.news_code for item in items}) == 1  # a code hashed from the URL: one article, not three


def test_a_site_whose_text_dates_are_usual_but_not_its_own_still_needs_evidence():
    """imo declares its text dates usual (items whose date field is empty), not its first text date its own."""
    event = "<p>جلسه بعدی در ۲۰ آبان ۱۴۰۱ برگزار می‌شود و همه دعوت هستند.</p>"
    described = OmidJonoobSpider.describe()
    usual = replace(described, usual_steps={"published_at": ("text",)})
    assert ArticlePage(usual, HtmlResponse(url=URL, body=page(after_text=event))).item().published_at is None
    own = replace(usual, own_text_dates=True)
    assert ArticlePage(own, HtmlResponse(url=URL, body=page(after_text=event))).item().published_jalali == "1401-08-20"
    assert not spider_for("https://imo.org.ir/RContent/NKXL-x.aspx").is_fallback("published_at", "text")
