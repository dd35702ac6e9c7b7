"""WordPress's REST API (`/wp-json/wp/v2/`): the URLs the crawler asks. Its answers are read by
crawler/extract/posts.py; the walk of its pages of posts is the WordPressApi strategy
(crawler/sources/discovery.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urljoin

API_ROOT = "wp-json/wp/v2/"
# Only what the crawler reads: a page of posts is a tenth of its full size.
POST_FIELDS = ("id", "date_gmt", "modified_gmt", "link", "slug", "title", "content", "excerpt", "tags", "categories")
TAXONOMIES = ("tags", "categories")
# The REST API's own limit on per_page.
MAX_PER_PAGE = 100


def in_rest_api(url: str) -> bool:
    """Whether the URL asks the REST API (an answer in JSON), not a page of the site."""
    return f"/{API_ROOT}" in url


def api_url(home: str, route: str, **params: object) -> str:
    """The URL of a REST API route of the site at `home`, its parameters in a fixed order (the mirror
    keeps one file per URL)."""
    query = urlencode(sorted((name, str(value)) for name, value in params.items()), safe=",:")
    return urljoin(home, API_ROOT + route) + (f"?{query}" if query else "")


def posts_url(home: str, page: int, per_page: int, after: datetime | None = None) -> str:
    """A page of the newest posts (newest first); with `after`, only those published after that instant."""
    bound = {"after": after.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")} if after else {}
    return api_url(
        home,
        "posts",
        _fields=",".join(POST_FIELDS),
        orderby="date",
        order="desc",
        page=page,
        per_page=per_page,
        **bound,
    )


def month_count_url(home: str, after: datetime, before: datetime) -> str:
    """The posts published in [after, before): their count is the answer's X-WP-Total (one post id on its page)."""
    utc = "%Y-%m-%dT%H:%M:%SZ"
    return api_url(
        home,
        "posts",
        _fields="id",
        after=(after - timedelta(seconds=1)).astimezone(timezone.utc).strftime(utc),  # «after» is exclusive
        before=before.astimezone(timezone.utc).strftime(utc),
        per_page=1,
    )


def post_url(home: str, post_id: int) -> str:
    return api_url(home, f"posts/{post_id}", _fields=",".join(POST_FIELDS))


def post_by_slug_url(home: str, slug: str) -> str:
    return api_url(home, "posts", _fields=",".join(POST_FIELDS), slug=slug)


def terms_url(home: str, taxonomy: str, ids: list[int]) -> str:
    return api_url(home, taxonomy, _fields="id,name", include=",".join(map(str, sorted(ids))), per_page=MAX_PER_PAGE)
