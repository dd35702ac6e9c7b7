"""Persian text normalization and digit handling, shared by every source."""

from __future__ import annotations

import html
import re

ZWNJ = "\u200c"

# Arabic letters that Iranian CMSs mix with their Persian look-alikes.
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ڪ": "ک"})
_ARABIC_LETTER = re.compile("[يىكڪ]")
# Zero-width and bidi-control characters: invisible noise, except ZWNJ which is spelling.
_INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\n\r\v\f\x85\u2028\u2029\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# A ZWNJ next to a space joins nothing; a run of them is one.
_ZWNJ_BY_SPACE = re.compile(f" {ZWNJ}+ ?|{ZWNJ}+ ")
_ZWNJ_RUN = re.compile(f"{ZWNJ}{{2,}}")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_OTHER_DIGIT = re.compile("[۰-۹٠-٩]")
_INT = re.compile(r"\d[\d,٬]*")


def _unescape(text: str) -> str:
    """Entities decoded however many times the CMS escaped them (JSON-LD often holds «&amp;amp;»), so
    that normalizing twice changes nothing."""
    while "&" in text:
        # An entity may decode to an invisible character that hides another entity («&&#8203;amp;»).
        decoded = _INVISIBLE.sub("", html.unescape(text))
        if decoded == text:
            break
        text = decoded
    return text


def normalize_line(text: str) -> str:
    """One line of Persian text: entities decoded, letters unified, spaces collapsed, ZWNJ kept."""
    text = _INVISIBLE.sub("", text)
    if "&" in text:
        text = _unescape(text)
    # Looking for the letters first costs far less than translating a line that has none of them.
    if _ARABIC_LETTER.search(text):
        text = text.translate(_LETTERS)
    text = _SPACES.sub(" ", text)
    if ZWNJ in text:
        text = _ZWNJ_RUN.sub(ZWNJ, _ZWNJ_BY_SPACE.sub(" ", text))
    return text.strip()


def normalize_text(text: str | None) -> str:
    """Multi-line text: each line normalized, empty lines dropped, one paragraph per line."""
    if not text:
        return ""
    lines = (normalize_line(line) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as Latin ones."""
    return text.translate(_DIGITS) if _OTHER_DIGIT.search(text) else text


def parse_int(text: str | None) -> int | None:
    """The first whole number in the text, in any of the three digit sets, thousands separators allowed."""
    if not text:
        return None
    match = _INT.search(latin_digits(text))
    if not match:
        return None
    return int(re.sub(r"[,٬]", "", match.group(0)))
