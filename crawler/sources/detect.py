"""A new source from its address alone: what its pages say about it, turned into a registry entry.

Given a way to fetch a page (`fetch`: a URL to a Scrapy response, through the crawl's own download path),
`discover` reads the home page and a few pages it links to, and finds:

- the CMS family, from fingerprints (`detect_family`): WordPress, Joomla, Drupal, a Nastooh-style agency,
  an ASP.NET portal, or none («generic»);
- the article pages: the home page's links grouped by the shape of their URL (`url_shape`), the groups
  probed largest first, the group whose pages read as articles (the generic chain of
  crawler/extract/article.py) kept; its shape becomes the article-URL rule (`shape_rule`), with a «code»
  group where the URL carries the news code;
- the news-code rule: the printed «کد خبر/شناسه خبر/کد مطلب» first, else the CMS's id, the URL hash only
  as the last resort (`Discovery.url_hash_only`, said aloud by its callers);
- the discovery strategies: the WordPress REST API when it answers, feeds, sitemaps (robots.txt and the
  usual paths, news sitemaps first), and the listing with its next page;
- 3 to 5 sample articles, read as a crawl will read them, whose steps are the source's baseline.

`scrapy addsource` (crawler/commands/addsource.py) prints and registers what it found; a one-off crawl of
an unregistered site asks the same `discover` and keeps the table in memory.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import cast
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler.extract.article import ArticlePage
from crawler.extract.site import Site
from crawler.extract.text import normalize_line
from crawler.extract.urls import bare_host
from crawler.items import ArticleItem
from crawler.sources.discovery import ANY_LINK
from crawler.sources.families import FAMILIES, NEWS_CODE_RULES, Family
from crawler.sources.spider import NewsSpider

Fetch = Callable[[str], Awaitable[Response | None]]

SAMPLES = 5
# A link whose text has fewer words is a menu's, not a headline.
HEADLINE_WORDS = 4
# Groups of the home page's links probed, and pages of each, before giving up on finding articles.
GROUPS_PROBED = 4
PAGES_PER_GROUP = 2
# Path segments that name what is not an article: taxonomies, listings, feeds, files, accounts.
NOT_ARTICLE_SEGMENTS = {
    "category",
    "categories",
    "tag",
    "tags",
    "author",
    "page",
    "feed",
    "search",
    "wp-admin",
    "wp-login.php",
    "wp-content",
    "wp-json",
    "login",
    "register",
    "cart",
    "basket",
    "rss",
}
FILE_SUFFIX = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|rar|mp[34]|css|js|xml)$", re.I)
# A short ASCII word in the first two segments names a section («news», «fa», «node»): part of the shape.
SECTION_WORD = re.compile(r"^[a-z][a-z0-9_.-]{0,19}$", re.I)
# Query keys that carry a page's id («ShowNews.aspx?ID=12», «index.php?option=com_content&id=7»).
ID_KEYS = {"id", "newsid", "nid", "p", "contentid"}
NUMBER = re.compile(r"^\d+$")
NUMBERED_SLUG = re.compile(r"^(\d+)-[^/]*$")
# A Jalali or Gregorian year opening a run of date segments («/1403/09/14/slug/»).
YEAR = re.compile(r"^(1[34]\d\d|20\d\d)$")
# What a shop's home page shows and a news site's does not.
SHOP_MARKS = re.compile(r"add[-_]to[-_]cart|woocommerce-Price|افزودن به سبد|سبد خرید|\"@type\"\s*:\s*\"Product\"", re.I)
PRICE = re.compile(r"\d[\d,٬۰-۹]*\s*(تومان|ریال)")
NEXT_TEXT = re.compile(r"^\s*(بعدی|صفحه بعد|»|›|next)\s*$", re.I)
PAGE_NUMBER = re.compile(r"(/page/|[?&](page|pi|p|start|limitstart)=)(2)\b", re.I)
LISTING_WORDS = re.compile(r"آرشیو|همه اخبار|اخبار|archive|news", re.I)
# A taxonomy's listing (a tag's, an author's): not the news listing, whatever its words.
TAXONOMY_URL = re.compile(r"[?&/](tags?|author)[=/]", re.I)
NEWS_SITEMAP = re.compile(r"news", re.I)
REGISTRY_NEWS_CODE = {
    "label": "label",
    "selector": "label",
    "meta": "wp_post_id",
    "url_id": "url_id",
    "url_hash": "url_hash",
}


@dataclass
class Sample:
    """One article page read as the source will be read: the item and the step of each field."""

    url: str
    item: ArticleItem

    @property
    def steps(self) -> dict[str, str]:
        return self.item.provenance

    @property
    def complete(self) -> bool:
        return bool(self.item.title and self.item.body and self.item.published_at)

    def missing(self) -> list[str]:
        fields = {"title": self.item.title, "date": self.item.published_at, "body": self.item.body}
        return [name for name, value in fields.items() if not value]


@dataclass
class Discovery:
    """What `discover` found of a site; `failure` says in one line why it is no source, when it is none."""

    home: str
    hosts: tuple[str, ...] = ()
    family: str = "generic"
    evidence: str = ""
    article_url: str = ""
    news_code: list[str] = field(default_factory=list)
    strategies: list[dict[str, str]] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    not_articles: list[str] = field(default_factory=list)
    failure: str = ""
    site_name: str = ""

    def why_not(self) -> str:
        """Why the site is no source («» when it is one): no sample read with a title, a date and a body."""
        if self.failure or any(sample.complete for sample in self.samples):
            return self.failure
        missing = sorted({name for sample in self.samples for name in sample.missing()})
        return (
            f"no article found: no page it links to was read with a title, a date and a body (missing: "
            f"{', '.join(missing)})"
        )

    @property
    def url_hash_only(self) -> bool:
        return self.news_code == ["url_hash"]

    def baseline(self) -> dict[str, str]:
        """The step each field of the samples came from most often: the source's norm (every field read, so
        that a view count the family's markup misses on this theme is no drift on every article)."""
        wanted = dict.fromkeys(name for sample in self.samples for name in sample.steps)
        steps = {name: Counter(s.steps[name] for s in self.samples if name in s.steps) for name in wanted}
        return {name: counts.most_common(1)[0][0] for name, counts in steps.items() if counts}

    def table(self) -> dict:
        """The registry entry, as SOURCES_FILE holds it (docs/adding-a-source.md)."""
        entry: dict = {}
        if self.site_name:
            entry["site_name"] = self.site_name
        entry["hosts"] = list(self.hosts)
        entry["family"] = self.family
        entry["article_url"] = self.article_url
        # The URL's hash is no rule to name: it is every chain's counted last resort.
        if rules := [rule for rule in self.news_code if rule in NEWS_CODE_RULES]:
            entry["news_code"] = rules
        entry["discovery"] = self.strategies
        entry["detected"] = {
            "at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "family": self.family,
            "baseline": self.baseline(),
        }
        return entry


# -- fingerprints ---------------------------------------------------------------------------------------


def detect_family(home: TextResponse) -> tuple[str, str]:
    """The CMS family the home page shows, with the fingerprint that told it."""
    html = home.text
    generator = " ".join(home.css("meta[name=generator]::attr(content)").getall()).lower()
    headers = {k.decode().lower(): b" ".join(v).decode("latin-1") for k, v in home.headers.items()}
    links = [home.urljoin(href) for href in home.css("a::attr(href)").getall()]
    if "wordpress" in generator:
        return "wordpress", "generator meta"
    if "wp-json" in headers.get("link", "") or home.css("link[rel='https://api.w.org/']"):
        return "wordpress", "a /wp-json/ link"
    if "/wp-content/" in html:
        return "wordpress", "wp-content"
    if "joomla" in generator:
        return "joomla", "generator meta"
    if "com_content" in html or "format=feed&amp;type=rss" in html or "format=feed&type=rss" in html:
        return "joomla", "com_content"
    if "drupal" in headers.get("x-generator", "").lower() or "drupal" in generator:
        return "drupal", "X-Generator"
    if "Drupal.settings" in html or "drupalSettings" in html:
        return "drupal", "Drupal.settings"
    if "__VIEWSTATE" in html:
        return "aspnet", "__VIEWSTATE"
    if sum(bool(re.search(r"\.aspx\?([^#]*&)?id=", link, re.I)) for link in links) >= 2:
        return "aspnet", ".aspx?ID= links"
    if sum(bool(re.search(r"/(fa/)?news/\d+(/|$)", urlsplit(link).path)) for link in links) >= 2:
        return "nastooh", "/news/N/ links"
    if sum(bool(re.search(r"/node/\d+(/|$)", urlsplit(link).path)) for link in links) >= 2:
        return "drupal", "/node/N links"
    return "generic", ""


def home_site_name(home: TextResponse) -> str:
    """The site's name as its pages give it: «og:site_name», else the home page's title."""
    named = home.css("meta[property='og:site_name']::attr(content)").get() or home.css("title::text").get() or ""
    return normalize_line(named)


def shop_signs(home: TextResponse) -> str:
    """What makes the home page a shop's, or «»."""
    if SHOP_MARKS.search(home.text):
        return "its home page sells products (a cart, product listings)"
    prices = len(PRICE.findall(home.text))
    return f"its home page lists {prices} prices" if prices >= 3 else ""


# -- the home page's links by shape ----------------------------------------------------------------------


def _segments(url: str) -> list[str]:
    return [unquote(s) for s in urlsplit(url).path.split("/") if s]


def url_shape(url: str) -> tuple | None:
    """The shape of a URL: numbers, numbered slugs and slugs as kinds, section words as they are, the
    query's keys; None for what is never an article (files, taxonomies, listings, the home page)."""
    parts = urlsplit(url)
    segments = _segments(url)
    if FILE_SUFFIX.search(parts.path) or any(s.lower() in NOT_ARTICLE_SEGMENTS for s in segments):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not segments and not query:
        return None
    kinds = []
    for position, segment in enumerate(segments):
        if NUMBER.match(segment):
            kinds.append("N")
        elif NUMBERED_SLUG.match(segment):
            kinds.append("N-S")
        elif position < 2 and (SECTION_WORD.match(segment) and position < len(segments) - 1 or "." in segment):
            kinds.append(segment.lower())
        else:
            kinds.append("S")
    keys = tuple(sorted((k.lower(), "N" if NUMBER.match(v.split(":")[0]) else v) for k, v in query))
    if any(k in ("page", "start", "limitstart", "s", "q", "search") for k, _ in keys):
        return None
    return (tuple(kinds), keys, parts.path.endswith("/"))


def link_groups(home: TextResponse, hosts: frozenset[str]) -> tuple[list[list[str]], set[str]]:
    """The home page's links to its own hosts grouped by shape, largest group first (numbered shapes
    first among equals: an id in the URL is the surer sign of an article), in the page's order; and the
    links that are the site's chrome: every link to them has a text of three words at most («درباره ما»,
    «تماس با ما»), as menus have and headlines do not."""
    groups: dict[tuple, list[str]] = {}
    words: dict[str, int] = {}
    for link in home.css("a[href]"):
        url = home.urljoin(link.attrib["href"].strip()).split("#")[0]
        if bare_host(url) not in hosts or url.rstrip("/") == home.url.rstrip("/"):
            continue
        shape = url_shape(url)
        if shape is None:
            continue
        if url not in groups.setdefault(shape, []):
            groups[shape].append(url)
        words[url] = max(words.get(url, 0), len(" ".join(link.css("::text").getall()).split()))
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), "N" not in str(item[0])))
    chrome = {url for url, count in words.items() if count < HEADLINE_WORDS}
    return [urls for _, urls in ranked], chrome


def _code_position(urls: list[str]) -> int | None:
    """Which path segment carries an id: a number (or a numbered slug) that differs between the URLs and
    is not part of a date run («/1403/09/14/»)."""
    split = [_segments(url) for url in urls]
    dates: set[int] = set()
    for segments in split:
        for position in range(len(segments) - 2):
            month_and_day = segments[position + 1 : position + 3]
            if YEAR.match(segments[position]) and all(re.match(r"^\d{1,2}$", s) for s in month_and_day):
                dates.update(range(position, position + 3))
    candidates = []
    for position in range(len(split[0])):
        numbers = [m.group(1) if (m := NUMBERED_SLUG.match(s[position])) else s[position] for s in split]
        if position not in dates and all(NUMBER.match(n) for n in numbers) and len(set(numbers)) == len(numbers):
            candidates.append(position)
    return candidates[-1] if candidates else None


def _query_code_key(urls: list[str]) -> str | None:
    queries = [dict(parse_qsl(urlsplit(url).query)) for url in urls]
    for key in queries[0]:
        values = [q.get(key, "") for q in queries]
        if key.lower() in ID_KEYS and all(re.match(r"^\d+", v) for v in values):
            return key
    return None


def shape_rule(
    urls: list[str], hosts: tuple[str, ...], chrome: Collection[str] = frozenset(), with_code: bool = True
) -> str:
    """The article-URL rule of a group of URLs of one shape: a regex with a «code» group on the id, and
    without the chrome's pages of the same shape («/about/» beside «/<slug>/»)."""
    host = "|".join(re.escape(h) for h in sorted({bare_host(f"https://{h}/") for h in hosts}))
    shape = url_shape(urls[0])
    assert shape is not None  # a group of article URLs, never of what url_shape refuses
    alike = sorted(
        {
            path
            for url in chrome
            if url_shape(url) == shape
            for path in (urlsplit(url).path, unquote(urlsplit(url).path))
        }
    )
    refused = f"(?!({'|'.join(re.escape(path.rstrip('/')) for path in alike)})/?([?#]|$))" if alike else ""
    prefix = rf"^https?://(www\.)?({host}){refused}"
    split = [_segments(url) for url in urls]
    code_at = _code_position(urls) if with_code else None
    parts = []
    for position, kind in enumerate(shape[0]):
        values = {segments[position] for segments in split}
        if position == code_at:
            group = r"(?P<code>\d+)"
            parts.append(group if kind == "N" else group + r"-[^/?#]*")
        elif kind == "N":
            parts.append(r"\d+")
        elif kind == "N-S":
            parts.append(r"\d+-[^/?#]*")
        elif kind == "S" and (len(values) > 1 or position == len(split[0]) - 1):
            parts.append(r"[^/?#]+")
        else:
            parts.append(re.escape(next(iter(values))))
    path = "/" + "/".join(parts)
    query = urlsplit(urls[0]).query
    if not query:
        return rf"{prefix}{path}/?$"
    key = _query_code_key(urls)
    # The query's other keys whose value every URL of the group shares («option=com_content»).
    shared = set.intersection(*(set(parse_qsl(urlsplit(url).query)) for url in urls))
    fixed = sorted((k, v) for k, v in shared if k.lower() not in ID_KEYS | {"itemid", "catid"})
    needs = "".join(rf"(?=[^#]*[?&]{re.escape(k)}={re.escape(v)}(&|#|$))" for k, v in fixed)
    code = rf"[?&]{re.escape(key)}=" + (r"(?P<code>\d+)" if with_code else r"\d+") if key else ""
    # IIS and PHP answer a path in any letter case.
    return rf"(?i){prefix}{path}(?=\?){needs}[^#]*?{code}"


# -- reading candidate pages ---------------------------------------------------------------------------


def candidate_site(
    name: str, family: str, hosts: tuple[str, ...], article_url: str = r"(?!)", site_name: str = ""
) -> Site:
    """The Site a candidate is read with: its family's selectors and drop list, its rule once known."""
    attributes = {
        "name": name,
        "hosts": hosts,
        "site_name": site_name,
        "family": FAMILIES[family],
        "article_url": article_url,
    }
    spider = cast("type[NewsSpider]", type("Candidate", (NewsSpider,), attributes))
    return spider.describe()


def read_article(site: Site, response: Response) -> ArticleItem | None:
    """The article the page holds, or None when it does not read as one (a listing, a page of no
    prose, no date and no code)."""
    if not isinstance(response, TextResponse) or response.status != 200:
        return None
    page = ArticlePage(site, response)
    if page.not_an_article():
        return None
    item = page.item()
    if page.not_an_article(item) or not (item.title and item.body):
        return None
    if not item.published_at and item.provenance.get("news_code") == "url_hash":
        return None
    return item


def news_code_rule(samples: list[Sample], url_codes: dict[str, str]) -> tuple[list[str], bool]:
    """The news-code rule from what the samples printed: (the chain, whether the URL's id may serve as
    the code). A printed code the URL's id does not equal wins over it."""
    printed = [s for s in samples if s.steps.get("news_code") in ("label", "selector")]
    disagree = any(url_codes.get(s.url) and url_codes[s.url] != s.item.news_code for s in printed)
    steps = [
        REGISTRY_NEWS_CODE[step]
        for step in dict.fromkeys(s.steps.get("news_code", "") for s in samples)
        if step in REGISTRY_NEWS_CODE
    ]
    ordered = sorted(dict.fromkeys(steps), key=["label", "wp_post_id", "url_id", "node_id", "url_hash"].index)
    return ordered, not disagree


# -- discovery paths -----------------------------------------------------------------------------------


def feed_links(home: TextResponse) -> list[str]:
    found = home.css("link[rel=alternate][type*=rss]::attr(href), link[rel=alternate][type*=atom]::attr(href)")
    return [home.urljoin(href) for href in found.getall() if "comments" not in href]


def is_feed(response: Response | None) -> bool:
    return (
        response is not None
        and response.status == 200
        and isinstance(response, TextResponse)
        and bool(re.search(r"<(rss|feed)[\s>]", response.text[:2000]))
        and bool(re.search(r"<(item|entry)[\s>]", response.text))
    )


def is_sitemap(response: Response | None) -> bool:
    return (
        response is not None
        and response.status == 200
        and isinstance(response, TextResponse)
        and bool(re.search(r"<(urlset|sitemapindex)[\s>]", response.text[:2000]))
    )


def robots_sitemaps(robots: Response | None) -> list[str]:
    if robots is None or robots.status != 200 or not isinstance(robots, TextResponse):
        return []
    return [line.split(":", 1)[1].strip() for line in robots.text.splitlines() if line.lower().startswith("sitemap:")]


def news_sitemap(index: TextResponse) -> str:
    """A news sitemap an index names («news-sitemap.xml»), or «»."""
    locations = re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", index.text)
    return next((loc for loc in locations if NEWS_SITEMAP.search(urlsplit(loc).path)), "")


def next_page_of(page: TextResponse) -> tuple[str, str]:
    """The listing's next page: (its URL, how to find it: a selector or a page template)."""
    rel = page.css("a[rel~=next]::attr(href), link[rel=next]::attr(href)").get()
    if rel:
        return page.urljoin(rel), "a[rel~=next]::attr(href), link[rel=next]::attr(href)"
    for link in page.css("a"):
        text = " ".join(link.css("::text").getall())
        href = link.attrib.get("href", "")
        if href and NEXT_TEXT.match(text):
            url = page.urljoin(href)
            classes = link.attrib.get("class", "").split()
            return url, (f"a.{classes[0]}::attr(href)" if classes else "")
    return "", ""


def page_template(url: str) -> str:
    """«/news/page/{page}/» from the second page's URL, or «»."""
    match = PAGE_NUMBER.search(url)
    if not match:
        return ""
    parts = urlsplit(url)
    template = url[: match.start(3)] + "{page}" + url[match.end(3) :]
    return template[len(f"{parts.scheme}://{parts.netloc}") :]


async def discover(fetch: Fetch, home_url: str, name: str, site_name: str = "") -> Discovery:
    """Everything a registry entry needs, from the home page's address (see the module's docstring)."""
    hosts = tuple(dict.fromkeys([urlsplit(home_url).hostname or "", bare_host(home_url)]))
    found = Discovery(home=home_url, hosts=hosts)
    statuses: list[int] = []

    async def get(url: str) -> Response | None:
        response = await fetch(url)
        statuses.append(response.status if response is not None else 0)
        return response

    home = await get(home_url)
    if home is None or home.status != 200 or not isinstance(home, TextResponse):
        # Another page says whether the site turns the crawler away or only its home page failed.
        await get(urljoin(home_url, "/robots.txt"))
        if all(status == 403 for status in statuses):
            found.failure = "blocked: 403 on every page"
        elif home is None:
            found.failure = f"blocked: the home page {home_url} was not fetched (see the log)"
        else:
            found.failure = f"the home page {home_url} answered HTTP {home.status}"
        return found
    found.family, found.evidence = detect_family(home)
    found.site_name = site_name = site_name or home_site_name(home)
    bare = frozenset(map(bare_host, (f"https://{h}/" for h in hosts)))
    reader = candidate_site(name, found.family, hosts, site_name=site_name)

    # The articles: the group of the home page's links whose pages read as articles.
    groups, chrome = link_groups(home, bare)
    article_group: list[str] = []
    pages: dict[str, Response] = {}
    read: dict[str, ArticleItem] = {}
    for urls in [headlines for urls in groups if (headlines := [u for u in urls if u not in chrome])][:GROUPS_PROBED]:
        for url in urls[:PAGES_PER_GROUP]:
            if (response := await get(url)) is not None:
                pages[url] = response
            if (item := read_article(reader, response) if response is not None else None) is not None:
                read[url] = item
            else:
                found.not_articles.append(url)
        if all(url in read for url in urls[:PAGES_PER_GROUP]):
            article_group = urls
            break
    if not article_group:
        shop = shop_signs(home)
        if shop:
            found.failure = f"not a news site: {shop}, and none of its pages reads as an article"
        else:
            found.failure = "no article found: the home page links to no page that reads as an article"
        return found
    for url in article_group[PAGES_PER_GROUP:SAMPLES]:
        if (response := await get(url)) is not None:
            pages[url] = response
            if (item := read_article(reader, response)) is not None:
                read[url] = item

    # The rules: the news code as the pages print it (read without a URL rule), then the URL's id where it
    # agrees; the samples read again with the rules, as a crawl will read them (no request more).
    rule = shape_rule(article_group, hosts, chrome)
    site = candidate_site(name, found.family, hosts, rule, site_name)
    url_codes = {url: site.code_in_url(url) for url in article_group}
    found.news_code, url_code_serves = news_code_rule([Sample(url, read[url]) for url in read], url_codes)
    if not url_code_serves:
        rule = shape_rule(article_group, hosts, chrome, with_code=False)
        site = candidate_site(name, found.family, hosts, rule, site_name)
    found.article_url = rule
    if any(url_codes.values()) and url_code_serves:
        found.news_code = [step for step in found.news_code if step != "url_hash"]
    elif not found.news_code:
        found.news_code = ["url_hash"]
    found.samples = [
        Sample(url, item)
        for url in article_group[:SAMPLES]
        if url in read and (item := read_article(site, pages[url])) is not None
    ]

    found.strategies = await _strategies(get, home, found.family, article_group, site)
    return found


async def _strategies(get, home: TextResponse, family: str, article_group: list[str], site: Site) -> list[dict]:
    """The discovery strategies that answer, in the order a crawl tries them: the WordPress REST API, the
    listing, the feed, the sitemaps."""
    strategies = []
    if family == "wordpress":
        api_root = home.urljoin(home.css("link[rel='https://api.w.org/']::attr(href)").get() or "/wp-json/")
        api = await get(urljoin(api_root.rstrip("/") + "/", "wp/v2/posts?per_page=1"))
        if isinstance(api, TextResponse) and api.status == 200 and _json_list(api.text):
            strategies.append({"kind": "wordpress_api", "home": home.url})
    strategies.extend(await _listing(get, home, article_group, site, FAMILIES[family]))
    feeds = feed_links(home) or ([home.urljoin("/feed/")] if family == "wordpress" else [])
    for url in feeds[:1]:
        if is_feed(await get(url)):
            strategies.append({"kind": "feed", "url": url})
    robots = home.urljoin("/robots.txt")
    if robots_sitemaps(await get(robots)):
        strategies.append({"kind": "sitemap", "url": robots})
        return strategies
    usual = ["/sitemap.xml", "/sitemap_index.xml"] + (["/wp-sitemap.xml"] if family == "wordpress" else [])
    for path in usual:
        if is_sitemap(response := await get(home.urljoin(path))):
            strategies.append({"kind": "sitemap", "url": news_sitemap(response) or response.url})
            break
    return strategies


def _json_list(text: str) -> bool:
    try:
        return isinstance(json.loads(text), list)
    except ValueError:
        return False


class FetchesNow:
    """Spider mixin: `fetch_page(url)`, a page fetched at once through the crawl's downloader and its
    middlewares (the mirror, robots.txt, the host guard, retries, the browser for a CDN challenge), for
    `discover`; None when it was not fetched, the reason kept in `not_fetched`."""

    crawler: Crawler  # the spider's

    async def fetch_page(self, url: str) -> Response | None:
        try:
            return await self.crawler.engine.download_async(Request(url, dont_filter=True))
        except IgnoreRequest as refused:
            self.not_fetched.append(str(refused))
        except Exception as error:  # noqa: BLE001 - a page that failed is a page not read; said at the end
            self.not_fetched.append(f"{url}: {error}")
        return None

    @property
    def not_fetched(self) -> list[str]:
        return self.__dict__.setdefault("_not_fetched", [])


class NotASource(Exception):
    """A site that is no source, and why, in one line."""


async def registry_entry(fetch: Fetch, home_url: str, name: str = "site") -> dict:
    """The registry table of a site from its address alone, kept in memory: what a one-off crawl of an
    unregistered site (`scrapy crawl site -a url=…`) describes it with, from its `start()`:
    `await registry_entry(self.fetch_page, url)` with FetchesNow. NotASource says why it is none."""
    found = await discover(fetch, home_url, name)
    if why := found.why_not():
        raise NotASource(why)
    return found.table()


async def _listing(
    get, home: TextResponse, article_group: list[str], site: Site, family: Family
) -> list[dict[str, str]]:
    """The listing to walk: a page the home page names as the news archive that links to articles, with its
    next page; else the home page itself."""
    articles = set(article_group)
    candidates = []
    for link in home.css("a"):
        href = link.attrib.get("href", "")
        url = home.urljoin(href).split("#")[0] if href else ""
        text = " ".join(link.css("::text").getall()).strip()
        if (
            url
            and url not in articles
            and site.owns_url(url)
            and LISTING_WORDS.search(text + " " + url)
            and url.rstrip("/") != home.url.rstrip("/")
            and not site.is_article_url(url)
            and not TAXONOMY_URL.search(url)
        ):
            candidates.append(url)
    for url in list(dict.fromkeys(candidates))[:2]:
        page = await get(url)
        if not isinstance(page, TextResponse) or page.status != 200:
            continue
        linked = {page.urljoin(h) for h in page.css("a::attr(href)").getall()}
        if sum(site.is_article_url(u) for u in linked) >= 2:
            return [_listing_entry(page, site, family)]
    return [_listing_entry(home, site, family)]


def _listing_entry(page: TextResponse, site: Site, family: Family) -> dict[str, str]:
    entry = {"kind": "listing", "url": page.url, "section": "news"}
    # A theme unlike the family's usual ones: the walk takes every link the article rule accepts.
    if (
        family.listing_links
        and sum(site.is_article_url(page.urljoin(href)) for href in page.css(family.listing_links).getall()) < 2
    ):
        entry["links"] = ANY_LINK
    next_url, how = next_page_of(page)
    if next_url and how:
        entry["next_page"] = how
    elif next_url and (template := page_template(next_url)):
        entry["page_url"] = template
    return entry
