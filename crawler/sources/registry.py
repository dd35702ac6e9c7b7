"""The registry of sources: sources described as data in a TOML file (SOURCES_FILE; by default
`sources.toml` in the project root, where a missing file is an empty registry), one table per source
with the same fields as a tailored spider's class constants (docs/adding-a-source.md). The spider
loader (`SourcesLoader`, SPIDER_LOADER_CLASS) makes every entry a spider beside those of spiders/, so
`scrapy list`, `crawl NAME`, `crawlall`, `refetch URL`, scrapyd and the summary know it.

A registry that cannot be read is one line naming the file, the line and the key
(`sources.toml:12: qazvin.selectors.titel: unknown key`) and exit status 2, before any request.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.conf import closest_scrapy_cfg
from scrapy.utils.misc import load_object

from crawler.extract.site import FALLBACK_STEPS
from crawler.extract.urls import bare_host
from crawler.sources.discovery import Feed, Listing, Sitemap, Strategy, WordPressApi
from crawler.sources.families import FAMILIES, NEWS_CODE_RULES
from crawler.sources.spider import NewsSpider

DEFAULT_FILE = "sources.toml"
SOURCE_KEYS = {
    "site_name",
    "hosts",
    "family",
    "article_url",
    "news_code",
    "render",
    "usual_steps",
    "drop_from_body",
    "page_fields",
    "selectors",
    "discovery",
    "detected",
    "code_url",
}
SELECTOR_FIELDS = {
    "article",
    "title",
    "kicker",
    "lead",
    "body",
    "date",
    "views",
    "news_code",
    "category",
    "tags",
    "authors",
    "images",
}
PAGE_FIELDS = {"kicker", "lead", "view_count", "images", "authors", "category", "tags"}
USUAL_FIELDS = {
    "title",
    "kicker",
    "lead",
    "body",
    "published_at",
    "news_code",
    "category",
    "tags",
    "authors",
    "images",
    "view_count",
}
DETECTED_KEYS = {"at", "family", "baseline"}
# The keys of each kind of discovery strategy (besides «kind»), the required ones first.
DISCOVERY_KEYS = {
    "wordpress_api": ((), ("home",)),
    "listing": (("url",), ("section", "links", "next_page", "page_url", "dates")),
    "feed": (("url",), ()),
    "sitemap": (("url",), ()),
}
# Spiders crawled by name that are no source: `scrapy crawl site -a url=…` (crawler/sources/site.py). Not
# listed among the sources, so crawlall, the watch and freshness never crawl or expect them.
ONE_OFF_SPIDERS = {"site": "crawler.sources.site.SiteSpider"}
# A name Scrapy and the store can carry: letters, digits, «_» and «-».
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


class RegistryError(ValueError):
    """The registry cannot be read; the message is one line naming the file, the line and the key."""


def registry_path(setting: str | None) -> tuple[Path, bool]:
    """The registry's file, and whether it was named (a named file must exist)."""
    if setting:
        return Path(setting), True
    config = closest_scrapy_cfg()
    return (Path(config).parent if config else Path.cwd()) / DEFAULT_FILE, False


class Located:
    """Where a key is written in the file, for its error message: the line of `key =` in its table, else
    of the table's header."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, keys: tuple[str | int, ...]) -> int:
        header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
        tables: list[tuple[str, int]] = []  # (table name with array indexes, line)
        counts: dict[str, int] = {}
        for number, line in enumerate(self.lines, 1):
            if found := header.match(line):
                name = ".".join(part.strip().strip('"') for part in found.group(1).split("."))
                if line.lstrip().startswith("[["):
                    counts[name] = counts.get(name, -1) + 1
                    name = f"{name}.{counts[name]}"
                tables.append((name, number))
        for depth in range(len(keys), 0, -1):
            table = ".".join(map(str, keys[:depth]))
            for index, (name, start) in enumerate(tables):
                if name != table:
                    continue
                end = tables[index + 1][1] if index + 1 < len(tables) else len(self.lines) + 1
                rest = keys[depth:]
                if rest:
                    key = re.compile(rf"^\s*\"?{re.escape(str(rest[0]))}\"?\s*=")
                    inside = next((n for n in range(start + 1, end) if key.match(self.lines[n - 1])), None)
                    if inside is None and len(rest) > 1:  # an inline table: «usual_steps = { title = … }»
                        word = re.compile(rf"\b{re.escape(str(rest[-1]))}\b")
                        inside = next((n for n in range(start + 1, end) if word.search(self.lines[n - 1])), None)
                    return inside or start
                return start
        return 1

    def error(self, keys: tuple[str | int, ...], problem: str) -> RegistryError:
        return RegistryError(f"{self.path}:{self.line_of(keys)}: {'.'.join(map(str, keys))}: {problem}")


def read_registry(path: Path, named: bool) -> dict[str, type[NewsSpider]]:
    """The registry's sources as spider classes, by name; RegistryError when it cannot be read."""
    if not path.exists():
        if named:
            raise RegistryError(f"{path}: no such file (SOURCES_FILE)")
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise RegistryError(f"{path}:{found.group(1) if found else 1}: not TOML ({error})") from None
    where = Located(path, text)
    return {name: source_spider(name, entry, where) for name, entry in data.items()}


def _strings(value: Any, keys: tuple[str | int, ...], where: Located) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise where.error(keys, "give a list of strings")
    return tuple(value)


def _string(value: Any, keys: tuple[str | int, ...], where: Located) -> str:
    if not isinstance(value, str):
        raise where.error(keys, "give a string")
    return value


def _unknown(table: Mapping[str, Any], known: set[str], keys: tuple[str | int, ...], where: Located) -> None:
    for key in table:
        if key not in known:
            raise where.error((*keys, key), "unknown key")


def source_spider(name: str, entry: Any, where: Located) -> type[NewsSpider]:
    """The spider class an entry describes."""
    if not isinstance(entry, dict):
        raise where.error((name,), "a source is a table: [name]")
    if not NAME.match(name):
        raise where.error((name,), "a source's name is lower-case letters, digits, «_» and «-»")
    _unknown(entry, SOURCE_KEYS, (name,), where)
    if "hosts" not in entry:
        raise where.error((name, "hosts"), "missing: every host the source answers to")
    hosts = _strings(entry["hosts"], (name, "hosts"), where)
    if not hosts:
        raise where.error((name, "hosts"), "missing: every host the source answers to")
    family_name = _string(entry.get("family", "generic"), (name, "family"), where)
    if family_name not in FAMILIES:
        raise where.error((name, "family"), f"unknown family {family_name!r}; known: {', '.join(FAMILIES)}")
    family = FAMILIES[family_name]
    article_url = _string(entry.get("article_url", ""), (name, "article_url"), where)
    try:
        re.compile(article_url)
    except re.error as error:
        raise where.error((name, "article_url"), f"does not compile ({error})") from None
    if not article_url and not family.article_url:
        raise where.error((name, "article_url"), f"missing: the {family.name} family has no article-URL rule")
    news_code = _strings(entry.get("news_code", []), (name, "news_code"), where)
    for rule in news_code:
        if rule not in NEWS_CODE_RULES:
            raise where.error((name, "news_code"), f"unknown rule {rule!r}; known: {', '.join(NEWS_CODE_RULES)}")
    code_url = _string(entry.get("code_url", ""), (name, "code_url"), where)
    if code_url and "{code}" not in code_url:
        raise where.error((name, "code_url"), "give the URL of an article with «{code}» where its news code goes")
    render = entry.get("render", False)
    if not isinstance(render, bool):
        raise where.error((name, "render"), "give true or false")
    usual_steps = entry.get("usual_steps", {})
    if not isinstance(usual_steps, dict):
        raise where.error((name, "usual_steps"), "give a table of fields and their steps")
    _unknown(usual_steps, USUAL_FIELDS, (name, "usual_steps"), where)
    selectors = entry.get("selectors", {})
    if not isinstance(selectors, dict):
        raise where.error((name, "selectors"), "give a table of fields and their CSS selectors")
    _unknown(selectors, SELECTOR_FIELDS, (name, "selectors"), where)
    page_fields = _strings(entry.get("page_fields", list(WordPressApi.page_fields)), (name, "page_fields"), where)
    for field in page_fields:
        if field not in PAGE_FIELDS:
            raise where.error(
                (name, "page_fields"), f"unknown field {field!r}; known: {', '.join(sorted(PAGE_FIELDS))}"
            )
    detected = entry.get("detected", {})
    if not isinstance(detected, dict):
        raise where.error((name, "detected"), "give a table")
    _unknown(detected, DETECTED_KEYS, (name, "detected"), where)
    baseline = detected.get("baseline", {})
    if not isinstance(baseline, dict):
        raise where.error((name, "detected", "baseline"), "give a table of fields and the steps they came from")
    usual = {field: _strings(steps, (name, "usual_steps", field), where) for field, steps in usual_steps.items()}
    # The generic steps `scrapy addsource` read the samples with are this site's norm, as a tailored
    # spider's usual_steps are: a field read later by another generic step is layout drift.
    for field, step in baseline.items():
        if _string(step, (name, "detected", "baseline", field), where) in FALLBACK_STEPS:
            usual[field] = tuple(dict.fromkeys([*usual.get(field, ()), step]))
    home = f"https://{hosts[0]}/"
    discovery = tuple(
        strategy(item, (name, "discovery", index), home, page_fields, where)
        for index, item in enumerate(entry.get("discovery", []))
    )
    attributes = {
        "name": name,
        "hosts": hosts,
        "site_name": _string(entry.get("site_name", ""), (name, "site_name"), where),
        "family": family,
        "home": home,
        "discovery": discovery,
        "article_url": article_url,
        "news_code": news_code,
        "code_url": code_url,
        "render": render,
        "selectors": {field: _string(query, (name, "selectors", field), where) for field, query in selectors.items()},
        "usual_steps": usual,
        "drop_from_body": _strings(entry.get("drop_from_body", []), (name, "drop_from_body"), where),
        "__module__": __name__,
        "__doc__": f"{name}: a source of the registry ({where.path}).",
    }
    class_name = f"{name.title().replace('-', '').replace('_', '')}Source"
    spider = cast("type[NewsSpider]", type(class_name, (NewsSpider,), attributes))
    if not spider.strategies():
        raise where.error((name, "discovery"), f"missing: the {family.name} family has no discovery of its own")
    return spider


def strategy(
    item: Any, keys: tuple[str | int, ...], home: str, page_fields: tuple[str, ...], where: Located
) -> Strategy:
    if not isinstance(item, dict):
        raise where.error(keys, "a strategy is a table: [[name.discovery]]")
    kind = item.get("kind")
    if kind not in DISCOVERY_KEYS:
        raise where.error((*keys, "kind"), f"unknown discovery kind {kind!r}; known: {', '.join(DISCOVERY_KEYS)}")
    required, optional = DISCOVERY_KEYS[kind]
    _unknown(item, {"kind", *required, *optional}, keys, where)
    for key in required:
        if key not in item:
            raise where.error((*keys, key), "missing")
    values = {key: _string(value, (*keys, key), where) for key, value in item.items() if key != "kind"}
    for key in ("url", "home"):
        if key in values and urlsplit(values[key]).scheme not in ("http", "https"):
            raise where.error((*keys, key), "give an absolute http(s) URL")
    if kind == "wordpress_api":
        return WordPressApi(values.get("home", home), page_fields=page_fields)
    if kind == "listing":
        return Listing(**values)
    return Feed(values["url"]) if kind == "feed" else Sitemap(values["url"])


class SourcesLoader(SpiderLoader):
    """Scrapy's spider loader (the spiders of SPIDER_MODULES), with every source of the registry as a
    spider too. A registry that cannot be read ends the command: one line, exit status 2."""

    def __init__(self, settings):
        super().__init__(settings)
        try:
            path, named = registry_path(settings.get("SOURCES_FILE"))
            # `scrapy addsource` may name a file it is about to create; any other command needs it to exist.
            self.add_registry(path, named and not settings.getbool("SOURCES_FILE_MAY_BE_NEW"))
        except RegistryError as error:
            print(f"error: {error}", file=sys.stderr)
            raise SystemExit(2) from None

    def load(self, spider_name: str):
        if spider_name in ONE_OFF_SPIDERS:
            return load_object(ONE_OFF_SPIDERS[spider_name])
        return super().load(spider_name)

    def add_registry(self, path: Path, named: bool) -> None:
        owners = {
            bare_host(host): name for name, spider in self._spiders.items() for host in getattr(spider, "hosts", ())
        }
        where = Located(path, path.read_text(encoding="utf-8")) if path.exists() else None
        for name, spider in read_registry(path, named).items():
            assert where is not None  # only a file that exists names sources
            if name in self._spiders:
                raise where.error((name,), f"{name} is a tailored spider's name (spiders/); choose another")
            if name in ONE_OFF_SPIDERS:
                raise where.error((name,), f"{name} names the one-off crawl (scrapy crawl {name}); choose another")
            for host in spider.hosts:
                if owners.get(bare_host(host), name) != name:
                    raise where.error((name, "hosts"), f"{host} is {owners[bare_host(host)]}'s already")
                owners[bare_host(host)] = name
            self._spiders[name] = spider
