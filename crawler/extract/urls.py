"""A source's URLs: the host a URL belongs to, and the spellings under which one page's URL is stored."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import safe_url_string

_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def bare_host(url_or_host: str) -> str:
    host = urlsplit(url_or_host).hostname if "/" in url_or_host else url_or_host
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def escapes_in_case(text: str, case: Callable[[str], str]) -> str:
    """The text with its percent-escapes in one letter case («%D8%A7» or «%d8%a7»): sites print
    them either way."""
    return _ESCAPE.sub(lambda m: case(m.group()), text)


def canonical_url(url: str) -> str:
    """The one spelling an article's URL is stored under: safe (non-ASCII percent-encoded, as w3lib
    does), the host in lower case and every percent-escape in upper case (RFC 3986's normal form), so
    that a slug a site escapes as «%d8%a7» and another page as «%D8%A7» is one URL."""
    parts = urlsplit(safe_url_string(url))
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            escapes_in_case(parts.path, str.upper),
            escapes_in_case(parts.query, str.upper),
            escapes_in_case(parts.fragment, str.upper),
        )
    )


def url_variants(url: str) -> set[str]:
    """The spellings under which a page's URL may have been stored: http or https, with or without
    «www.», with or without a trailing slash, percent-escapes in upper or lower case (articles stored
    before URLs were stored in their canonical form kept the site's case)."""
    parts = urlsplit(safe_url_string(url))
    host = bare_host(parts.netloc)
    path = parts.path.rstrip("/")
    cases = {escapes_in_case(path, case) for case in (str.upper, str.lower)}
    return {
        urlunsplit((scheme, netloc, (spelled + slash) or "/", parts.query, ""))
        for scheme, netloc, slash, spelled in itertools.product(
            ("https", "http"), (host, f"www.{host}"), ("", "/"), cases
        )
    }
