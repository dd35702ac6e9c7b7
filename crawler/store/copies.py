"""Syndicated copies: an IMO announcement republished by a provincial portal, an agency story run by a
news site. Copies are the same news, not new news, but they are not duplicates to drop either: both
articles stay, linked in the table `copies`, the one published first as the original.

A body is compared as the set of its word shingles (runs of SHINGLE_WORDS words of the folded text,
crawler/store/search.py), so an agency prefix, a dropped last paragraph or a closing «انتهای پیام» leave
most shingles in common. Candidates come from MinHash locality-sensitive hashing: each body's
signature is cut into bands kept in `copy_bands`, and articles sharing a band are compared exactly;
a pair whose Jaccard similarity reaches COPIES_THRESHOLD is linked. An article stored again with the same
content hash (title, lead and body) is a copy without comparing.

`LinkCopies` runs after the store: for every article stored new or updated, in the store's own
transaction size.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from datetime import datetime, timezone
from itertools import chain
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from sqlalchemy import ColumnElement, Engine, Text, any_, bindparam, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from crawler.items import ArticleItem
from crawler.stats import COPIES_FAILED, COPIES_LINKED
from crawler.store.database import Article, ArticleCopy, CopyBand, Outcome, Store, articles_stored
from crawler.store.search import fold_characters

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 3
# A body shorter than this is not compared (a photo report's caption, a one-line notice): such bodies
# repeat without being the same news.
MIN_WORDS = 40
# Articles linked per transaction (their band keys are bound parameters of one statement).
BATCH = 500
PERMUTATIONS = 128
# Shingles whose permuted hashes are computed at once (512 bytes each): a buffer the CPU's cache holds.
SIGNATURE_HASHES = 2048
# The signatures and bands are datasketch's (MinHash of this scheme and seed, MinHashLSH's bands), computed here
# with numpy alone: the bands stored in copy_bands are only comparable under one scheme (tests/test_copies.py
# holds the two together). Importing datasketch would cost every crawl scipy's import, 0.4 s of CPU.
SCHEME = "affine32"
SEED = 1


def shingles(body: str) -> set[bytes]:
    """The (stored, so normalized) body's runs of SHINGLE_WORDS consecutive folded words, in UTF-8 (as they are
    hashed); none for a body shorter than MIN_WORDS."""
    # The folded text has one space between words: the words are its pieces between spaces.
    words = fold_characters(body).encode().split(b" ")
    if len(words) < MIN_WORDS:
        return set()
    return set(map(b" ".join, zip(*(words[at:] for at in range(SHINGLE_WORDS)))))


def jaccard(one: set[bytes], other: set[bytes]) -> float:
    return len(one & other) / len(one | other) if one and other else 0.0


def _murmur_finalized(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which datasketch's affine32 scheme mixes each hash with before permuting
    (multiplications wrap, as the scheme's arithmetic modulo 2³² does)."""
    import numpy as np  # with copy detection only (CopyFinder)

    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def band_layout(threshold: float, permutations: int) -> list[tuple[int, int]]:
    """Where each band lies in a signature: the b bands of r rows (b·r ≤ permutations) that make the chance of a
    false positive (a pair less similar than `threshold` sharing a band) plus that of a false negative (a pair
    as similar not sharing one) least, as datasketch's MinHashLSH chooses them (equal weights, the first best
    of b then r ascending). Both chances are integrals of polynomials of degree b·r: Gauss–Legendre quadrature
    of permutations/2 + 1 points computes them exactly."""
    import numpy as np  # with copy detection only (CopyFinder)

    nodes, weights = np.polynomial.legendre.leggauss(permutations // 2 + 1)
    # The nodes and weights of the two intervals: below the threshold, and above it.
    below, below_weights = threshold / 2 * (nodes + 1), threshold / 2 * weights
    above, above_weights = threshold + (1 - threshold) / 2 * (nodes + 1), (1 - threshold) / 2 * weights
    best, layout = float("inf"), (0, 0)
    for bands in range(1, permutations + 1):
        for rows in range(1, permutations // bands + 1):
            false_positive = float(np.dot(below_weights, 1 - (1 - below**rows) ** bands))
            false_negative = float(np.dot(above_weights, (1 - above**rows) ** bands))
            if (error := 0.5 * false_positive + 0.5 * false_negative) < best:
                best, layout = error, (bands, rows)
    bands, rows = layout
    return [(band * rows, (band + 1) * rows) for band in range(bands)]


def permutations(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations h → a·h + b (mod 2³², a odd) of datasketch's affine32 MinHash with this seed."""
    import numpy as np

    generator = np.random.RandomState(seed)
    multipliers = generator.randint(0, 1 << 31, count, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    offsets = generator.randint(0, 1 << 32, count, dtype=np.uint32)
    return multipliers, offsets


class CopyFinder:
    """Links each given stored article with its copies among all stored articles."""

    def __init__(self, engine: Engine, threshold: float = 0.8):
        self.engine = engine
        self.threshold = threshold
        self.bands = band_layout(threshold, PERMUTATIONS)
        self._multipliers, self._offsets = permutations(PERMUTATIONS, SEED)

    def link(self, article_ids: list[int]) -> int:
        """Finds the copies of these articles (new or changed) among all stored articles and records them,
        replacing what was known of them; returns the number of pairs linked."""
        return sum(self._link(article_ids[at : at + BATCH]) for at in range(0, len(article_ids), BATCH))

    def _link(self, article_ids: list[int]) -> int:
        """`link` for a batch: one transaction, a few statements."""
        articles = Article.__table__
        with self.engine.begin() as connection:
            # Their bodies may have changed: what linked them before is found again below, or no longer holds.
            connection.execute(delete(CopyBand).where(self._one_of(CopyBand.article_id, article_ids)))
            connection.execute(
                delete(ArticleCopy).where(
                    or_(
                        self._one_of(ArticleCopy.original_id, article_ids),
                        self._one_of(ArticleCopy.copy_id, article_ids),
                    )
                )
            )
            mine = {
                row.id: row
                for row in connection.execute(
                    select(articles.c.id, articles.c.body, articles.c.content_hash, articles.c.published_at).where(
                        self._one_of(articles.c.id, article_ids)
                    )
                )
            }
            words = {article_id: found for article_id, row in mine.items() if (found := shingles(row.body))}
            if not words:
                return 0
            pairs: dict[tuple[int, int], float] = {}
            bands = [
                {"article_id": article_id, "band": band, "key": key}
                for article_id, keys in zip(words, self._band_keys(list(words.values())))
                for band, key in enumerate(keys)
            ]
            connection.execute(self._insert(CopyBand), bands)
            # Pairs sharing a band (the batch's own articles included), then those with the same content.
            owners: dict[int, list[int]] = {}
            for band in bands:
                owners.setdefault(band["key"], []).append(band["article_id"])
            candidates = {
                (article_id, other)
                for other, key in connection.execute(
                    select(CopyBand.article_id, CopyBand.key).where(self._one_of(CopyBand.key, list(owners)))
                )
                for article_id in owners[key]
                if other != article_id
            }
            hashes: dict[str, list[int]] = {}
            for article_id in words:
                hashes.setdefault(mine[article_id].content_hash, []).append(article_id)
            exact = {
                (article_id, other)
                for other, digest in connection.execute(
                    select(articles.c.id, articles.c.content_hash).where(
                        self._one_of(articles.c.content_hash, list(hashes))
                    )
                )
                for article_id in hashes[digest]
                if other != article_id
            }
            others = {other for _, other in candidates | exact}
            theirs = {
                row.id: row
                for row in connection.execute(
                    select(articles.c.id, articles.c.body, articles.c.published_at).where(
                        self._one_of(articles.c.id, list(others))
                    )
                )
            }
            for article_id, other in candidates | exact:
                if (article_id, other) in exact:
                    similarity = 1.0
                else:
                    similarity = jaccard(words[article_id], words.get(other) or shingles(theirs[other].body))
                if similarity >= self.threshold:
                    # The original is the one published first (the one stored first when they tie).
                    first, then = sorted(
                        ((mine[article_id].published_at, article_id), (theirs[other].published_at, other))
                    )
                    pairs[first[1], then[1]] = round(similarity, 4)
            if pairs:
                now = datetime.now(timezone.utc)
                connection.execute(
                    self._insert(ArticleCopy).on_conflict_do_nothing(index_elements=["original_id", "copy_id"]),
                    [
                        {"original_id": original, "copy_id": copy, "similarity": similarity, "found_at": now}
                        for (original, copy), similarity in pairs.items()
                    ],
                )
        return len(pairs)

    def _band_keys(self, sets: list[set[bytes]]) -> list[list[int]]:
        """Each set's band keys: its signature cut into bands, each band hashed to one key."""
        return [
            [
                int.from_bytes(
                    hashlib.blake2b(band.to_bytes(2, "big") + signature[start:end].tobytes(), digest_size=8).digest(),
                    "big",
                    signed=True,
                )
                for band, (start, end) in enumerate(self.bands)
            ]
            for signature in self._signatures(sets)
        ]

    def _signatures(self, sets: list[set[bytes]]) -> np.ndarray:
        """The MinHash signatures of these (non-empty) sets, one row each, as datasketch's MinHash (PERMUTATIONS,
        SCHEME, CRC-32) computes them, all at once."""
        # CRC-32 hashes a shingle in C, several times faster than datasketch's SHA-1 in Python, and is as
        # stable across processes (the scheme mixes its bits before permuting).
        import numpy as np

        hashes = _murmur_finalized(
            np.fromiter(map(zlib.crc32, chain.from_iterable(sets)), dtype=np.uint32, count=sum(map(len, sets)))
        )
        starts = np.cumsum([0, *map(len, sets)])
        signatures = np.empty((len(sets), PERMUTATIONS), dtype=np.uint32)
        # The permuted hashes of a few articles at a time, in one buffer small enough to stay in the CPU's cache
        # (a row of 4 bytes per permutation for each shingle), then each article's minimum per permutation.
        buffer = np.empty((max(SIGNATURE_HASHES, *map(len, sets)), PERMUTATIONS), dtype=np.uint32)
        first = 0
        while first < len(sets):
            last = max(first + 1, int(np.searchsorted(starts, starts[first] + SIGNATURE_HASHES, side="right")) - 1)
            permuted = buffer[: starts[last] - starts[first]]
            np.multiply(hashes[starts[first] : starts[last], None], self._multipliers, out=permuted)
            permuted += self._offsets
            signatures[first:last] = np.minimum.reduceat(permuted, starts[first:last] - starts[first], axis=0)
            first = last
        return signatures

    def _one_of(self, column, values: list) -> ColumnElement[bool]:
        """`column IN values` as one parameter however many values: a JSON array read by json_each on SQLite,
        an array on PostgreSQL. A literal IN list costs SQLAlchemy a rendered parameter per value."""
        if self.engine.dialect.name == "postgresql":
            return column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type)))
        return column.in_(
            select(func.json_each(bindparam(None, json.dumps(values), type_=Text)).table_valued("value").c.value)
        )

    def _insert(self, model):
        return {"postgresql": postgresql, "sqlite": sqlite}[self.engine.dialect.name].insert(model)


class LinkCopies:
    """After the store: links every article stored new or updated with its copies (COPIES_ENABLED).
    A failure is logged and counted (copies/failed); the articles themselves are stored already."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        store = Store.for_crawler(crawler)
        self.finder = CopyFinder(store.engine, crawler.settings.getfloat("COPIES_THRESHOLD", 0.8))
        crawler.signals.connect(self.articles_stored, signal=articles_stored)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("COPIES_ENABLED", True):
            raise NotConfigured("COPIES_ENABLED is off")
        return cls(crawler)

    def articles_stored(self, items: list[ArticleItem], outcomes: list[Outcome]) -> None:
        changed: dict[str, list[str]] = {}
        for item, outcome in zip(items, outcomes):
            if outcome in (Outcome.NEW, Outcome.UPDATED):
                changed.setdefault(item.source, []).append(item.news_code)
        if not changed:
            return
        try:
            with self.finder.engine.connect() as connection:
                ids = [
                    article_id
                    for source, codes in changed.items()
                    for article_id in connection.execute(
                        select(Article.id).where(Article.source == source, Article.news_code.in_(codes))
                    ).scalars()
                ]
            self.stats.inc_value(COPIES_LINKED, self.finder.link(ids))
        except Exception as error:  # noqa: BLE001 - the articles are stored; only their links are missing
            failed = sum(map(len, changed.values()))
            self.stats.inc_value(COPIES_FAILED, failed)
            logger.error(
                "copies of %d stored articles not linked: %s",
                failed,
                str(error).splitlines()[0],
                extra={"spider": self.crawler.spider},
            )
