"""A parsed page is freed as soon as its callback is done (crawler/memory.py)."""

from __future__ import annotations

import gc
import json
import weakref

import pytest
import pytest_twisted
from scrapy.http import HtmlResponse

from crawler.memory import ReleaseParsedPages
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
