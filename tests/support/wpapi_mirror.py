"""The REST API of the WordPress sources in the mirror, written from their fixture pages' golden files.

    python -m tests.support.wpapi_mirror  # (re)writes tests/mirror/<host>/wp-json/…, tests/golden/<source>/api.json

Each fixture article is a post with the same id, link, title, lead (as its excerpt), body (as its
content), tags and category; its instant is the page's own when the page gives one to the second
(JSON-LD, meta), else a time on the page's day (the page prints only the day, or the minute).
Written: pages of the newest posts at each per_page the tests use (with «X-WP-Total» and
«X-WP-TotalPages» in a «.headers» file, see crawler/fetch/mirror_server.py), those of the backfills the
tests run (`after=`), the counts of the posts of the last Jalali months, every single post by id and by
slug, and the names of the tags and categories of each page and each post, as the crawler asks for them.
`api.json` holds each post's exact instant, for the tests' expectations. Review the diff before committing it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from crawler.extract.dates import TEHRAN, jalali_months, parse_day_bound
from crawler.fetch.mirror_server import DEFAULT_ROOT, HEADERS_SUFFIX, mirror_path
from crawler.sources.discovery import WordPressApi
from crawler.sources.wpapi import month_count_url, post_by_slug_url, post_url, posts_url, terms_url
from settings import WORDPRESS_API_MONTHS
from tests.golden import GOLDEN_ROOT
from tests.support.served import SPIDERS, WORDPRESS_HOSTS

SOURCES = tuple(WORDPRESS_HOSTS)
# per_page values the crawler asks with: the default, and a small one that paginates every site.
PER_PAGE = (10, 3)
# The backfills the tests run through the API (source, «-a since»).
BACKFILLS = (("semnan", "1400-09-01"),)
# Provenance of a date the page gives to the second.
EXACT = {"jsonld", "meta"}


@dataclass
class FixturePost:
    item: dict
    published_at: datetime  # exact, UTC
    tags: list[int]
    categories: list[int]

    @property
    def id(self) -> int:
        return int(self.item["news_code"])

    @property
    def slug(self) -> str:
        return urlsplit(self.item["url"]).path.strip("/").split("/")[-1]

    def json(self) -> dict:
        item = self.item
        body = "".join(f"<p>{html.escape(line, quote=False)}</p>\n" for line in item["body"].split("\n"))
        opening = html.escape(" ".join(item["body"].split()[:25]), quote=False)
        excerpt = html.escape(item["lead"], quote=False) if item["lead"] else f"{opening} [&hellip;]"
        return {
            "id": self.id,
            "date_gmt": self.published_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "modified_gmt": (self.published_at + timedelta(hours=2, seconds=self.id % 600)).strftime(
                "%Y-%m-%dT%H:%M:%S"
            ),
            "slug": self.slug,
            "link": item["url"],
            "title": {"rendered": html.escape(item["title"], quote=False)},
            "content": {"rendered": body, "protected": False},
            "excerpt": {"rendered": f"<p>{excerpt}</p>\n", "protected": False},
            "tags": self.tags,
            "categories": self.categories,
        }


def exact_instant(item: dict) -> datetime:
    """The post's instant: the page's when exact; else a time of the page's day, or seconds within its minute."""
    printed = datetime.fromisoformat(item["published_at"])
    code = int(item["news_code"])
    if item["provenance"].get("published_at") in EXACT:
        moment = printed
    elif printed.time() == datetime.min.time():  # the page prints the day only
        moment = printed + timedelta(hours=8, seconds=code * 37 % 36_000)
    else:
        moment = printed + timedelta(seconds=code % 60)
    return moment.astimezone(timezone.utc)


def fixture_posts(source: str) -> list[FixturePost]:
    """The source's golden articles as posts, newest first, with term ids numbered as they first appear."""
    items = [json.loads(path.read_text())["item"] for path in sorted((GOLDEN_ROOT / source).glob("*.json"))]
    items.sort(key=exact_instant, reverse=True)
    tags: dict[str, int] = {}
    categories: dict[str, int] = {}
    posts = []
    for item in items:
        tag_ids = [tags.setdefault(name, 100 + len(tags)) for name in item["tags"]]
        category_ids = [categories.setdefault(item["category"], 10 + len(categories))] if item["category"] else []
        posts.append(FixturePost(item, exact_instant(item), tag_ids, category_ids))
    return posts


def term_names(posts: list[FixturePost]) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = {"tags": {}, "categories": {}}
    for post in posts:
        names["tags"].update(zip(post.tags, post.item["tags"]))
        names["categories"].update(zip(post.categories, [post.item["category"]] * len(post.categories)))
    return names


def write(root: Path, url: str, data: object, headers: dict[str, str] | None = None) -> None:
    path = mirror_path(root, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    if headers:
        path.with_name(path.name + HEADERS_SUFFIX).write_text("".join(f"{k}: {v}\n" for k, v in headers.items()))


def write_terms(
    root: Path,
    home: str,
    posts: list[FixturePost],
    names: dict[str, dict[int, str]],
    asked: dict[str, set[int]] | None = None,
) -> None:
    """The names the crawler asks for after reading these posts: one request per taxonomy, for the ids
    not `asked` earlier in the run."""
    asked = asked if asked is not None else {"tags": set(), "categories": set()}
    for taxonomy in ("tags", "categories"):
        ids = sorted({term for post in posts for term in getattr(post, taxonomy)} - asked[taxonomy])
        asked[taxonomy].update(ids)
        if ids:
            write(root, terms_url(home, taxonomy, ids), [{"id": term, "name": names[taxonomy][term]} for term in ids])


def write_source(root: Path, source: str) -> dict[str, str]:
    api = SPIDERS.load(source).strategy(WordPressApi)
    assert api is not None, f"{source} reads no REST API"
    home = api.home
    posts = fixture_posts(source)
    names = term_names(posts)
    queries: list[tuple[int, datetime | None]] = [(per_page, None) for per_page in PER_PAGE]
    queries += [(PER_PAGE[0], parse_day_bound(since)) for name, since in BACKFILLS if name == source]
    for per_page, after in queries:
        listed = [post for post in posts if after is None or post.published_at > after]
        pages = max(1, -(-len(listed) // per_page))
        asked: dict[str, set[int]] = {"tags": set(), "categories": set()}
        for page in range(1, pages + 1):
            chunk = listed[(page - 1) * per_page : page * per_page]
            write(
                root,
                posts_url(home, page, per_page, after),
                [post.json() for post in chunk],
                {"X-WP-Total": str(len(listed)), "X-WP-TotalPages": str(pages)},
            )
            write_terms(root, home, chunk, names, asked)
    # The counts of the posts of the last Jalali months (ending with the newest post's), as a run asks them.
    for _, start, end in jalali_months(posts[0].published_at, WORDPRESS_API_MONTHS):
        ids = [{"id": post.id} for post in posts if start <= post.published_at < end]
        write(
            root,
            month_count_url(home, start, end),
            ids[:1],
            {"X-WP-Total": str(len(ids)), "X-WP-TotalPages": str(len(ids))},
        )
    for post in posts:
        write(root, post_url(home, post.id), post.json())
        write(root, post_by_slug_url(home, unquote(post.slug)), [post.json()])
        write_terms(root, home, [post], names)
    return {post.item["news_code"]: post.published_at.astimezone(TEHRAN).isoformat() for post in posts}


def main(root: Path = DEFAULT_ROOT) -> None:
    for source in SOURCES:
        instants = write_source(root, source)
        expectations = GOLDEN_ROOT / source / "api" / "published_at.json"
        expectations.parent.mkdir(exist_ok=True)
        expectations.write_text(json.dumps(instants, indent=2, sort_keys=True) + "\n")
        print(f"{source}: {len(instants)} posts; {expectations}")


if __name__ == "__main__":
    main()
