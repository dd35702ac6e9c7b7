"""CDN challenges: the small page a CDN (ArvanCloud's, say) answers in place of the one asked for, whose
script sets a cookie and reloads. The browser's middleware (crawler/fetch/browser.py) and the browser
session (crawler/fetch/chromium.py) both recognize them here.
"""

from __future__ import annotations

import re
from typing import cast

from scrapy.http import Response, TextResponse

# A CDN challenge: a small HTML page whose script sets a known challenge cookie, or sets a cookie and
# reloads. Article pages are far larger than this.
CHALLENGE_MAX_BYTES = 64 * 1024
_CHALLENGE_SCRIPT = re.compile(rb"__arcsjs|document\.cookie\s*=[^<]*?location\.(?:reload|replace|href)", re.S)


def is_challenge(body: bytes) -> bool:
    return len(body) <= CHALLENGE_MAX_BYTES and bool(_CHALLENGE_SCRIPT.search(body))


def is_challenge_response(response: Response) -> bool:
    return (
        isinstance(response, TextResponse)
        and b"html" in cast(bytes, response.headers.get("Content-Type", b"html"))
        and is_challenge(response.body)
    )
