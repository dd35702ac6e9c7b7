"""Every fixture article page against its expected JSON, field by field."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from tests.golden import GOLDEN_ROOT, as_json, parse_items
from tests.support.served import SOURCES

GOLDEN_FILES = sorted(GOLDEN_ROOT.glob("*/*.json"))


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path):
    expected = json.loads(path.read_text())
    (item,) = parse_items(expected["url"])
    actual = as_json(item)
    for field in sorted(set(expected["item"]) | set(actual)):
        assert actual.get(field) == expected["item"].get(field), f"{path.name}: field {field!r}"
    assert datetime.now(timezone.utc) - item.crawled_at < timedelta(minutes=5)


def test_every_fixture_article_has_a_golden_file():
    sources = {path.parent.name for path in GOLDEN_FILES}
    assert sources == set(SOURCES)
