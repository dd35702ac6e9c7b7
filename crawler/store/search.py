"""Persian full-text search: the folding that makes the spellings a reader types find the same words.

The stored text is normalized (crawler/extract/text.py: letters unified, ZWNJ kept, invisible characters
gone), and what a reader types is normalized the same way. Search folds both further, alike:

- Arabic letter forms → their Persian ones (ي ى → ی, ك ڪ → ک, ۀ ة → ه, أ إ ٱ → ا, ؤ → و);
- harakat, Quranic marks and tatweel removed (کِتـــاب → کتاب);
- ZWNJ and punctuation → a space, so «کتاب‌ها» is the words کتاب and ها;
- Persian and Arabic-Indic digits → Latin ones (۱۴۰۲ and 1402 are one number); A–Z → a–z.

A word written with a ZWNJ is indexed a second time joined (کتاب‌ها also as کتابها), so the query
کتابها, written without it, finds it too; the query کتاب ها or کتاب‌ها finds both words.

Folding is a character table (`FOLDING`): Python translates with it, and the database runs the same
table: on SQLite as the functions `persian_fold` / `persian_search_text` that every connection of the
store and of Datasette registers (`register`), on PostgreSQL as SQL functions of the same names made
from the same table (`POSTGRESQL_FUNCTIONS`, created by the migration).
"""

from __future__ import annotations

import re
import string

from sqlalchemy import Connection
from sqlalchemy import text as sql

from crawler.extract.text import ZWNJ, normalize_text

_LETTERS = {"ي": "ی", "ى": "ی", "ك": "ک", "ڪ": "ک", "ۀ": "ه", "ة": "ه", "أ": "ا", "إ": "ا", "ٱ": "ا", "ؤ": "و"}
_MARKS = ([chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"]
          + [chr(c) for c in range(0x06D6, 0x06DD)] + [chr(c) for c in range(0x06DF, 0x06E9)]
          + [chr(c) for c in range(0x06EA, 0x06EE)])
_SEPARATORS = (ZWNJ + string.punctuation + "«»‹›،؛؟٪٫٬…–—‐‑‒―‘’‚“”„•·٭۔")
_DIGITS = dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))
_UPPER = dict(zip(string.ascii_uppercase, string.ascii_lowercase))

#: character → what it folds to: a letter, a space, or nothing.
FOLDING: dict[str, str] = {**_LETTERS, **_DIGITS, **_UPPER, **dict.fromkeys(_SEPARATORS, " "),
                           **dict.fromkeys(_MARKS, "")}
# The characters to fold, found by one regular expression: faster than str.translate on long Persian text.
_FOLDED = re.compile("[" + re.escape("".join(FOLDING)) + "]")
# A word with a ZWNJ in it, with whatever punctuation clings to it (folded away afterwards).
_JOINED_WORD = re.compile(f"\\S*{ZWNJ}\\S*")


def fold_characters(text: str | None) -> str:
    """Text folded by the table, one space between words: what the database's `persian_fold` does."""
    return " ".join(_FOLDED.sub(lambda match: FOLDING[match.group()], text or "").split())


def fold(text: str | None) -> str:
    """What a reader typed, as search sees it: normalized (crawler/extract/text.py), then folded."""
    return fold_characters(normalize_text(text))


def search_text(text: str | None) -> str:
    """What the index holds for a stored text (normalized when it was stored): its folded words, then
    each ZWNJ-joined word again, joined. The database's `persian_search_text`."""
    joined = " ".join(word.replace(ZWNJ, "") for word in _JOINED_WORD.findall(text or ""))
    return " ".join(filter(None, (fold_characters(text), fold_characters(joined))))


def fts_query(text: str | None) -> str:
    """An FTS5 query for what a reader typed: every folded word must occur (each quoted, so nothing in
    the text is read as query syntax). No word at all: a query that matches nothing."""
    return " ".join(f'"{word}"' for word in fold(text).split()) or '""'


def register(dbapi_connection) -> None:
    """The folding functions on a SQLite connection: the index triggers and the search queries call them."""
    for name, function in (("persian_fold", fold_characters), ("persian_search_text", search_text),
                           ("persian_fts_query", fts_query)):
        dbapi_connection.create_function(name, 1, function, deterministic=True)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# translate() maps the n-th character of `from` to the n-th of `to` and drops those past its end.
_KEPT = [char for char in FOLDING if FOLDING[char]]
_DROPPED = [char for char in FOLDING if not FOLDING[char]]

_FOLD_FROM = _literal("".join(_KEPT + _DROPPED))
_FOLD_TO = _literal("".join(FOLDING[char] for char in _KEPT))
_JOINED_WORD_SQL = _literal(f"(\\S*{ZWNJ}\\S*)")

#: The same folding on PostgreSQL (the trigger and a psql user call them; on text already normalized).
POSTGRESQL_FUNCTIONS = (f"""
CREATE FUNCTION persian_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fold$
  SELECT btrim(regexp_replace(translate($1, {_FOLD_FROM}, {_FOLD_TO}), '\\s+', ' ', 'g'))
$fold$""", f"""
CREATE FUNCTION persian_search_text(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $search$
  SELECT btrim(persian_fold($1) || ' ' || coalesce(persian_fold(
    (SELECT string_agg(replace(word[1], {_literal(ZWNJ)}, ''), ' ')
       FROM regexp_matches($1, {_JOINED_WORD_SQL}, 'g') AS word)), ''))
$search$""")


def find(connection: Connection, text: str, limit: int = 100) -> list[int]:
    """The ids of the articles that hold every word of `text`, best first (title before lead before body)."""
    if connection.dialect.name == "postgresql":
        statement = sql("SELECT article_id FROM article_search, plainto_tsquery('simple', :words) AS query"
                        " WHERE document @@ query ORDER BY ts_rank(document, query) DESC, article_id LIMIT :limit")
        return list(connection.execute(statement, {"words": fold(text), "limit": limit}).scalars())
    query = fts_query(text)
    statement = sql("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :query"
                    " ORDER BY bm25(articles_fts, 5.0, 2.0, 1.0), rowid LIMIT :limit")
    return list(connection.execute(statement, {"query": query, "limit": limit}).scalars())
