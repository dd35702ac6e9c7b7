"""Theme transplants: a golden article re-rendered into the page of a theme Iranian news sites use.

Each theme prints the article's parts (kicker, title, lead, date line, views, code, body, tags) where
that theme does, in its markup, inside a page with a header printing today, menus, a sidebar and
related posts with other dates and titles, comments and a footer. The markup follows what public
scrapers of Iranian sites select (see /work/shared/SITES.md): TieLabs Sahifa and Jannah, tagDiv
Newspaper, JNews, a Persian market theme («تاریخ انتشار : … / کد خبر : …»), Nastooh, and an ASP.NET
Sigma-style portal. No transplant carries JSON-LD or OpenGraph; WordPress themes carry the post id
where WordPress core puts it (body class, article id) when the source is a WordPress site.
"""

from __future__ import annotations

import html as html_escape
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.accuracy.variants import Chrome, DateFormat, ExpectedDate, Golden, Variant, in_digits, persian
from crawler.sources.families import WORDPRESS

CAPTION = "عکس: {}"
CODE_LABELS = ("کد خبر", "شناسه خبر", "کد مطلب")
PHOTOGRAPHERS = ("علی رضایی", "مریم احمدی", "حسین کریمی")


def esc(text: str) -> str:
    return html_escape.escape(text, quote=True)


@dataclass
class Story:
    """What a theme prints of one golden article, and the chrome around it."""

    golden: Golden
    chrome: Chrome
    rng: random.Random
    url: str = ""  # where the theme serves the page
    printed: ExpectedDate | None = None  # what its date line says

    @property
    def item(self) -> dict:
        return self.golden.item

    @property
    def title(self) -> str:
        return esc(self.item["title"])

    @property
    def site(self) -> str:
        return esc(self.golden.spider.site_name)

    @property
    def host(self) -> str:
        return urlsplit(self.golden.url).netloc

    @property
    def wordpress_id(self) -> str:
        """The post id a WordPress theme writes into classes and ids, for a WordPress source."""
        wordpress = self.golden.spider.family is WORDPRESS and self.golden.code.isdigit()
        return self.golden.code if wordpress else ""

    def date(self, fmt: DateFormat) -> str:
        """The article's date line in `fmt`, remembered as what the page prints."""
        self.printed = fmt.expected(self.golden.published)
        return fmt.render(self.golden.published)

    def digits(self) -> str:
        return self.rng.choice(("persian", "persian", "arabic", "latin"))

    def clock(self, index: int) -> int | None:
        return index if self.golden.has_time else None

    def views(self, template: str, digits: str = "persian", separator: bool = False) -> str:
        count = self.item["view_count"]
        if count is None:
            return ""
        number = f"{count:,}" if separator else str(count)
        return template.format(esc(in_digits(number, digits)))

    def kicker(self, template: str) -> str:
        return template.format(esc(self.item["kicker"])) if self.item["kicker"] else ""

    def lead(self, template: str) -> str:
        return template.format(esc(self.item["lead"])) if self.item["lead"] else ""

    def paragraphs(self, caption: bool = True, gallery: bool = False) -> str:
        """The body's paragraphs, with a captioned photo (a resized copy) after the first one, and a
        gallery's slide counter («نمای ۱ از ۴») after the last."""
        paragraphs = [f"<p>{esc(p)}</p>" for p in self.golden.paragraphs]
        if caption:
            credit = self.chrome.say(CAPTION.format(self.rng.choice(PHOTOGRAPHERS)))
            image = f"https://{self.host}/wp-content/uploads/photo-1024x683.jpg"
            photo = (
                f'<figure class="wp-caption aligncenter"><img src="{image}" width="1024" height="683" alt="">'
                f'<figcaption class="wp-caption-text">{credit}</figcaption></figure>'
            )
            paragraphs.insert(1, photo)
        if gallery:
            slides = "".join(
                f'<figure class="gallery-item"><img src="https://{self.host}/wp-content/uploads/'
                f'slide-{n}-300x200.jpg" alt="">'
                f"<figcaption>{self.chrome.say(f'نمای {persian(str(n))} از ۴')}</figcaption></figure>"
                for n in range(1, 5)
            )
            paragraphs.append(f'<div class="gallery">{slides}</div>')
        return "\n".join(paragraphs)

    def tags(self, item: str, before: str = "", after: str = "") -> str:
        """The tag links, each as `item`, between `before` and `after`; nothing when there are none."""
        tags = self.item["tags"]
        if not tags:
            return ""
        links = "".join(item.format(href=f"https://{self.host}/tag/{esc(tag)}/", tag=esc(tag)) for tag in tags)
        return f"{before}{links}{after}"

    def shortlink(self) -> str:
        link = self.chrome.say(f"لینک کوتاه : https://{self.host}/?p={self.golden.code}")
        return f'<div class="short-link">{esc(link)}</div>'

    def share(self) -> str:
        return (
            f'<div class="share-post"><span>{self.chrome.say("اشتراک گذاری")}</span><ul><li><a href="#">تلگرام</a>'
            '</li><li><a href="#">واتس اپ</a></li></ul></div>'
        )


def document(story: Story, title: str, body_class: str, content: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html dir="rtl" lang="fa-IR"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="canonical" href="{esc(story.url)}"></head>\n<body class="{body_class}">\n{content}\n'
        "</body></html>"
    )


def wordpress_classes(story: Story) -> tuple[str, str]:
    """WordPress core's body_class() and post_class(), with the post id when the source is WordPress."""
    post = story.wordpress_id
    if not post:
        return "rtl single single-post", "post type-post status-publish"
    return f"rtl single single-post postid-{post} single-format-standard", f"post-{post} post type-post status-publish"


def comments_form(story: Story) -> str:
    post = story.wordpress_id
    hidden = f"<input type='hidden' name='comment_post_ID' value='{post}' id='comment_post_ID' />" if post else ""
    return (
        f'<div id="respond"><h3>{story.chrome.say("ارسال نظر")}</h3>'
        '<form method="post" action="/wp-comments-post.php"><textarea name="comment"></textarea>'
        f"{hidden}</form></div>"
    )


# -- the themes --------------------------------------------------------------------------------------


def sahifa(story: Story) -> tuple[str, bool]:
    c = story.chrome
    date = story.date(DateFormat(story.digits()))
    views = story.views('<span class="post-views"><i class="fa fa-eye"></i>{} بازدید</span>')
    body_class, post_class = wordpress_classes(story)
    content = f"""<div class="wrapper-outer"><div id="wrapper" class="boxed">{c.header()}
<div id="main-content" class="container"><div class="content">
<div id="crumbs"><a href="/">{c.say("خانه")}</a> / <a href="/category/news/">اخبار</a></div>
<article class="post-listing {post_class}" id="the-post">
<div class="post-inner">
{story.kicker('<span class="post-subtitle">{}</span>')}
<h1 class="name post-title entry-title"><span itemprop="name">{story.title}</span></h1>
<p class="post-meta"><span class="tie-date"><i class="fa fa-clock-o"></i>{esc(date)}</span>{views}</p>
<div class="clear"></div>
<div class="entry">
{story.lead('<p class="post-lead"><strong>{}</strong></p>')}
{story.paragraphs()}
{story.share()}
</div>
{story.tags('<a href="{href}" rel="tag">{tag}</a>', '<p class="post-tag">' + c.say("برچسب ها :"), "</p>")}
{story.shortlink()}
</div></article>
{c.related()}
<div id="comments">{c.comments()}{comments_form(story)}</div>
</div>{c.sidebar()}</div>{c.footer()}</div></div>"""
    return document(story, f"{story.title} - {story.site}", body_class, content), bool(views)


def jannah(story: Story) -> tuple[str, bool]:
    c = story.chrome
    date = story.date(DateFormat(story.digits()))
    views = story.views(
        '<span class="meta-views meta-item"><span class="tie-icon-fire"></span> {} بازديد</span>', digits="persian"
    )
    body_class, post_class = wordpress_classes(story)
    tags = story.tags(
        '<a href="{href}" rel="tag">{tag}</a>',
        '<div class="post-bottom-meta post-bottom-tags"><div class="post-bottom-meta-title">'
        f'<span class="tie-icon-tags"></span> {c.say("برچسب‌ها")}</div><span class="tagcloud">',
        "</span></div>",
    )
    content = f"""<div class="background-overlay"><div id="tie-container" class="site tie-container">
<div id="tie-wrapper">
{c.header()}
<div id="content" class="site-content container"><div class="tie-row main-content-row">
<div class="main-content tie-col-md-8" role="main">
<article id="the-post" class="container-wrapper post-content tie-standard {post_class}">
<header class="entry-header-outer"><div class="entry-header">
{story.kicker('<h2 class="entry-sub-title">{}</h2>')}
<h1 class="post-title entry-title">{story.title}</h1>
<div id="single-post-meta" class="post-meta clearfix"><span class="author-meta single-author no-avatars">
<span class="meta-item meta-author-wrapper"><span class="meta-author">
<a href="/author/admin/">{c.say("تحریریه")}</a></span></span></span>
<span class="date meta-item tie-icon">{esc(date)}</span><div class="tie-alignright">{views}</div></div>
</div></header>
<div class="entry-content entry clearfix">
{story.lead('<p class="entry-lead">{}</p>')}
{story.paragraphs()}
</div>
{tags}
{story.share()}
</article>
{c.related()}
<div id="comments" class="comments-area">{c.comments()}{comments_form(story)}</div>
</div>
<aside class="sidebar tie-col-md-4">{c.sidebar()}</aside>
</div></div>{c.footer()}</div></div></div>"""
    return document(story, f"{story.title} - {story.site}", body_class, content), bool(views)


def newspaper(story: Story) -> tuple[str, bool]:
    c = story.chrome
    date = story.date(DateFormat(story.digits()))
    machine = story.golden.published.isoformat() if story.golden.has_time else story.golden.published.date().isoformat()
    views = story.views(
        '<div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views">{} بازدید</span></div>',
        digits="latin",
        separator=True,
    )
    tags = story.tags(
        '<li><a href="{href}">{tag}</a></li>',
        f'<ul class="td-tags td-post-small-box clearfix"><li><span>{c.say("برچسب‌ها")}</span></li>',
        "</ul>",
    )
    body_class, post_class = wordpress_classes(story)
    content = f"""<div id="td-outer-wrap" class="td-theme-wrap">{c.header()}
<div class="td-main-content-wrap td-container-wrap"><div class="td-container td-post-template-default">
<div class="td-crumb-container"><div class="entry-crumbs"><span><a href="/">{c.say("خانه")}</a></span>
<span><a href="/category/news/">اخبار</a></span></div></div>
<div class="td-pb-row"><div class="td-pb-span8 td-main-content" role="main"><div class="td-ss-main-content">
<article class="{post_class} format-standard">
<div class="td-post-header"><ul class="td-category"><li class="entry-category">
<a href="/category/news/">{c.say("اخبار شهری")}</a></li></ul>
<header class="td-post-title">
{story.kicker('<p class="td-post-sub-title">{}</p>')}
<h1 class="entry-title">{story.title}</h1>
<div class="td-module-meta-info"><div class="td-post-author-name"><div class="td-author-by">{c.say("توسط")}</div>
<a href="/author/editor/">{c.say("سردبیر")}</a></div>
<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="{machine}">{esc(date)}</time>
</span>
{views}</div></header></div>
<div class="td-post-content tagdiv-type">
{story.lead("<p><strong>{}</strong></p>")}
{story.paragraphs(gallery=True)}
</div>
<footer><div class="td-post-source-tags">{tags}</div>
{story.share()}</footer>
</article>
<div class="td_block_wrap td_block_related_posts">{c.related()}</div>
<div class="comments" id="comments">{c.comments()}{comments_form(story)}</div>
</div></div>
<div class="td-pb-span4 td-main-sidebar" role="complementary">{c.sidebar()}</div>
</div></div></div>{c.footer()}</div>"""
    return document(story, f"{story.title} | {story.site}", body_class, content), bool(views)


def jnews(story: Story) -> tuple[str, bool]:
    c = story.chrome
    date = story.date(DateFormat(story.digits(), "slash"))
    views = story.views('<div class="jeg_meta_views"><span>بازدید: {}</span></div>')
    tags = story.tags(
        '<a href="{href}" rel="tag">{tag}</a>',
        f'<div class="jeg_post_tags"><span>{c.say("برچسب ها:")}</span>',
        "</div>",
    )
    body_class, post_class = wordpress_classes(story)
    content = f"""<div class="jeg_viewport">{c.header()}
<div class="jeg_main"><div class="jeg_container"><div class="jeg_content jeg_singlepage"><div class="container">
<div class="row"><div class="jeg_main_content col-md-8">
<div class="jeg_inner_content {post_class}">
<div class="jeg_meta_date"><a href="#">{esc(date)}</a></div>
<div class="entry-header">
{story.kicker('<div class="jeg_post_category"><span>{}</span></div>')}
<h1 class="jeg_post_title">{story.title}</h1>
{story.lead('<h2 class="jeg_post_subtitle">{}</h2>')}
<div class="jeg_meta_container"><div class="jeg_post_meta jeg_post_meta_1">{views}</div></div>
</div>
<div class="jeg_share_top_container">{story.share()}</div>
<div class="entry-content no-share"><div class="content-inner">
{story.paragraphs()}
</div></div>
{tags}
</div>
<div class="jnews_related_post_container">{c.related()}</div>
<div class="jnews_comment_container">{c.comments()}{comments_form(story)}</div>
</div>
<div class="jeg_sidebar col-md-4">{c.sidebar()}</div>
</div></div></div></div></div>{c.footer()}</div>"""
    return document(story, f"{story.title} - {story.site}", body_class, content), bool(views)


def market(story: Story) -> tuple[str, bool]:
    """A Persian market news theme: «تاریخ انتشار : … / کد خبر : …» under the title."""
    c = story.chrome
    digits = story.digits()
    date = story.date(DateFormat(digits, "written", weekday=True, label="label", clock=story.clock(0)))
    code = f"{story.rng.choice(CODE_LABELS)} : {story.golden.code}"
    views = story.views('<span class="post-view">بازدید: {}</span>', digits=digits)
    tags = story.tags(
        '<a href="{href}" rel="tag">{tag}</a> ', f'<div class="tags"><span>{c.say("برچسب ها :")}</span> ', "</div>"
    )
    body_class, post_class = wordpress_classes(story)
    content = f"""<div class="site">{c.header()}
<div class="container"><div class="row"><div class="col-md-9 main">
<div class="singlepage {post_class}">
{story.kicker('<div class="rotitr">{}</div>')}
<h1 class="titlesingle"><a href="{esc(story.url)}">{story.title}</a></h1>
<div class="single-info"><span class="date-single">{esc(date)}</span> /
<span class="code-single">{esc(code)}</span>{views}</div>
{story.lead('<div class="lead">{}</div>')}
<div class="contentsingle">
{story.paragraphs()}
</div>
{tags}
{story.shortlink()}
</div>
{c.related()}
<div class="comments">{c.comments()}{comments_form(story)}</div>
</div><div class="col-md-3 sidebar">{c.sidebar()}</div></div></div>{c.footer()}</div>"""
    return document(story, f"{story.site} | {story.title}", body_class, content), bool(views)


def nastooh(story: Story) -> tuple[str, bool]:
    """Nastooh's news page: «.item-date span», «.item-code», itemprop=articleBody; no view count."""
    c = story.chrome
    digits = story.digits()
    date = story.date(DateFormat(digits, "written", weekday=True, clock=story.clock(story.rng.choice((0, 2)))))
    code = in_digits(f"کد خبر {story.golden.code}", digits)
    tags = story.tags(
        '<li><a href="{href}" rel="tag">{tag}</a></li>',
        f'<section class="tags"><div class="box-title">{c.say("برچسب‌ها")}</div><ul>',
        "</ul></section>",
    )
    content = f"""<div class="page">{c.header()}
<div class="container"><div class="row">
<main class="col-md-8 main-content">
<ol class="breadcrumb"><li><a href="/">{c.say("صفحه نخست")}</a></li><li><a href="/service/City">{c.say("شهری")}</a></li>
</ol>
<article class="news-item">
<div class="item-header">
{story.kicker('<p class="uptitle">{}</p>')}
<h1 class="title">{story.title}</h1>
<div class="item-nav row"><div class="item-date"><span>{esc(date)}</span></div></div>
{story.lead('<p class="introtext" itemprop="description">{}</p>')}
</div>
<div class="item-body"><div class="item-text" itemprop="articleBody">
{story.paragraphs(caption=False)}
</div></div>
<div class="item-footer"><div class="item-code"><span>{esc(c.say(code))}</span></div>
{tags}</div>
</article>
<section class="box related">{c.related()}</section>
<section class="box comments">{c.comments()}</section>
</main>
<aside class="col-md-4">{c.sidebar()}</aside>
</div></div>{c.footer()}</div>"""
    return document(story, story.title, "rtl", content), False


def sigma(story: Story) -> tuple[str, bool]:
    """An ASP.NET Sigma-style portal: a table layout whose «td.Content» wraps the whole template, the
    title in «…_lblTitle», the text in «span.Content», no <h1>."""
    c = story.chrome
    digits = story.digits()
    date = story.date(DateFormat(digits, "slash", clock=story.clock(0)))
    views = story.views('<span class="Visit">تعداد بازدید : {}</span>', digits=digits)
    # A labelled block of plain links: no rel=tag, no tag class.
    tags = story.tags(
        '<a href="/Portal/Home/Search.aspx?q={tag}">{tag}</a> ، ',
        f'<tr><td><span class="Keywords">{c.say("کلیدواژه‌ها :")} ',
        "</span></td></tr>",
    )
    prefix = "ctl00_ctl00_cphMain_cphMiddle_Sampa_Web_View_NewsUI_NewsView"
    text = "<br><br>".join(esc(p) for p in story.golden.paragraphs)
    content = f"""<form method="post" action="{esc(story.url)}" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRk" />
<table class="MainTable" cellpadding="0" cellspacing="0" width="100%"><tr><td class="Content">
{c.header()}
<table width="100%"><tr>
<td class="RightPane" valign="top">{c.sidebar()}</td>
<td class="CenterPane" valign="top">
<table class="NewsView" width="100%">
{story.kicker('<tr><td><span id="' + prefix + '_lblRootTitle" class="RootTitle">{}</span></td></tr>')}
<tr><td><span id="{prefix}_lblTitle" class="Title">{story.title}</span></td></tr>
<tr><td><span id="{prefix}_lblCreateDate" class="Date">{esc(date)}</span> {views}</td></tr>
{story.lead('<tr><td><span id="' + prefix + '_lblLead" class="Lead">{}</span></td></tr>')}
<tr><td><span id="{prefix}_lblBody" class="Content">{text}</span></td></tr>
{tags}
</table>
{c.related()}
{c.comments()}
</td></tr></table>
{c.footer()}
</td></tr></table></form>"""
    return document(story, f"{story.site} - {story.title}", "", content), bool(views)


THEMES: dict[str, Callable[[Story], tuple[str, bool]]] = {
    "sahifa": sahifa,
    "jannah": jannah,
    "newspaper": newspaper,
    "jnews": jnews,
    "market": market,
    "nastooh": nastooh,
    "sigma": sigma,
}


def sigma_url(story: Story) -> str:
    """Where a Sigma portal serves a news item: ShowPage.aspx with the item's ID as the only id."""
    category, layout = (str(uuid.UUID(int=story.rng.getrandbits(128), version=4)) for _ in range(2))
    return (
        f"https://{story.host}/Portal/Home/ShowPage.aspx?Object=News&CategoryID={category}"
        f"&LayoutID={layout}&ID={story.golden.code}"
    )


#: Themes served at another URL than the golden page's.
URLS: dict[str, Callable[[Story], str]] = {"sigma": sigma_url}


def transplant(page, theme: str) -> Variant:
    """The golden article of `page` in `theme`'s page."""
    kind = f"theme:{theme}"
    rng = page.rng(kind)
    story = Story(page.golden, Chrome(page.golden, page.others, rng, page.today), rng)
    story.url = URLS[theme](story) if theme in URLS else page.golden.url
    html, prints_views = THEMES[theme](story)
    expected = page.expected(html, structured=False, printed=story.printed, url=story.url)
    if not prints_views:
        expected.pop("view_count", None)
    return Variant(page.golden, kind, html, expected, tuple(story.chrome.texts), url=story.url)
