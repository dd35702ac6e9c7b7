"""Every source's article parser fed broken versions of its fixture pages, and what it makes of them
taken through the real pipelines into a real SQLite file.

Whatever the page: no exception escapes, and each article is either stored complete (every required
field, a plausible date) or not stored with a counted reason — never half-empty. Pages broken only
in their encoding must still give the golden article.
"""

from __future__ import annotations

import copy
import json
import random
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.extract.dates import JALALI_YEARS, TEHRAN
from crawler.items import REQUIRED_FIELDS
from crawler.stats import ARTICLE_NOT_ARTICLE, DROPPED, DROPPED_MISSING, STORE_FAILED
from pipelines.dedupe import DedupePipeline
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline, garbled
from tests.golden import GOLDEN_ROOT, mirror_response, spider_for

GOLDEN_FILES = sorted(GOLDEN_ROOT.glob("*/*.json"))
# The costly mutations (megabytes of noise) run on one page per source.
FIRST_OF_EACH_SOURCE = {path.parent.name: path for path in reversed(GOLDEN_FILES)}.values()
NOISE_BYTES = 5 * 2**20
COMPARED = ("news_code", "title", "lead", "body", "published_at", "category", "tags")
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?[\w-]+[\"']?[^>]*>", re.I)
_WORDS = "شهرداری تهران خبر گزارش مدیریت شهری ۱۴۰۴ تیر ۲۲ ساعت ۱۱:۲۶ کد خبر ۹۶۲۱۸۲ امروز".split()


def _rng(body: bytes) -> random.Random:
    return random.Random(len(body))


def _declaring(charset: str, body: bytes) -> bytes:
    """The page with its charset declaration replaced by (or given) `charset`."""
    declaration = f'<meta charset="{charset}">'.encode()
    if _CHARSET.search(body):
        return _CHARSET.sub(declaration, body, count=1)
    return re.sub(rb"<head[^>]*>", lambda m: m.group(0) + declaration, body, count=1, flags=re.I)


def _text(body: bytes, url: str) -> str:
    return HtmlResponse(url=url, body=body).text


def _edit_tree(body: bytes, edit) -> bytes:
    tree = lxml.html.document_fromstring(body)
    edit(tree, _rng(body))
    return lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


def _swap_attributes(tree, rng):
    elements = [e for e in tree.iter() if isinstance(e.tag, str) and e.get("class")]
    classes = [e.get("class") for e in elements]
    rng.shuffle(classes)
    for element, value in zip(elements, classes):
        element.set("class", value)
    metas = [m for m in tree.iter("meta") if m.get("content")]
    contents = [m.get("content") for m in metas]
    rng.shuffle(contents)
    for meta, value in zip(metas, contents):
        meta.set("content", value)


def _duplicate_elements(tree, rng):
    elements = [
        e for e in tree.iter() if isinstance(e.tag, str) and e.getparent() is not None and e.tag not in ("head", "body")
    ]
    for element in rng.sample(elements, max(1, len(elements) // 4)):
        element.addnext(copy.deepcopy(element))


def _noise_markup(rng: random.Random) -> bytes:
    parts, size = [], 0
    while size < NOISE_BYTES:
        tag = rng.choice(["div", "p", "span", "li", "time", "h1", "article", "script"])
        chunk = (
            f"<{tag} class='{rng.choice(['title', 'item-date', 'body', 'x'])}'>"
            f"{' '.join(rng.choices(_WORDS, k=30))}</{tag}>"
        )
        if rng.random() < 0.3:
            chunk = chunk[: rng.randrange(len(chunk))]  # unclosed, cut in the middle of a tag
        parts.append(chunk)
        size += len(chunk.encode())
    return "".join(parts).encode()


MUTATIONS = {
    "truncated_10": lambda body, url: body[: len(body) // 10],
    "truncated_50": lambda body, url: body[: len(body) // 2],
    "truncated_90": lambda body, url: body[: len(body) * 9 // 10],
    "tags_removed": lambda body, url: re.sub(rb"<[^>]*>", b"", body),
    "some_tags_removed": lambda body, url: re.sub(
        rb"<[^>]*>", lambda m: b"" if _rng(m.group(0)).random() < 0.5 else m.group(0), body
    ),
    "attributes_swapped": lambda body, url: _edit_tree(body, _swap_attributes),
    "elements_duplicated": lambda body, url: _edit_tree(body, _duplicate_elements),
    "random_bytes_inserted": lambda body, url: _insert_random_bytes(body),
    "random_bytes_only": lambda body, url: _rng(body).randbytes(len(body)),
    "empty": lambda body, url: b"",
    "declared_windows_1256_but_utf8": lambda body, url: _declaring("windows-1256", body),
    "declared_utf8_but_windows_1256": lambda body, url: (
        _declaring("utf-8", _text(body, url).encode("utf-8"))
        .decode("utf-8")
        .encode("cp1256", errors="xmlcharrefreplace")
    ),
    "windows_1256": lambda body, url: (
        _declaring("windows-1256", _text(body, url).encode("utf-8"))
        .decode("utf-8")
        .encode("cp1256", errors="xmlcharrefreplace")
    ),
}
HEAVY_MUTATIONS = {
    "noise_5mb_in_page": lambda body, url: body.replace(b"</body>", _noise_markup(_rng(body)) + b"</body>", 1),
    "noise_5mb_only": lambda body, url: _rng(body).randbytes(NOISE_BYTES),
}
# Mutations of the encoding only: the article must come out exactly as from the intact page.
SAME_ARTICLE = {"declared_windows_1256_but_utf8", "windows_1256"}


def _insert_random_bytes(body: bytes) -> bytes:
    rng = _rng(body)
    for _ in range(20):
        at = rng.randrange(len(body) + 1)
        body = body[:at] + rng.randbytes(rng.randint(1, 40)) + body[at:]
    return body


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'articles.db'}"


def _stored(database_url: str, source: str, code: str) -> dict | None:
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute("select * from articles where source = ? and news_code = ?", (source, code)).fetchone()
    return dict(row) if row else None


def _crawl_page(path: Path, mutation: str, mutate, database_url: str):
    """The mutated page through the spider and the four pipelines, as a crawl takes it."""
    golden = json.loads(path.read_text())
    url = golden["url"]
    body = mutate(mirror_response(url).body, url)
    spider = spider_for(url)
    pipelines = get_crawler(settings_dict={"DATABASE_URL": database_url, "STORE_BATCH_SIZE": 10})
    normalize, validate = NormalizePipeline(), ValidatePipeline.from_crawler(pipelines)
    dedupe, store = DedupePipeline.from_crawler(pipelines), StorePipeline.from_crawler(pipelines)
    # Each page is its own article: the mutation's name keeps it apart from the other cases.
    items = list(spider.parse_article(HtmlResponse(url=url, body=body)))
    kept, dropped = [], []
    for item in items:
        item.news_code = f"{item.news_code}~{mutation}"
        try:
            kept.append(store.process_item(dedupe.process_item(validate.process_item(normalize.process_item(item)))))
        except DropItem as reason:
            dropped.append(str(reason))
    store.close_spider()
    return golden, items, kept, dropped, spider.crawler.stats.get_stats(), pipelines.stats.get_stats()


def _check(path: Path, mutation: str, mutate, database_url: str) -> None:
    golden, items, kept, dropped, parse_stats, pipeline_stats = _crawl_page(path, mutation, mutate, database_url)
    assert len(items) <= 1
    if not items:
        assert parse_stats.get(ARTICLE_NOT_ARTICLE, 0) >= 1, "a page yielding no article must be counted"
    counted = sum(
        value
        for key, value in pipeline_stats.items()
        if key.startswith(DROPPED) and not key.startswith(DROPPED_MISSING)
    )
    assert counted == len(dropped), (dropped, pipeline_stats)
    assert not pipeline_stats.get(STORE_FAILED)
    for item in kept:
        row = _stored(database_url, item.source, item.news_code)
        assert row is not None, f"{item.news_code} passed validation but is not stored"
        for name in REQUIRED_FIELDS:
            assert row[name], f"stored without {name}"
        assert not garbled(row["title"]) and not garbled(row["body"])
        published = datetime.fromisoformat(row["published_at"])
        assert published <= datetime.now(timezone.utc) + timedelta(days=1)
        assert int(row["published_jalali"][:4]) in JALALI_YEARS
    if mutation in SAME_ARTICLE:
        assert len(kept) == 1, dropped
        expected = golden["item"]
        row = _stored(database_url, kept[0].source, kept[0].news_code)
        assert row is not None
        actual = {
            **row,
            "news_code": row["news_code"].split("~")[0],
            "tags": json.loads(row["tags"]),
            # Stored in UTC; the golden file has it on Tehran's clock, as the store reads it.
            "published_at": datetime.fromisoformat(row["published_at"]).astimezone(TEHRAN).isoformat(),
        }
        for name in COMPARED:
            assert actual[name] == expected[name], name


@pytest.mark.parametrize("mutation", MUTATIONS)
@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_mutated_page(path, mutation, database):
    _check(path, mutation, MUTATIONS[mutation], database)


@pytest.mark.heavy
@pytest.mark.parametrize("mutation", HEAVY_MUTATIONS)
@pytest.mark.parametrize("path", FIRST_OF_EACH_SOURCE, ids=lambda p: p.parent.name)
def test_page_buried_in_noise(path, mutation, database):
    _check(path, mutation, HEAVY_MUTATIONS[mutation], database)
