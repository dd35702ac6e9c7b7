"""`scrapy history URL` (or `SOURCE NEWS_CODE`): every version of a stored article with its time, and
what changed from each to the next, word by word, in title, lead and body; `-o FILE.json` for machines."""

from __future__ import annotations

import argparse
import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.commands.refetch import source_for
from crawler.extract.urls import url_variants
from crawler.items import CONTENT_FIELDS
from crawler.run import clock
from crawler.run.preflight import check_outputs, one_line_errors
from crawler.store.database import Article, ArticleVersion, Store, is_removed

# A word is a run of anything but white space (ZWNJ is no space: «می‌شود» stays one word); a line
# break is a token of its own, so paragraphs survive the diff.
_TOKEN = re.compile(r"\n|[^\s]+")
_AROUND_BREAK = re.compile(r" ?\n ?")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from old to new as (op, text) runs: «equal», «delete», «insert»."""
    before, after = _TOKEN.findall(old), _TOKEN.findall(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace"):
            runs.append(("equal" if op == "equal" else "delete", _join(before[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", _join(after[j1:j2])))
    return runs


def _join(words: list[str]) -> str:
    return _AROUND_BREAK.sub("\n", " ".join(words))


def render(runs: list[tuple[str, str]]) -> str:
    """A diff as text: «[-removed words-]» and «{+added words+}», as `git diff --word-diff` prints it."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return _AROUND_BREAK.sub("\n", " ".join(marks[op].format(text) for op, text in runs if text))


@dataclass
class Version:
    number: int
    since: datetime
    until: datetime | None
    content: dict[str, str]

    def as_dict(self) -> dict:
        return {
            "version": self.number,
            "current": self.until is None,
            "since": self.since.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            **self.content,
        }


def moment(at: datetime) -> str:
    return f"{at.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC ({clock.tehran_jalali(at)} Tehran)"


def find_article(session: Session, args: list[str], spiders) -> Article | None:
    if len(args) == 2:
        return session.scalars(select(Article).where(Article.source == args[0], Article.news_code == args[1])).first()
    spider = source_for(args[0], spiders)
    if spider is None:
        return None
    code = spider().code_in_url(args[0])
    where = Article.news_code == code if code else Article.url.in_(url_variants(args[0]))
    return session.scalars(select(Article).where(Article.source == spider.name, where)).first()


def history(article: Article, replaced: list[ArticleVersion]) -> dict:
    contents = [{name: getattr(old, name) for name in CONTENT_FIELDS} for old in replaced]
    contents.append({name: getattr(article, name) for name in CONTENT_FIELDS})
    starts = [article.first_seen_at, *(old.replaced_at for old in replaced)]
    ends = [*(old.replaced_at for old in replaced), None]
    versions = [
        Version(number, since, until, content)
        for number, (since, until, content) in enumerate(zip(starts, ends, contents), start=1)
    ]
    changes = [
        {
            "from": earlier.number,
            "to": later.number,
            "at": later.since.isoformat(),
            **{
                name: [{"op": op, "text": text} for op, text in word_diff(earlier.content[name], later.content[name])]
                for name in CONTENT_FIELDS
                if earlier.content[name] != later.content[name]
            },
        }
        for earlier, later in zip(versions, versions[1:])
    ]
    taken_down = None
    if article.removed_at is not None:
        taken_down = {
            "at": article.removed_at.isoformat(),
            "reason": article.removed_reason,
            "status": article.removed_status,
            "final_url": article.removed_url,
            "removed_now": is_removed(article),
        }
    return {
        "source": article.source,
        "news_code": article.news_code,
        "url": article.url,
        "first_seen_at": article.first_seen_at.isoformat(),
        "last_seen_at": article.last_seen_at.isoformat(),
        "last_checked_at": article.last_checked_at.isoformat() if article.last_checked_at else None,
        "taken_down": taken_down,
        "restored_at": article.restored_at.isoformat() if article.restored_at else None,
        "versions": [version.as_dict() for version in versions],
        "changes": changes,
    }


def as_text(record: dict) -> str:
    at = datetime.fromisoformat
    lines = [f"{record['source']} {record['news_code']} {unquote(record['url'])}"]
    if down := record["taken_down"]:
        lines.append(
            f"taken down {moment(at(down['at']))}: {down['reason']} (HTTP {down['status']} at {down['final_url']})"
        )
    if record["restored_at"]:
        lines.append(f"restored {moment(at(record['restored_at']))}")
    changes = {change["to"]: change for change in record["changes"]}
    for version in record["versions"]:
        until = "now (current)" if version["current"] else moment(at(version["until"]))
        lines += ["", f"version {version['version']}: {moment(at(version['since']))} – {until}"]
        change = changes.get(version["version"])
        for name in CONTENT_FIELDS:
            if change is None:
                text = version[name]
            elif name in change:
                text = render([(run["op"], run["text"]) for run in change[name]])
            else:
                text = "(unchanged)"
            lines.append(f"{name}:{chr(10) if chr(10) in text else ' '}{text}")
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[options] URL | SOURCE NEWS_CODE"

    def short_desc(self) -> str:
        return "Print every version of a stored article and what changed, word by word"

    def long_desc(self) -> str:
        return (
            "Prints the article's versions oldest first, each with the time it was first seen and replaced, "
            "then for each later version a word-level diff of title, lead and body: [-removed-] {+added+}; "
            "a takedown with its evidence. -o FILE.json writes the same as JSON. Exits 1 when no such "
            "article is stored."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", type=Path, help="also write the history as JSON to this file")

    @one_line_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process and self.settings
        if len(args) not in (1, 2) or (len(args) == 1 and urlsplit(args[0]).scheme not in ("http", "https")):
            raise UsageError("give an article URL, or a source and a news code", print_help=False)
        loader = self.crawler_process.spider_loader
        if len(args) == 2 and args[0] not in loader.list():
            raise UsageError(f"unknown source {args[0]!r}; known: {', '.join(sorted(loader.list()))}", print_help=False)
        if opts.output:
            check_outputs([opts.output])
        spiders = [loader.load(name) for name in sorted(loader.list())]
        with Session(Store.open(self.settings.get("DATABASE_URL")).engine) as session:
            article = find_article(session, args, spiders)
            if article is None:
                print(f"{' '.join(args)}: no such article is stored")
                self.exitcode = 1
                return
            replaced = list(
                session.scalars(
                    select(ArticleVersion)
                    .where(ArticleVersion.article_id == article.id)
                    .order_by(ArticleVersion.replaced_at, ArticleVersion.id)
                )
            )
            record = history(article, replaced)
        print(as_text(record))
        if opts.output:
            opts.output.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
