"""A parsed page is freed as soon as its callback is done, and the duplicate filter keeps its
fingerprints on disk (crawler/run/memory.py)."""

from __future__ import annotations

import gc
import json
import weakref
from datetime import datetime

import pytest
import pytest_twisted
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.extract.dates import TEHRAN
from crawler.run.memory import DiskDupeFilter, KeysOnDisk, ReleaseParsedPages
from tests.golden import mirror_response
from tests.test_golden import GOLDEN_FILES

PAGE = mirror_response(json.loads(GOLDEN_FILES[0].read_text())["url"])


def fresh_page() -> HtmlResponse:
    return HtmlResponse(url=PAGE.url, body=PAGE.body)


def callback(response):
    yield {"title": response.css("title::text").get()}


async def async_callback(response):
    yield {"title": response.css("title::text").get()}


@pytest.fixture
def no_cyclic_gc():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_without_the_middleware_a_parsed_page_outlives_its_callback(no_cyclic_gc):
    """The reason for the middleware: Scrapy's response and its cached selector refer to each other."""
    response = fresh_page()
    page = weakref.ref(response)
    list(callback(response))
    del response
    assert page() is not None


def test_a_parsed_page_is_freed_when_its_callback_is_done(no_cyclic_gc):
    response = fresh_page()
    page = weakref.ref(response)
    output = list(ReleaseParsedPages().process_spider_output(response, callback(response)))
    del response
    assert output and output[0]["title"] and page() is None


@pytest_twisted.ensureDeferred
async def test_the_same_for_an_async_callback(no_cyclic_gc):
    response = fresh_page()
    page = weakref.ref(response)
    middleware = ReleaseParsedPages()
    output = [entry async for entry in middleware.process_spider_output_async(response, async_callback(response))]
    del response
    assert output[0]["title"] and page() is None


# -- the duplicate filter's fingerprints on disk ---------------------------------------------------------


def filter_for(jobdir=None) -> DiskDupeFilter:
    settings = {"DUPEFILTER_CLASS": "crawler.run.memory.DiskDupeFilter"} | ({"JOBDIR": str(jobdir)} if jobdir else {})
    return DiskDupeFilter.from_crawler(get_crawler(settings_dict=settings))


def test_the_disk_filter_filters_as_scrapys_and_keeps_nothing_in_a_set(tmp_path):
    seen = filter_for(tmp_path)
    urls = [f"https://www.hamshahrionline.ir/news/{code}/x" for code in range(1000)]
    assert not any(seen.request_seen(Request(url)) for url in urls)
    # The same requests again, in Scrapy's canonical form too (query order): all seen.
    assert all(seen.request_seen(Request(url)) for url in urls)
    assert seen.request_seen(Request("https://a.example/?b=2&a=1")) is False
    assert seen.request_seen(Request("https://a.example/?a=1&b=2")) is True
    assert isinstance(seen._fingerprints, KeysOnDisk) and len(seen._fingerprints) == 1001
    seen.close("finished")
    # A resumed job (JOBDIR) reads what Scrapy wrote, into the disk set.
    resumed = filter_for(tmp_path)
    assert len(resumed._fingerprints) == 1001 and resumed.request_seen(Request(urls[500]))
    resumed.close("finished")


def test_the_project_uses_the_disk_filter():
    assert get_project_settings()["DUPEFILTER_CLASS"] == "crawler.run.memory.DiskDupeFilter"


def test_keys_on_disk_keep_their_dates():
    keys = KeysOnDisk()
    moment = datetime(2022, 6, 1, 9, 30, tzinfo=TEHRAN)
    keys[b"a"], keys[b"b"] = moment, None
    keys.update([b"b", b"c"])
    assert (keys[b"a"], keys[b"b"], keys[b"c"], len(keys)) == (moment, None, None, 3)
    assert keys[b"a"].utcoffset() == moment.utcoffset()  # +04:30: the summer time of before 2022
    assert b"d" not in keys and b"a" in keys
    with pytest.raises(KeyError):
        keys[b"d"]
