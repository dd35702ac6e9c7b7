"""A large synthetic mirror of every source, written from the fixture pages as templates.

Each source's article pages come from its golden fixture pages (tests/golden/<source>/*.json, each
naming a page of tests/mirror): the news code is replaced everywhere it is printed (URL, canonical,
JSON-LD, shortlink, «کد خبر» in Persian digits), by a code of the same kind (digits for a news id or
a WordPress post id, a letters-and-digits key for IMO). Where the URL does not carry the code (a
WordPress permalink is a slug), the copy's code is appended to the slug and every printing of the
path is replaced with it. The page is then padded with site chrome (style, scripts, menus, sidebars,
footer) to a realistic 40–150 KB. Listing pages are the source's first listing
page from the mirror with its article entries cloned to link the synthetic articles, paginated
through the spider's own next-page rule. Nothing here knows a source by name: a source with a
spider, golden files and a mirrored listing page is covered.

Each template is checked before use: one synthetic copy must parse to the golden item with its own
code and URL; a template that does not is left out and reported.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import lxml.html
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.extract.urls import canonical_url, escapes_in_case
from crawler.fetch.mirror import mirrored_url
from crawler.fetch.mirror_server import DEFAULT_ROOT, resolve
from tests.golden import GOLDEN_ROOT, as_json, parse_items, spider_for

PAGE_BYTES = (40_000, 150_000)
PER_LISTING = 30
SAMPLE_PER_SOURCE = 200
# Synthetic codes start here, far from any real code of the fixtures.
FIRST_CODE = 90_000_000
_DIGIT_SETS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
# Fields a synthetic copy must keep from its template; url and news_code change by design.
_CHANGED = {"url", "news_code", "crawled_at"}


def mirror_file(root: Path, url: str) -> Path:
    """Where the mirror server looks for a URL (the inverse of crawler.fetch.mirror_server.resolve)."""
    parts = urlsplit(url)
    relative = parts.netloc + unquote(parts.path or "/")
    if parts.query:
        relative += "?" + unquote(parts.query)
    elif relative.endswith("/"):
        relative += "index.html"
    return root / relative


def _in_digits(code: str, digits: str) -> str:
    return code.translate(str.maketrans("0123456789", digits))


def synthetic_code(number: int, like: str) -> str:
    """A news code of the same kind as `like`: digits for a numeric code (post id, news id), else
    an upper-case letters-and-digits key (IMO's content keys)."""
    if like.isdigit():
        return str(number)
    key = ""
    while number:
        number, digit = divmod(number, 36)
        key = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit] + key
    return key


def _code_printings(code: str) -> list[tuple[str, str]]:
    """(regex, marker) for each way a page prints a news code: a numeric code in any digit set, a
    key only whole, letter case as given."""
    if code.isdigit():
        return [
            (f"(?<![0-9۰-۹٠-٩]){_in_digits(code, digits)}(?![0-9۰-۹٠-٩])", f"code:{digits}") for digits in _DIGIT_SETS
        ]
    return [(f"(?<![0-9A-Za-z]){re.escape(code)}(?![0-9A-Za-z])", "code:")]


def _path_forms(path: str) -> dict[str, str]:
    """A URL path as a page may print it: percent-encoded in lower or upper case, decoded, or with
    JSON's escaped slashes (Yoast's JSON-LD)."""
    forms = {
        "lower": escapes_in_case(path, str.lower),
        "upper": escapes_in_case(path, str.upper),
        "decoded": unquote(path),
    }
    forms |= {f"json-{name}": form.replace("/", "\\/") for name, form in forms.items()}
    return forms


@dataclass
class Template:
    """A fixture article page cut into parts around every printing of what makes it one article:
    its news code (in any digit set) and, where the URL does not carry the code (WordPress
    permalinks), its URL path, to which a copy's code is appended."""

    url: str
    code: str
    expected: dict
    url_parts: list[str]
    page_parts: list[str]  # text, marker, text, marker, ...: markers «code:<digit set>» or «path:<form>»
    encoding: str  # the page's own (an old portal's windows-1256 stays windows-1256)

    @classmethod
    def from_golden(cls, path: Path) -> Template | str:
        """The template of a golden fixture, or why there is none."""
        golden = json.loads(path.read_text())
        url, code = golden["url"], golden["item"]["news_code"]
        page = resolve(DEFAULT_ROOT, mirrored_url("", url))
        if page is None:
            return "its page is not in the mirror"
        if code.startswith("h") and golden["item"].get("provenance", {}).get("news_code") == "url_hash":
            return "its news code is a hash of its URL"
        printings = _code_printings(code)
        in_url = re.compile("|".join(regex for regex, _ in printings)).split(url)
        if len(in_url) > 1:
            url_parts, replaced = in_url, printings
        else:
            parts = urlsplit(url)
            if parts.query or parts.fragment:
                return "its URL carries neither the news code nor a plain path"
            suffix = "/" if parts.path.endswith("/") else PurePosixPath(parts.path).suffix
            stem = parts.path[: len(parts.path) - len(suffix)]
            url_parts = [f"{parts.scheme}://{parts.netloc}{stem}-", suffix]
            replaced = printings + [(re.escape(form), f"path:{name}") for name, form in _path_forms(parts.path).items()]
        # Longest first, so that a path is replaced whole before a code inside it could be.
        replaced.sort(key=lambda printing: -len(printing[0]))
        response = HtmlResponse(url=url, body=page.read_bytes())
        markers = [marker for _, marker in replaced]
        pattern = re.compile("|".join(f"({regex})" for regex, _ in replaced))
        page_parts = []
        for index, part in enumerate(pattern.split(response.text)):
            group = index % (len(replaced) + 1)
            if group == 0:
                page_parts.append(part)
            elif part is not None:
                page_parts.append(markers[group - 1])
        return cls(url, code, golden["item"], url_parts, page_parts, response.encoding)

    def url_for(self, code: str) -> str:
        return code.join(self.url_parts)

    def page_for(self, code: str, chrome: Chrome, size: int) -> bytes:
        """The page of this code, padded with chrome to about `size` bytes."""
        path = _path_forms(urlsplit(self.url_for(code)).path)
        text = "".join(
            part if index % 2 == 0 else self._printed(part, code, path) for index, part in enumerate(self.page_parts)
        )
        return chrome.pad(text, size).encode(self.encoding, errors="xmlcharrefreplace")

    @staticmethod
    def _printed(marker: str, code: str, path: dict[str, str]) -> str:
        kind, form = marker.split(":", 1)
        if kind == "code":
            return _in_digits(code, form) if form else code
        return path[form]


class Chrome:
    """Site furniture to pad a page with: varied, parseable, and never part of an article."""

    def __init__(self, words: list[str], seed: int = 6):
        self.random = random.Random(seed)
        self.words = words or ["خبر", "شهر", "شهرداری"]
        self.head_blocks = [self._style(i) for i in range(40)] + [self._config_script(i) for i in range(40)]
        self.body_blocks = (
            [self._menu(i) for i in range(60)]
            + [self._sidebar(i) for i in range(200)]
            + [self._footer(i) for i in range(40)]
            + [self._tracking_script(i) for i in range(60)]
        )

    def _phrase(self, low: int = 4, high: int = 12) -> str:
        return " ".join(self.random.choices(self.words, k=self.random.randint(low, high)))

    def _style(self, i: int) -> str:
        rules = "\n".join(
            f".c{i}-{j} .box-{j} > li a.item-{j}{{margin:{j % 9}px {j % 7}px;padding:0 {j % 5}em;"
            f"font:{12 + j % 6}px/1.{j % 9} IRANSans,Tahoma,sans-serif;color:#{self.random.randrange(16**6):06x};"
            f"border-bottom:1px solid #{self.random.randrange(16**6):06x}}}"
            for j in range(30)
        )
        return f"<style>\n{rules}\n</style>\n"

    def _config_script(self, i: int) -> str:
        config = {
            "page": {
                "section": self._phrase(1, 2),
                "ads": [
                    {"slot": f"slot-{i}-{j}", "size": [300, 250], "targeting": self._phrase(2, 4)} for j in range(12)
                ],
            },
            "version": f"{i}.{self.random.randint(0, 99)}",
        }
        return f"<script>window.__CONFIG__ = {json.dumps(config, ensure_ascii=False)};</script>\n"

    def _links(self, count: int, prefix: str) -> str:
        return "".join(
            f'<li><a href="/{prefix}/{self.random.randint(1, 99999)}">{self._phrase(2, 4)}</a></li>'
            for _ in range(count)
        )

    def _menu(self, i: int) -> str:
        columns = "".join(
            f'<div class="col"><h4>{self._phrase(1, 2)}</h4><ul>{self._links(12, "service")}</ul></div>'
            for _ in range(4)
        )
        return f'<nav class="mega-menu menu-{i}">{columns}</nav>\n'

    def _sidebar(self, i: int) -> str:
        entries = "".join(
            f'<li><figure><img src="/img/t{self.random.randint(1, 9999)}.jpg" alt=""></figure>'
            f'<h3><a href="/tags/{self.random.randint(1, 99999)}">{self._phrase(6, 14)}</a></h3>'
            f'<span class="date">{self.random.randint(1, 29)} تیر ۱۴۰۴</span></li>'
            for _ in range(10)
        )
        return f'<section class="box side-{i}"><header><h2>{self._phrase(2, 4)}</h2></header><ul>{entries}</ul></section>\n'

    def _footer(self, i: int) -> str:
        return (
            f'<div class="footer-links f-{i}"><p>{self._phrase(20, 40)}</p><ul>{self._links(20, "page")}</ul></div>\n'
        )

    def _tracking_script(self, i: int) -> str:
        body = ";".join(f"t.push(['event','{self.random.randrange(16**8):08x}',{j}])" for j in range(40))
        return f"<script>(function(w,t){{t=w.__t=w.__t||[];{body}}})(window);</script>\n"

    def pad(self, page: str, size: int) -> str:
        """The page with chrome added in its head and at the end of its body until it has about `size` bytes."""
        missing = size - len(page.encode())
        head: list[str] = []
        body: list[str] = []
        while missing > 0:
            block = self.random.choice(self.head_blocks if len(head) * 4 < len(body) else self.body_blocks)
            (head if block in self.head_blocks else body).append(block)
            missing -= len(block.encode())
        page = _insert_before(page, "</head>", "".join(head))
        return _insert_before(page, "</body>", f'<div class="site-chrome">{"".join(body)}</div>')


def _insert_before(page: str, tag: str, html: str) -> str:
    at = page.lower().rfind(tag)
    return page + html if at < 0 else page[:at] + html + page[at:]


def _element_queries(css: str) -> list[str]:
    """Element selectors of a «…::attr(href)» selector list (a listing's links, its «next» link)."""
    return [re.sub(r"::attr\([^)]*\)\s*$", "", part.strip()) for part in css.split(",") if part.strip()]


def _child_towards(ancestor, element):
    while element.getparent() is not ancestor:
        element = element.getparent()
    return element


class Listing:
    """A source's first listing page as a template: its article entries become clonable units."""

    def __init__(self, spider, url: str, body: bytes):
        self.spider = spider
        self.url = url
        response = HtmlResponse(url=url, body=body)
        self.encoding = response.encoding
        self.html = response.text
        tree = self._tree()
        if not self._links(tree):
            raise LookupError(f"{url}: no article link matches the links of the spider's listing")
        self.paginated = bool(self._next_links(tree)) or bool(spider.listing.page_url)

    def _tree(self):
        return lxml.html.document_fromstring(self.html)

    def _select(self, tree, css: str) -> list:
        selector = Selector(root=tree)
        found = (match.root for query in _element_queries(css) for match in selector.css(query))
        return list(dict.fromkeys(found))  # one element may match several selectors of the list

    def _links(self, tree) -> list:
        return [
            a
            for a in self._select(tree, self.spider.listing.links)
            if self.spider.is_article_url(self.spider_url(a.get("href", "")))
        ]

    def _next_links(self, tree) -> list:
        return self._select(tree, self.spider.listing.next_page)

    def spider_url(self, href: str) -> str:
        return HtmlResponse(url=self.url, body=b"").urljoin(href.strip())

    def page_url(self, page: int, previous: str) -> str:
        if page == 1:
            return self.url
        if self.spider.listing.page_url and not self._next_links(self._tree()):
            return HtmlResponse(url=previous, body=b"").urljoin(self.spider.listing.page_url.format(page=page))
        return f"{self.url}{'&' if '?' in self.url else '?'}page={page}"

    def render(self, article_urls: list[str], next_url: str | None) -> bytes:
        tree = self._tree()
        links = self._links(tree)
        first = links[0]
        other = next((a for a in links if a.get("href") != first.get("href")), None)
        if other is not None:
            container = next(a for a in first.iterancestors() if other in a.iterdescendants())
            unit = _child_towards(container, first)
        else:
            unit = next(first.iterancestors("li"), first)
            container = unit.getparent()
        old_units = [child for child in container if any(a in links for a in child.iter("a"))]
        position = container.index(old_units[0])
        for child in old_units:
            container.remove(child)
        for offset, url in enumerate(article_urls):
            clone = lxml.html.fromstring(lxml.html.tostring(unit, encoding="unicode"))
            for a in clone.iter("a"):
                if self.spider.is_article_url(self.spider_url(a.get("href", ""))):
                    a.set("href", url)
            container.insert(position + offset, clone)
        for link in self._next_links(tree):
            if next_url:
                link.set("href", next_url)
            else:
                link.drop_tree()
        html = lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
        return html.encode(self.encoding, errors="xmlcharrefreplace")


@dataclass
class SourceReport:
    source: str
    articles: int = 0
    listing_pages: int = 0
    templates: list[str] = field(default_factory=list)
    sample: list[str] = field(default_factory=list)  # article URLs spread over the source, for per-page figures
    left_out: dict[str, str] = field(default_factory=dict)  # template or source -> why


@dataclass
class Manifest:
    root: str
    article_pages: int
    bytes: int
    sources: dict[str, SourceReport]

    def write(self) -> None:
        data = {**asdict(self), "sources": {name: asdict(report) for name, report in self.sources.items()}}
        (Path(self.root) / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2))

    @property
    def crawled_sources(self) -> list[str]:
        return sorted(name for name, report in self.sources.items() if report.articles)


def _same_item(template: Template, body: bytes, code: str) -> str:
    """Why a synthetic copy does not parse to its template's golden item, or "" when it does."""
    url = template.url_for(code)
    try:
        (item,) = parse_items(url, body)
    except ValueError as error:
        return f"parsed to no single item ({error})"
    actual = as_json(item)
    if actual["news_code"] != code:
        return f"news code {actual['news_code']!r}, not {code!r}"
    if actual["url"] != canonical_url(url):
        return f"URL {actual['url']!r}, not {url!r}"
    wrong = sorted(
        name
        for name in set(actual) | set(template.expected) - _CHANGED
        if name not in _CHANGED and actual.get(name) != template.expected.get(name)
    )
    return f"fields differ from the golden item: {', '.join(wrong)}" if wrong else ""


def source_names() -> list[str]:
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    return sorted(SpiderLoader.from_settings(get_project_settings()).list())


def generate(root: Path, article_pages: int = 10_000, per_listing: int = PER_LISTING, seed: int = 6) -> Manifest:
    """Writes the synthetic mirror under root (emptied first) and its manifest.json."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(seed)
    reports = {name: SourceReport(name) for name in source_names()}
    plans: dict[str, tuple[list[Template], Listing]] = {}
    words: set[str] = set()
    for name, report in reports.items():
        templates = []
        for path in sorted((GOLDEN_ROOT / name).glob("*.json")):
            template = Template.from_golden(path)
            if isinstance(template, str):
                report.left_out[path.name] = template
                continue
            templates.append(template)
            words.update(w for w in template.expected["body"].split() if len(w) > 1)
        if not templates:
            report.left_out.setdefault("source", "no usable golden fixture page")
            continue
        spider = spider_for(templates[0].url)
        section_url = spider.sections.get(spider.section or "", "")
        listing_file = resolve(DEFAULT_ROOT, mirrored_url("", section_url)) if section_url else None
        if listing_file is None:
            report.left_out["source"] = f"its first listing page {section_url!r} is not in the mirror"
            continue
        try:
            plans[name] = (templates, Listing(spider, section_url, listing_file.read_bytes()))
        except LookupError as error:
            report.left_out["source"] = str(error)
    chrome = Chrome(sorted(words), seed)

    for name, (templates, _) in plans.items():
        usable = []
        for template in templates:
            probe = synthetic_code(FIRST_CODE - 1, template.code)
            page = template.page_for(probe, chrome, PAGE_BYTES[0])
            why = _same_item(template, page, probe)
            if why:
                reports[name].left_out[f"{template.code}.json"] = why
            else:
                usable.append(template)
        plans[name] = (usable, plans[name][1])
        if not usable:
            reports[name].left_out["source"] = "no template survives being copied"
    plans = {name: plan for name, plan in plans.items() if plan[0]}

    total_bytes = 0
    next_code = FIRST_CODE
    shares = {name: article_pages // len(plans) + (i < article_pages % len(plans)) for i, name in enumerate(plans)}
    for name, (templates, listing) in plans.items():
        report = reports[name]
        urls = []
        for index in range(shares[name]):
            template = templates[index % len(templates)]
            code = synthetic_code(next_code, template.code)
            next_code += 1
            url = template.url_for(code)
            body = template.page_for(code, chrome, rng.randint(*PAGE_BYTES))
            total_bytes += _write(root, url, body)
            urls.append(url)
        report.articles = len(urls)
        report.sample = urls[:: max(1, len(urls) // SAMPLE_PER_SOURCE)][:SAMPLE_PER_SOURCE]
        report.templates = [t.code for t in templates]
        per_page = per_listing if listing.paginated else len(urls)
        chunks = [urls[i : i + per_page] for i in range(0, len(urls), per_page)]
        page_url: str | None = listing.page_url(1, listing.url)
        for number, chunk in enumerate(chunks, start=1):
            assert page_url is not None  # None only after the last page
            next_url = listing.page_url(number + 1, page_url) if number < len(chunks) else None
            total_bytes += _write(root, page_url, listing.render(chunk, next_url))
            page_url = next_url
        report.listing_pages = len(chunks)
        robots = mirror_file(DEFAULT_ROOT, f"https://{urlsplit(listing.url).netloc}/robots.txt")
        if robots.is_file():
            _write(root, f"https://{urlsplit(listing.url).netloc}/robots.txt", robots.read_bytes())
    manifest = Manifest(str(root), sum(r.articles for r in reports.values()), total_bytes, reports)
    manifest.write()
    return manifest


def _write(root: Path, url: str, body: bytes) -> int:
    path = mirror_file(root, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return len(body)
