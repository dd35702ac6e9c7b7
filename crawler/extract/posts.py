"""WordPress REST API answers read into articles: a post (`Post`), a page of posts, the names of tags
and categories, and the article a post makes (`post_item`), its body cleaned by the same rules as
the body of the site's pages (crawler/extract/article.py). The self-check compares it with the article
the post's page makes.

A post's id, `date_gmt` and `modified_gmt` are exact whatever the theme prints. A site may close the
API (401/403/404, `rest_disabled`, an HTML page, JSON that is not posts): `read_posts` says so with
`ApiClosed`, and the spider reads the HTML for the rest of the run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import cast

import lxml.html
from scrapy.http import Response, TextResponse

from crawler.extract.article import ArticlePage, body_of, lead_or_nothing
from crawler.extract.blocks import block_text
from crawler.extract.dates import SECOND, TEHRAN, jalali_day
from crawler.extract.site import Site
from crawler.extract.text import normalize_line
from crawler.extract.urls import canonical_url
from crawler.items import ArticleItem

# What the self-check compares between a post and its page (docs/wordpress.md: «The self-check»).
CHECKED = ("title", "date", "news_code", "first_paragraph", "last_paragraph")
# The fields a post gives, with provenance «api».
POST_FIELDS_READ = ("news_code", "title", "lead", "body", "published_at", "category", "tags")


class ApiClosed(Exception):
    """The site does not serve its posts through the REST API (the message says how it refused)."""


class MalformedJson(ApiClosed):
    """The API answered JSON that does not parse: a fault of the site, counted as one."""


def _gmt(value: object) -> datetime | None:
    """A «…_gmt» field: UTC without an offset."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _rendered(value: object) -> str:
    return value.get("rendered", "") if isinstance(value, dict) and isinstance(value.get("rendered"), str) else ""


def _ids(value: object) -> tuple[int, ...]:
    return tuple(v for v in value if isinstance(v, int)) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Post:
    """One post as the REST API serves it."""

    id: int
    link: str
    slug: str
    title: str
    content: str
    excerpt: str
    published_at: datetime
    modified_at: datetime | None
    tags: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: object) -> Post | None:
        """The post, or None when the JSON is not a published post (no id, link or date)."""
        if not isinstance(data, dict):
            return None
        published_at = _gmt(data.get("date_gmt"))
        if not isinstance(data.get("id"), int) or not isinstance(data.get("link"), str) or published_at is None:
            return None
        return cls(
            id=data["id"],
            link=data["link"],
            slug=str(data.get("slug") or ""),
            title=_rendered(data.get("title")),
            content=_rendered(data.get("content")),
            excerpt=_rendered(data.get("excerpt")),
            published_at=published_at,
            modified_at=_gmt(data.get("modified_gmt")),
            tags=_ids(data.get("tags")),
            categories=_ids(data.get("categories")),
        )

    @property
    def terms(self) -> dict[str, tuple[int, ...]]:
        return {"tags": self.tags, "categories": self.categories}


def html_text(fragment: str) -> str:
    """The text of a rendered field (a title, an excerpt), one paragraph a line."""
    if not fragment.strip():
        return ""
    return block_text(lxml.html.fragment_fromstring(fragment, create_parent="div"))


def read_json(response: Response) -> object:
    """The JSON of an API answer; ApiClosed when the answer is not JSON (a page of the site's theme,
    a login form), MalformedJson when it does not parse."""
    kind = (response.headers.get("Content-Type") or b"").decode(errors="replace").lower()
    body = response.body.lstrip()
    if "json" not in kind and not body.startswith((b"[", b"{")):
        raise ApiClosed(f"an HTML answer ({kind or 'no Content-Type'}), not JSON")
    try:
        return json.loads(response.text if isinstance(response, TextResponse) else body)
    except ValueError as error:
        raise MalformedJson(f"malformed JSON ({error})") from None


def refusal(data: object) -> str:
    """How the API's JSON says it is closed («rest_disabled», «rest_forbidden»…), or ""."""
    return str(data.get("code")) if isinstance(data, dict) and data.get("code") else ""


def read_posts(response: Response) -> list[Post]:
    """The posts of an answer to a posts query (a list), or of a single post (an object)."""
    data = read_json(response)
    if refusal(data):
        raise ApiClosed(refusal(data))
    entries = data if isinstance(data, list) else [data]
    posts = [Post.from_json(entry) for entry in entries]
    if not isinstance(data, (list, dict)) or not all(posts):
        raise ApiClosed("JSON that is not a list of posts")
    return cast("list[Post]", posts)  # none is None: all(posts)


def total_pages(response: Response) -> int | None:
    value = (response.headers.get("X-WP-TotalPages") or b"").decode(errors="replace").strip()
    return int(value) if value.isdigit() else None


def total_posts(response: Response) -> int | None:
    """The posts the site says it has published (X-WP-Total), for the query asked."""
    value = (response.headers.get("X-WP-Total") or b"").decode(errors="replace").strip()
    return int(value) if value.isdigit() else None


def read_terms(response: Response) -> dict[int, str]:
    """The names of tags or categories by id; {} when the answer is not a list of terms."""
    data = read_json(response)
    if not isinstance(data, list):
        return {}
    return {
        entry["id"]: entry["name"]
        for entry in data
        if isinstance(entry, dict) and isinstance(entry.get("id"), int) and isinstance(entry.get("name"), str)
    }


def post_item(
    site: Site, post: Post, term_names: Mapping[str, Mapping[int, str]], page: ArticlePage | None = None
) -> ArticleItem:
    """The article from its post, its body cleaned by the rules of the site's pages (and of its own page,
    when read: a kicker the page prints above the content is not the body's)."""
    title = normalize_line(html_text(post.title))
    body = body_of(site, post.content, title, page.selected_text("kicker") if page else "")
    published_at = post.published_at.astimezone(TEHRAN)
    tags = [normalize_line(term_names["tags"][term]) for term in post.tags if term in term_names["tags"]]
    categories = [term_names["categories"][term] for term in post.categories if term in term_names["categories"]]
    item = ArticleItem(
        source=site.name,
        news_code=str(post.id),
        url=canonical_url(post.link),
        title=title,
        lead=lead_or_nothing(html_text(post.excerpt), body),
        body=body,
        published_at=published_at,
        published_jalali=jalali_day(published_at),
        published_precision=SECOND,
        category=normalize_line(categories[-1]) if categories else "",
        tags=tags,
        crawled_at=page.now if page else datetime.now(timezone.utc),
        modified_at=post.modified_at,
    )
    item.provenance = {name: "api" for name in POST_FIELDS_READ if getattr(item, name)}
    return item


def take_page_fields(item: ArticleItem, page_item: ArticleItem, fields: tuple[str, ...]) -> None:
    """The fields the post lacks, from its page, with their provenance."""
    for name in fields:
        setattr(item, name, getattr(page_item, name))
        if name in page_item.provenance:
            item.provenance[name] = page_item.provenance[name]


@dataclass
class SelfCheck:
    """What a post's page says against the post: the fields where they differ (CHECKED's names)."""

    differences: list[str] = field(default_factory=list)

    @classmethod
    def compare(cls, post_item: ArticleItem, page_item: ArticleItem | None) -> SelfCheck:
        if page_item is None:
            return cls(list(CHECKED))
        post_lines, page_lines = post_item.body.split("\n"), page_item.body.split("\n")
        same = {
            "title": post_item.title == page_item.title,
            # The page may print only the day; the instant's day on Tehran's clock must be that day.
            "date": page_item.published_at is not None
            and post_item.published_at is not None
            and post_item.published_at.astimezone(TEHRAN).date() == page_item.published_at.astimezone(TEHRAN).date(),
            "news_code": post_item.news_code == page_item.news_code,
            "first_paragraph": post_lines[0] == page_lines[0],
            "last_paragraph": post_lines[-1] == page_lines[-1],
        }
        return cls([name for name in CHECKED if not same[name]])

    @property
    def agrees(self) -> bool:
        return not self.differences
