"""Syndicated copies: an IMO announcement republished by a provincial portal, an agency story run by a
news site. Copies are the same news, not new news, but they are not duplicates to drop either: both
articles stay, linked in the table `copies`, the one published first as the original.

A body is compared as the set of its word shingles (runs of SHINGLE_WORDS words of the folded text,
crawler/search.py), so an agency prefix, a dropped last paragraph or a closing «انتهای پیام» leave
most shingles in common. Candidates come from MinHash locality-sensitive hashing (datasketch): each
body's signature is cut into bands kept in `copy_bands`, and articles sharing a band are compared
exactly; a pair whose Jaccard similarity reaches COPIES_THRESHOLD is linked. An article stored again
with the same content hash (title, lead and body) is a copy without comparing.

`LinkCopies` runs after the store: for every article stored new or updated, in the store's own
transaction size.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timezone

from datasketch import MinHash, MinHashLSH
from scrapy.exceptions import NotConfigured
from sqlalchemy import Connection, Engine, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from crawler.items import ArticleItem
from crawler.search import fold
from crawler.storage import Article, ArticleCopy, CopyBand, Outcome, Store
from pipelines.store import articles_stored

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 3
PERMUTATIONS = 128
# Named, not datasketch's default: the bands stored in copy_bands are only comparable under one scheme.
SCHEME = "affine32"


def shingles(body: str) -> set[str]:
    """The body's runs of SHINGLE_WORDS consecutive folded words (a shorter body: itself)."""
    words = fold(body).split()
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[at:at + SHINGLE_WORDS]) for at in range(len(words) - SHINGLE_WORDS + 1)}


def jaccard(one: set[str], other: set[str]) -> float:
    return len(one & other) / len(one | other) if one and other else 0.0


class CopyFinder:
    """Links each given stored article with its copies among all stored articles."""

    def __init__(self, engine: Engine, threshold: float = 0.8):
        self.engine = engine
        self.threshold = threshold
        # The bands that make pairs of this similarity likely to share one (datasketch's optimum).
        self.bands = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS).hashranges
        self._permutations = MinHash(num_perm=PERMUTATIONS, seed=1, scheme=SCHEME).permutations

    def link(self, article_ids: list[int]) -> int:
        """Finds the copies of these articles (new or changed) and records them, replacing what was known
        of them; returns the number of pairs linked. One transaction."""
        linked = 0
        with self.engine.begin() as connection:
            for article_id in article_ids:
                linked += self._link(connection, article_id)
        return linked

    def _link(self, connection: Connection, article_id: int) -> int:
        articles = Article.__table__
        me = connection.execute(select(articles.c.id, articles.c.body, articles.c.content_hash,
                                       articles.c.published_at).where(articles.c.id == article_id)).one()
        # Its body may have changed: what linked it before is found again below, or no longer holds.
        connection.execute(delete(CopyBand).where(CopyBand.article_id == article_id))
        connection.execute(delete(ArticleCopy).where(or_(ArticleCopy.original_id == article_id,
                                                         ArticleCopy.copy_id == article_id)))
        mine = shingles(me.body)
        keys = self._band_keys(mine)
        similar: dict[int, float] = dict.fromkeys(connection.execute(
            select(articles.c.id).where(articles.c.content_hash == me.content_hash, articles.c.id != article_id)
        ).scalars(), 1.0)
        candidates = connection.execute(
            select(articles.c.id, articles.c.body).where(articles.c.id.in_(
                select(CopyBand.article_id).where(CopyBand.key.in_(keys), CopyBand.article_id != article_id)))).all()
        for candidate in candidates:
            similarity = similar.get(candidate.id) or jaccard(mine, shingles(candidate.body))
            if similarity >= self.threshold:
                similar[candidate.id] = similarity
        connection.execute(self._insert(CopyBand), [{"article_id": article_id, "band": band, "key": key}
                                                    for band, key in enumerate(keys)])
        if not similar:
            return 0
        published = dict(connection.execute(select(articles.c.id, articles.c.published_at)
                                            .where(articles.c.id.in_(list(similar)))).all())
        now = datetime.now(timezone.utc)
        pairs = []
        for other, similarity in similar.items():
            # The original is the one published first (the one stored first when they tie).
            first, then = sorted(((me.published_at, article_id), (published[other], other)))
            pairs.append({"original_id": first[1], "copy_id": then[1], "similarity": round(similarity, 4),
                          "found_at": now})
        connection.execute(self._insert(ArticleCopy).on_conflict_do_nothing(
            index_elements=["original_id", "copy_id"]), pairs)
        return len(pairs)

    def _band_keys(self, words: set[str]) -> list[int]:
        signature = MinHash(num_perm=PERMUTATIONS, permutations=self._permutations, scheme=SCHEME)
        signature.update_batch([shingle.encode() for shingle in words])
        keys = []
        for band, (start, end) in enumerate(self.bands):
            digest = hashlib.blake2b(band.to_bytes(2, "big") + signature.hashvalues[start:end].tobytes(),
                                     digest_size=8).digest()
            keys.append(int.from_bytes(digest, "big", signed=True))
        return keys

    def _insert(self, model):
        return {"postgresql": postgresql, "sqlite": sqlite}[self.engine.dialect.name].insert(model)


class LinkCopies:
    """After the store: links every article stored new or updated with its copies (COPIES_ENABLED).
    A failure is logged and counted (copies/failed); the articles themselves are stored already."""

    def __init__(self, crawler):
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
                ids = [article_id for source, codes in changed.items() for article_id in connection.execute(
                    select(Article.id).where(Article.source == source, Article.news_code.in_(codes))).scalars()]
            self.stats.inc_value("copies/linked", self.finder.link(ids))
        except Exception as error:  # noqa: BLE001 - the articles are stored; only their links are missing
            failed = sum(map(len, changed.values()))
            self.stats.inc_value("copies/failed", failed)
            logger.error("copies of %d stored articles not linked: %s", failed, str(error).splitlines()[0])
