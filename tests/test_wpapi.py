"""WordPress REST API answers read one by one (crawler/sources/wpapi.py): what is a list of posts, what says the
API is closed, and the self-check's comparison."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest
from scrapy.http import HtmlResponse, TextResponse

from crawler.extract.dates import TEHRAN
from crawler.extract.posts import ApiClosed, MalformedJson, Post, SelfCheck, read_posts, read_terms, total_pages
from crawler.items import ArticleItem
from crawler.sources.wpapi import posts_url

URL = "https://rasht.ir/wp-json/wp/v2/posts"
POST = (
    '{"id": 24302, "date_gmt": "2022-04-04T13:16:14", "modified_gmt": "2022-04-04T15:20:00", "slug": "s", '
    '"link": "https://rasht.ir/s/", "title": {"rendered": "t"}, "content": {"rendered": "<p>b</p>"}, '
    '"excerpt": {"rendered": ""}, "tags": [101, "x"], "categories": [10]}'
)


def json_answer(body: str, **headers: str) -> TextResponse:
    return TextResponse(
        URL,
        body=body.encode(),
        encoding="utf-8",
        headers={"Content-Type": "application/json; charset=UTF-8", **headers},
    )


def test_a_page_of_posts_and_a_single_post():
    (post,) = read_posts(json_answer(f"[{POST}]", **{"X-WP-TotalPages": "3"}))
    assert (post.id, post.link, post.tags, post.categories) == (24302, "https://rasht.ir/s/", (101,), (10,))
    assert post.published_at == datetime(2022, 4, 4, 13, 16, 14, tzinfo=timezone.utc)
    assert post.published_at.astimezone(TEHRAN).isoformat() == "2022-04-04T17:46:14+04:30"
    assert read_posts(json_answer(POST)) == [post]
    assert read_posts(json_answer("[]")) == []
    assert total_pages(json_answer("[]", **{"X-WP-TotalPages": "3"})) == 3 and total_pages(json_answer("[]")) is None


@pytest.mark.parametrize(
    ("body", "kind", "reason"),
    [
        ('{"code": "rest_disabled", "message": "disabled"}', ApiClosed, "rest_disabled"),
        ('{"namespace": "wp/v2"}', ApiClosed, "JSON that is not a list of posts"),
        ('[{"id": 1}]', ApiClosed, "JSON that is not a list of posts"),
        ("[1, 2]", ApiClosed, "JSON that is not a list of posts"),
        ('"posts"', ApiClosed, "JSON that is not a list of posts"),
        ('[{"id": 24302, "link": ', MalformedJson, "malformed JSON"),
    ],
)
def test_answers_that_are_not_posts_say_the_api_is_closed(body, kind, reason):
    with pytest.raises(kind, match=reason):
        read_posts(json_answer(body))


def test_an_html_answer_is_not_the_api():
    with pytest.raises(ApiClosed, match="an HTML answer"):
        read_posts(HtmlResponse(URL, body=b"<html><body>theme</body></html>"))


def test_term_names_by_id():
    assert read_terms(json_answer('[{"id": 101, "name": "x"}, {"id": "102"}, 3]')) == {101: "x"}
    assert read_terms(json_answer('{"code": "rest_forbidden"}')) == {}


def test_a_backfill_asks_after_the_instant_in_utc():
    since = datetime(2021, 11, 22, tzinfo=TEHRAN)
    assert "after=2021-11-21T20:30:00Z" in posts_url("https://news.semnan.ir/", 1, 10, since)


def test_the_self_check_compares_title_day_code_and_the_body_s_ends():
    moment = datetime(2022, 4, 4, 17, 46, 14, tzinfo=TEHRAN)
    post = ArticleItem("rasht", "24302", "u", title="t", body="first\nmiddle\nlast", published_at=moment)
    same_day = replace(post, published_at=moment.replace(hour=0, minute=0, second=0), body="first\nother\nlast")
    assert SelfCheck.compare(post, same_day).agrees
    other = replace(post, title="T", news_code="1", published_at=None, body="first\nlast!")
    assert SelfCheck.compare(post, other).differences == ["title", "date", "news_code", "last_paragraph"]
    assert SelfCheck.compare(post, replace(post, published_at=moment.replace(day=5))).differences == ["date"]
    assert not SelfCheck.compare(post, None).agrees
    assert Post.from_json({"id": 1, "link": "https://rasht.ir/s/"}) is None  # no date: not a published post
