"""The base of WordPress news sites: the REST API first (crawler/sources/wpapi.py), then listings «/page/N/»,
the RSS feed and the sitemaps, the markup most WordPress news themes share, and the post id as the
news code.

A site's spider names its home, its listing, the fields its pages print that the API lacks, and only
its own selectors: the family's below are tried after them, never hidden by them. The family's
selectors cover WordPress core's markup (the_title(), the_content(), the_tags(): `.entry-title`,
`.entry-content`, `a[rel~=tag]`) and the news themes of Iranian sites: TieLabs Sahifa and Jannah
(`#the-post`, `.post-title`, `span.date.meta-item`, `.tie-date`, `span.meta-views`, `.post-views`,
`.tagcloud a`, `.post-tag a`), tagDiv Newspaper (`.td-post-title h1`, `.td-post-content`, `.td-post-views`,
`ul.td-tags a`), JNews (`h1.jeg_post_title`, `.content-inner`, `.jeg_post_tags a`) and the Persian market
themes (`.single-info`, `.contentsingle`, `.post-view`, kickers `.rotitr`/`.rutitr`/`.rootitr`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import unquote, urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spiders import SitemapSpider
from twisted.python.failure import Failure

from crawler.extract.article import ArticlePage, lead_or_nothing
from crawler.extract.dates import SECOND, TEHRAN, jalali_day, parse_machine_date
from crawler.extract.text import normalize_line
from crawler.extract.urls import canonical_url
from crawler.items import ArticleItem
from crawler.run.listings import FALLS_BACK
from crawler.sources.frontier import Place
from crawler.sources.spider import NewsSpider, parse_switch
from crawler.sources.wpapi import (MAX_PER_PAGE, TAXONOMIES, ApiClosed, MalformedJson, Post, SelfCheck, html_text, is_api,
                           post_by_slug_url, post_url, posts_url, read_json, read_posts, read_terms, refusal,
                           terms_url, total_pages)

logger = logging.getLogger(__name__)

# The walk of the REST API's pages of posts, known complete apart from the listings' (crawler/sources/frontier.py).
API_WALK = "wp-api"


class WordPressSpider(NewsSpider, SitemapSpider):
    """A WordPress news site. The news code is its post id (shortlink «?p=ID», body class «postid-ID»,
    article id «post-ID»), unless the spider names a printed «کد خبر» in selectors["news_code"].

    Discovery through the REST API: pages of the newest posts, each handled as a listing page whose
    links come from JSON (the same walk and the same stop at stored posts), «after=» in a backfill. A
    post stored already whose «modified_gmt» moved is read again. The post gives the news code, title,
    lead, body, date, category and tags; its page is read as well, for the fields in «page_fields»
    and to check the HTML reader against the post (SelfCheck). Tag and category names are asked once
    per run, for the ids of the posts read.

    Discovery without the API (closed, or «-a api=0»): the listing from «sections» and its pages
    «page/N/», the feeds; with «-a since», also the sitemaps, so that a backfill reaches old posts
    without walking hundreds of listing pages. Sitemap entries and feed items dated before «since» are
    not fetched.
    """

    #: Whether the site is read through its REST API first («-a api=0»: its HTML only).
    api: ClassVar[bool] = True
    arguments = (*NewsSpider.arguments, "api")
    #: What the site's pages print and its REST API lacks: taken from the page, read for each new post.
    page_fields: ClassVar[tuple[str, ...]] = ("kicker", "view_count", "images")

    #: The site's home page; feeds and sitemaps are relative to it.
    home: ClassVar[str] = ""
    #: RSS feeds of the newest posts.
    feeds: ClassVar[tuple[str, ...]] = ("feed/",)
    #: Where the sitemaps are: «robots.txt» means those the site names there (WordPress core does).
    sitemaps: ClassVar[tuple[str, ...]] = ("robots.txt",)
    #: Sitemaps of posts, in the index of WordPress core («wp-sitemap-posts-post-1.xml») or of
    #: Yoast and Rank Math («post-sitemap2.xml»); pages, categories and authors are not news.
    sitemap_follow = [r"/(wp-sitemap-posts-post-\d+|post-sitemap\d*)\.xml$"]

    # Permalinks «/%postname%/» (a percent-encoded Persian slug) or a shortlink «/?p=ID».
    article_url = (r"^https?://[^/]+/(\?p=(?P<code>\d+)$|(?!(page|category|tag|author|feed|search|wp-\w+)/)"
                   r"[^/?#]+/$)")
    listing_links = ("main article .entry-title a::attr(href), #content article .entry-title a::attr(href),"
                     " .post-title a::attr(href)")
    # paginate_links() in the theme, or SEO plugins' <link rel=next>.
    next_page = "a.next.page-numbers::attr(href), a[rel=next]::attr(href), link[rel=next]::attr(href)"
    listing_dates = "main article time, #content article time"
    # What the_title(), the_content(), the_date(), the_category() and the_tags() print in most themes,
    # then the news themes' own markup.
    selectors: ClassVar[dict[str, str]] = {
        "article": "article.post, article.type-post, main article, #the-post",
        "title": "article h1.entry-title, article h1.post-title, .td-post-title h1, h1.jeg_post_title",
        "kicker": "article .rotitr, article .rutitr, article .rootitr, .entry-sub-title",
        "body": "article .entry-content, .td-post-content, .jeg_post .content-inner, .contentsingle, "
                ".elementor-widget-theme-post-content",
        "date": "article .entry-meta .posted-on, article .post-date, #the-post span.date.meta-item",
        "views": "article .post-views-count, #the-post .meta-views, .td-post-views, .single-info .post-view",
        "category": "article .cat-links a, article a[rel='category tag']",
        "tags": "article .tags-links a, article a[rel=tag], #the-post .tagcloud a, ul.td-tags a, .jeg_post_tags a",
        "authors": "article .author.vcard a",
        "images": "article .post-thumbnail img, article .entry-content img",
    }
    # Furniture themes and plugins put inside the content: share bars (AddToAny, Jetpack), related
    # posts (Jetpack, YARPP), tag lists, short links, comments.
    drop_from_body: ClassVar[tuple[str, ...]] = (
        "script", "style", "noscript", ".sharedaddy", ".addtoany_share_save_container", ".share", ".related",
        ".jp-relatedposts", ".yarpp-related", ".tags", ".post-tags", ".tags-links", ".shortlink", "#comments",
        ".comments-area",
    )

    def __init__(self, *args: Any, api: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if api is not None:
            self.api = parse_switch("api", api)
        #: "open", "closed: <how the site refused>" or "off".
        self.api_state = "open" if self.api else "off"
        self.api_pages_read = 0
        # The posts of the pages of posts being read, by link; the names of tags and categories by id;
        # the ids asked for (ever, since the last request, not answered yet); pages waiting for names.
        self.posts: dict[str, Post] = {}
        self.term_names: dict[str, dict[int, str]] = {taxonomy: {} for taxonomy in TAXONOMIES}
        self.terms_asked: dict[str, set[int]] = {taxonomy: set() for taxonomy in TAXONOMIES}
        self.terms_to_ask: dict[str, set[int]] = {taxonomy: set() for taxonomy in TAXONOMIES}
        self.terms_pending: dict[str, set[int]] = {taxonomy: set() for taxonomy in TAXONOMIES}
        self.waiting_for_terms: list[tuple[scrapy.Request, Post]] = []

    @property
    def sitemap_urls(self) -> list[str]:
        return [urljoin(self.home, path) for path in self.sitemaps]

    @property
    def sitemap_rules(self) -> list[tuple[str, str]]:
        return [(self.article_url, "parse_article")]

    @property
    def per_page(self) -> int:
        return min(MAX_PER_PAGE, max(1, self.settings.getint("WORDPRESS_API_PER_PAGE", 10)))

    @property
    def incremental(self) -> bool:
        # An API that closed after some of its pages: the HTML walk must reach the posts it did not list,
        # past those it stored.
        return super().incremental and not (self.api_pages_read and self.api_state != "open")

    def discovery(self) -> Iterator[scrapy.Request]:
        self.crawler.stats.set_value("wpapi/state", self.api_state)
        if self.api_state == "open":
            yield scrapy.Request(posts_url(self.home, 1, self.per_page, self.since), self.parse,
                                 errback=self.api_failed, meta={FALLS_BACK: True})
            return
        yield from self.html_discovery()

    def html_discovery(self) -> Iterator[scrapy.Request]:
        """The start of the HTML path: the listing; in a backfill, the feeds and the sitemaps too, which
        reach old posts without every listing page."""
        if self.section:
            yield scrapy.Request(self.sections[self.section], self.parse)
        if self.since:
            yield from self.discovery_without_listing()
            for url in self.sitemap_urls:  # as SitemapSpider.start
                yield scrapy.Request(url, self._parse_sitemap)

    # -- the REST API ------------------------------------------------------------------------------

    def parse(self, response: Response, place: Place | None = None) -> Iterator[scrapy.Request]:
        """A listing page, or a page of the newest posts from the REST API, read as one (its own walk)."""
        if not is_api(response):
            yield from super().parse(response, place)
            return
        try:
            posts = read_posts(response)
        except ApiClosed as closed:
            yield from self.close_api(closed)
            return
        self.api_pages_read += 1
        self.crawler.stats.inc_value("wpapi/posts_pages")
        self.posts.update((post.link, post) for post in posts)
        response.meta["posts"] = [post.link for post in posts]
        yield from super().parse(response, place or Place(API_WALK))
        for post in posts:  # read or stored: their contents are not kept for the rest of the run
            self.posts.pop(post.link, None)
        yield from self.terms_requests()

    def article_links(self, response: Response) -> list[str]:
        if is_api(response):
            return [link for link in dict.fromkeys(response.meta["posts"]) if self.owns_url(link)]
        return super().article_links(response)

    def older_than_since(self, response: Response) -> bool:
        # A page of posts holds none older than «since»: it asks for those «after» it.
        return not is_api(response) and super().older_than_since(response)

    def next_page_url(self, response: TextResponse, page: int) -> str | None:
        if not is_api(response):
            return super().next_page_url(response, page)
        # Without the X-WP-TotalPages header, a full page may be followed by another.
        pages = total_pages(response)
        more = page < pages if pages is not None else len(response.meta["posts"]) >= self.per_page
        return posts_url(self.home, page + 1, self.per_page, self.since) if more else None

    def listing_request(self, url: str, place: Place) -> scrapy.Request:
        request = super().listing_request(url, place)
        return request.replace(errback=self.api_failed, meta={**request.meta, FALLS_BACK: True}) if is_api(request) \
            else request

    def stored_dates(self, links: list[str]) -> dict[str, datetime]:
        """As for any listing, with the posts of an API page known by their ids; a stored post whose
        «modified_gmt» moved since is left out, so it is read again."""
        posts = {link: self.posts[link] for link in links if link in self.posts}
        dates = super().stored_dates([link for link in links if link not in posts])
        if not posts:
            return dates
        stored = self.read_store(lambda store: store.dates_and_edits_by_code(
            self.name, [str(post.id) for post in posts.values()]), {})
        for link, post in posts.items():
            if str(post.id) not in stored:
                continue
            published_at, modified_at = stored[str(post.id)]
            if post.modified_at and modified_at and post.modified_at > modified_at:
                self.crawler.stats.inc_value("wpapi/edited")
                logger.info("%s: post %s was edited on %s (stored: %s): reading it again", self.name, post.id,
                            post.modified_at.isoformat(), modified_at.isoformat())
                continue
            dates[link] = published_at
        return dates

    def article_request(self, url: str) -> Iterator[scrapy.Request]:
        post = self.posts.get(url)
        if post is None:
            yield from super().article_request(url)
            return
        yield from self.post_page_request(scrapy.Request(url, self.parse_article, errback=self.page_failed,
                                                         cb_kwargs={"link": url, "post": post}))

    def post_page_request(self, request: scrapy.Request) -> Iterator[scrapy.Request]:
        """The request of a post's page, once the names of its tags and categories are known; those not
        asked for yet go into the next request of names (terms_requests)."""
        post = request.cb_kwargs["post"]
        for taxonomy, ids in post.terms.items():
            new = set(ids) - self.terms_asked[taxonomy]
            self.terms_asked[taxonomy] |= new
            self.terms_to_ask[taxonomy] |= new
            self.terms_pending[taxonomy] |= new
        if self.names_pending(post):
            self.waiting_for_terms.append((request, post))
        else:
            yield request

    def names_pending(self, post: Post) -> bool:
        return any(term in self.terms_pending[taxonomy] for taxonomy, ids in post.terms.items() for term in ids)

    def terms_requests(self) -> Iterator[scrapy.Request]:
        """One request per taxonomy (per hundred ids) for the names of the ids seen since the last one."""
        for taxonomy, asked in self.terms_to_ask.items():
            ids = sorted(asked)
            asked.clear()
            for first in range(0, len(ids), MAX_PER_PAGE):
                chunk = ids[first:first + MAX_PER_PAGE]
                yield scrapy.Request(terms_url(self.home, taxonomy, chunk), self.parse_terms, errback=self.terms_failed,
                                     cb_kwargs={"taxonomy": taxonomy, "ids": chunk}, priority=1)

    def parse_terms(self, response: Response, taxonomy: str, ids: list[int]) -> Iterator[scrapy.Request]:
        try:
            names = read_terms(response)
        except ApiClosed as unreadable:
            names = {}
            self.crawler.stats.inc_value(f"wpapi/{taxonomy}_unreadable")
            if isinstance(unreadable, MalformedJson):
                self.crawler.stats.inc_value("wpapi/malformed_json")
            logger.warning("%s: the names of %s %s are unreadable (%s)", self.name, taxonomy, ids, unreadable)
        self.term_names[taxonomy].update(names)
        yield from self.terms_answered(taxonomy, ids)

    def terms_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        taxonomy, ids = failure.request.cb_kwargs["taxonomy"], failure.request.cb_kwargs["ids"]
        self.crawler.stats.inc_value(f"wpapi/{taxonomy}_unreadable")
        logger.warning("%s: the names of %s %s could not be fetched (%s)", self.name, taxonomy, ids,
                       failure.getErrorMessage())
        yield from self.terms_answered(taxonomy, ids)

    def terms_answered(self, taxonomy: str, ids: list[int]) -> Iterator[scrapy.Request]:
        """The pages that waited for these names (whatever the answer: a post is not held back for a name)."""
        self.terms_pending[taxonomy].difference_update(ids)
        waiting, self.waiting_for_terms = self.waiting_for_terms, []
        for request, post in waiting:
            if self.names_pending(post):
                self.waiting_for_terms.append((request, post))
            else:
                yield request

    def closed(self, reason: str) -> None:
        super().closed(reason)
        if self.waiting_for_terms:  # stopped before the names came (Ctrl-C, a closespider limit)
            self.crawler.stats.set_value("wpapi/not_requested", len(self.waiting_for_terms))
            logger.warning("%s: the run stopped before the names of the tags of %d new posts came; their pages "
                           "were not requested (a later run or a backfill reads them)", self.name,
                           len(self.waiting_for_terms))

    def api_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A page of posts the site did not serve. A 400 after the first page is WordPress's answer to a page
        past the last one (asked for when the site sends no X-WP-TotalPages): the end of the posts."""
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 400 and failure.request.cb_kwargs.get("place", Place(API_WALK)).number > 1:
            logger.info("%s: %s is past the last page of posts", self.name, failure.request.url)
            return
        yield from self.close_api(self.refused(failure))

    @staticmethod
    def refused(failure: Failure) -> ApiClosed:
        """How the site refused an API request: 401/403/404, with «rest_disabled» or the like; robots.txt; no answer."""
        response = getattr(failure.value, "response", None)
        if response is None:
            return ApiClosed(failure.getErrorMessage() or failure.type.__name__)
        try:
            code = refusal(read_json(response))
        except ApiClosed:
            code = ""
        return ApiClosed(f"HTTP {response.status}" + (f" {code}" if code else ""))

    def close_api(self, closed: ApiClosed) -> Iterator[scrapy.Request]:
        """The HTML path for the rest of the run (said once): the posts listed so far are read as they were."""
        if self.api_state == "open":
            self.api_closed(closed)
            yield from self.html_discovery()

    def api_closed(self, closed: ApiClosed) -> None:
        if self.api_state != "open":
            return
        stats = self.crawler.stats
        self.api_state = f"closed: {closed}"
        stats.set_value("wpapi/state", self.api_state)
        if isinstance(closed, MalformedJson):
            stats.inc_value("wpapi/malformed_json")
        logger.warning("%s: the REST API is closed (%s): reading the HTML pages for the rest of the run",
                       self.name, closed)

    def refetch_requests(self, url: str, callback: Callable, errback: Callable, **cb_kwargs: Any
                         ) -> Iterator[scrapy.Request]:
        """The post from the REST API (by its id when the URL carries it, else by its slug), then its page."""
        page = next(super().refetch_requests(url, callback, errback, **cb_kwargs))
        if self.api_state != "open":
            yield page
            return
        code = self.code_in_url(url)
        lookup = post_url(self.home, int(code)) if code else post_by_slug_url(
            self.home, unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]))
        yield scrapy.Request(lookup, self.parse_post_lookup, errback=self.post_lookup_failed, dont_filter=True,
                             cb_kwargs={"page": page})

    def parse_post_lookup(self, response: Response, page: scrapy.Request) -> Iterator[scrapy.Request]:
        try:
            posts = read_posts(response)
        except ApiClosed as closed:
            self.api_closed(closed)
            yield page
            return
        if not posts:
            logger.warning("%s: the REST API knows no post at %s; reading its page", self.name, page.url)
            yield page
            return
        post = posts[0]
        yield from self.post_page_request(page.replace(url=post.link, cb_kwargs={**page.cb_kwargs, "post": post}))
        yield from self.terms_requests()

    def post_lookup_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """The page, either way; a refusal other than a 404 (a post the API does not know) closes the API."""
        refused = self.refused(failure)
        if not str(refused).startswith("HTTP 404"):
            self.api_closed(refused)
        yield failure.request.cb_kwargs["page"]

    # -- a post and its page -----------------------------------------------------------------------

    def parse_article(self, response: Response, link: str | None = None,
                      post: Post | None = None) -> Iterator[ArticleItem]:
        if post is None:
            yield from super().parse_article(response, link)
            return
        page = self.article_page(response)
        page_item = page.item() if page else None
        if page_item:
            self.count_provenance(page_item)
        item = self.post_item(post, page)
        # The fields of a page that is another article (a soft 404, a redirect elsewhere) are not this one's.
        check = self.check(item, page_item)
        if page_item is not None and "news_code" not in check.differences:
            self.take_page_fields(item, page_item)
        yield from self.article_read(link, item)

    def page_failed(self, failure: Failure) -> Iterator[ArticleItem]:
        """A post whose page could not be fetched: stored from the API alone, without the page's fields."""
        link, post = failure.request.cb_kwargs["link"], failure.request.cb_kwargs["post"]
        self.crawler.stats.inc_value("wpapi/page_failed")
        logger.warning("%s: the page of post %s (%s) was not fetched (%s): storing the post without %s",
                       self.name, post.id, link, failure.getErrorMessage(), ", ".join(self.page_fields))
        yield from self.article_read(link, self.post_item(post, None))

    def post_item(self, post: Post, page: ArticlePage | None) -> ArticleItem:
        """The article from its post (its body cleaned by the rules of its page)."""
        # The post's content is cleaned by the rules of the site's pages (an empty page without one).
        page = page or ArticlePage(self.site, HtmlResponse(post.link, body=b"<html></html>", encoding="utf-8"))
        title = normalize_line(html_text(post.title))
        body = page.body_of(post.content, title)
        published_at = post.published_at.astimezone(TEHRAN)
        tags = [normalize_line(self.term_names["tags"][term]) for term in post.tags if term in self.term_names["tags"]]
        categories = [self.term_names["categories"][term] for term in post.categories
                      if term in self.term_names["categories"]]
        item = ArticleItem(
            source=self.name, news_code=str(post.id), url=canonical_url(post.link), title=title,
            lead=lead_or_nothing(html_text(post.excerpt), body), body=body, published_at=published_at,
            published_jalali=jalali_day(published_at), published_precision=SECOND,
            category=normalize_line(categories[-1]) if categories else "",
            tags=tags, crawled_at=page.now, modified_at=post.modified_at)
        item.provenance = {name: "api" for name in ("news_code", "title", "lead", "body", "published_at", "category",
                                                     "tags") if getattr(item, name)}
        return item

    def take_page_fields(self, item: ArticleItem, page_item: ArticleItem) -> None:
        """The fields of `page_fields` from the post's page, with their provenance."""
        for name in self.page_fields:
            setattr(item, name, getattr(page_item, name))
            if name in page_item.provenance:
                item.provenance[name] = page_item.provenance[name]

    def check(self, item: ArticleItem, page_item: ArticleItem | None) -> SelfCheck:
        """The self-check: the HTML reader's article against the post's, counted and, when they differ, logged."""
        check = SelfCheck.compare(item, page_item)
        stats = self.crawler.stats
        stats.inc_value("wpapi/selfcheck/agree" if check.agrees else "wpapi/selfcheck/disagree")
        for name in check.differences:
            stats.inc_value(f"wpapi/selfcheck/differ/{name}")
        if not check.agrees:
            logger.warning("%s: the page of post %s (%s) disagrees with the REST API on %s: is the HTML reader wrong?",
                           self.name, item.news_code, item.url, ", ".join(check.differences))
        return check

    def discovery_without_listing(self) -> Iterator[scrapy.Request]:
        """The feeds name the newest posts whatever the theme's listing looks like."""
        for feed in self.feeds:
            yield scrapy.Request(urljoin(self.home, feed), self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS feed: each post newer than «since» (every post without it) not stored yet."""
        stats = self.crawler.stats
        items = []
        if isinstance(response, TextResponse):  # lxml's recovering parser: a stray «&» loses no item
            items = scrapy.Selector(response, type="xml").xpath("//channel/item")
        if not items:
            stats.inc_value("discovery/feed/empty")
            logger.warning("%s: feed %s has no items: has the site moved or closed its feed?", self.name, response.url)
        stats.inc_value("discovery/feed/items", len(items))
        links = [url for item in items
                 if self.is_article_url(url := (item.xpath("link/text()").get() or "").strip())
                 and self.recent_enough(item.xpath("pubDate/text()").get())]
        yield from self.article_requests(response.url, links)

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Sitemap entries (sub-sitemaps and posts) last modified on or after «since», less the posts
        stored already; a sub-sitemap's «lastmod» is that of its newest post, so an older one holds
        nothing to fetch."""
        recent = [entry for entry in entries if self.recent_enough(entry.get("lastmod"))]
        self.crawler.stats.inc_value("discovery/sitemap/entries", len(recent))
        stored = self.stored_dates([entry["loc"] for entry in recent if self.is_article_url(entry.get("loc", ""))])
        self.count_known(stored)
        yield from (entry for entry in recent if entry.get("loc") not in stored)

    def recent_enough(self, machine_date: str | None) -> bool:
        """Whether a feed or sitemap date may be on or after «since»; an undated entry may be."""
        moment = parse_machine_date(machine_date)
        if self.since and moment and moment < self.since:
            self.crawler.stats.inc_value("discovery/older_than_since")
            return False
        return True
