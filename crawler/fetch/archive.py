"""The archive: every response the crawler reads for content, kept as fetched in WARC files (ISO 28500).

`ArchiveResponses` (a downloader middleware) writes each successful answer to a page, a feed, a sitemap or
a REST API, with its request, into `ARCHIVE_DIR`: one file per source per day
(`<source>-<YYYYMMDD>-<n>.warc.gz`), a new one once a file reaches `ARCHIVE_FILE_MAX_BYTES`, every record a
gzip member of its own, so a file cut short by a kill is readable up to its last complete record. The
response record carries `WARC-Target-URI`, `WARC-Date`, the HTTP headers and the payload digest; a page the
browser rendered is kept as rendered, marked `X-Crawler-Rendered: chromium`. Images, robots.txt, redirects
and error answers are not kept.

The record's place (file, offset, payload digest) goes into the request's meta, and `ArchivedItems` (a
spider middleware) gives it to the articles read from that response, so every stored row leads back to the
bytes it was read from. A failure to write is logged and counted (`archive/failed`); the response goes on
to the spider all the same, and its articles are stored without a record.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import BufferWARCWriter

from crawler.stats import ARCHIVE_BYTES, ARCHIVE_FAILED, ARCHIVE_RECORDS

logger = logging.getLogger(__name__)

#: Request meta: where the response to this request was archived (an `ArchivedRecord`).
RECORD_META = "archive_record"
RENDERED_HEADER = "X-Crawler-Rendered"
FILE_NAME = re.compile(r"^(?P<source>[\w-]+)-(?P<day>\d{8})-(?P<number>\d+)\.warc\.gz$")
# zlib's level 1: a page costs a third of the time level 9 (warcio's own) does, for about a tenth more bytes.
GZIP_LEVEL = 1
# What is not read for content: the browser fetches these for a page, the crawler never asks for them.
NOT_CONTENT = (b"image/", b"audio/", b"video/", b"font/")


@dataclass(frozen=True)
class ArchivedRecord:
    """Where a response is kept: its file's name in the archive directory, the record's offset in it
    and the payload's digest (`sha1:<base32>`, as WARC-Payload-Digest)."""

    file: str
    offset: int
    digest: str


class ArchiveFiles:
    """The WARC files of one archive directory, written by appending whole gzip members."""

    def __init__(self, directory: str | Path, max_bytes: int, software: str = "iran-municipal-news"):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.software = software
        self.current: dict[tuple[str, str], Path] = {}
        self.lock = threading.Lock()

    def file_for(self, source: str, day: str) -> Path:
        """The file a source's record of that day goes to: the last of the day's, or a new one once it is full."""
        path = self.current.get((source, day))
        if path is None:
            numbers = [
                int(match["number"])
                for name in os.listdir(self.directory)
                if (match := FILE_NAME.match(name)) and match["source"] == source and match["day"] == day
            ]
            path = self.directory / f"{source}-{day}-{max(numbers, default=0):05d}.warc.gz"
        if path.exists() and path.stat().st_size >= self.max_bytes:
            number = int(FILE_NAME.match(path.name)["number"]) + 1  # type: ignore[index]  # a name this writer gave
            path = self.directory / f"{source}-{day}-{number:05d}.warc.gz"
        self.current[(source, day)] = path
        return path

    def write(
        self, source: str, request: Request, response: Response, rendered: bool = False, now: datetime | None = None
    ) -> ArchivedRecord:
        """Appends the response and its request as WARC records; returns where the response record is.
        Safe from several threads: the records are made outside the lock, only the append is inside it."""
        now = now or datetime.now(timezone.utc)
        date = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        writer = BufferWARCWriter(gzip=False)
        extra = {"WARC-Date": date, **({RENDERED_HEADER: "chromium"} if rendered else {})}
        record = writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            http_headers=http_headers(response),
            warc_headers_dict=extra,
        )
        writer.write_record(record)
        answer = gzip_member(writer.get_contents())
        writer = BufferWARCWriter(gzip=False)
        writer.write_record(
            writer.create_warc_record(
                request.url,
                "request",
                payload=io.BytesIO(request.body or b""),
                http_headers=request_headers(request),
                warc_headers_dict={
                    "WARC-Date": date,
                    "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID"),
                },
            )
        )
        question = gzip_member(writer.get_contents())
        data = answer + question
        with self.lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.file_for(source, now.strftime("%Y%m%d"))
            if not path.exists() or path.stat().st_size == 0:
                data = self.warcinfo(path.name) + data
            # One write of whole gzip members with O_APPEND: another process appending to the same file (a
            # refetch during a crawl) cannot land inside it, and a kill leaves at most the last one cut.
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(descriptor, data)
                end = os.lseek(descriptor, 0, os.SEEK_CUR)
            finally:
                os.close(descriptor)
        if written < len(data):  # the disk filled up: the file ends in a record cut short, as after a kill
            raise OSError(f"{path.name}: {written} of {len(data)} bytes written (disk full?)")
        return ArchivedRecord(
            path.name, end - len(answer) - len(question), record.rec_headers.get_header("WARC-Payload-Digest")
        )

    def warcinfo(self, name: str) -> bytes:
        writer = BufferWARCWriter(gzip=False)
        writer.write_record(
            writer.create_warcinfo_record(name, {"software": self.software, "format": "WARC File Format 1.1"})
        )
        return gzip_member(writer.get_contents())


def gzip_member(record: bytes) -> bytes:
    """One record as a gzip member of its own (WARC's .warc.gz), at a level that costs a crawl little time."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(record) + compressor.flush()


def http_headers(response: Response) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in response.headers.items()
        for value in values
    ]
    # Scrapy hands on the body decoded (HttpCompressionMiddleware drops Content-Encoding): the length is the kept body's.
    headers = [
        (name, str(len(response.body)) if name.lower() == "content-length" else value) for name, value in headers
    ]
    protocol = response.protocol or "HTTP/1.1"
    return StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol=protocol)


def request_headers(request: Request) -> StatusAndHeaders:
    target = request.url.split("://", 1)[-1]
    target = target[target.find("/") :] if "/" in target else "/"
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in request.headers.items()
        for value in values
    ]
    return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, protocol="HTTP/1.1", is_http_request=True)


def is_content(request: Request, response: Response) -> bool:
    """A successful answer the crawler reads: not an image or the like, not robots.txt."""
    kind = (response.headers.get(b"Content-Type") or b"").lower()
    return (
        200 <= response.status < 300
        and not kind.startswith(NOT_CONTENT)
        and not request.url.split("?", 1)[0].endswith("/robots.txt")
    )


class ArchiveResponses:
    """Downloader middleware: writes each content response into the archive (ARCHIVE_ENABLED, ARCHIVE_DIR,
    ARCHIVE_FILE_MAX_BYTES). Placed inside HttpCompressionMiddleware, so the body kept is the one read."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.files = ArchiveFiles(
            crawler.settings.get("ARCHIVE_DIR"),
            crawler.settings.getint("ARCHIVE_FILE_MAX_BYTES"),
            crawler.settings.get("BOT_NAME") or "iran-municipal-news",
        )

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVE_ENABLED"):
            raise NotConfigured("ARCHIVE_ENABLED is off")
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if not is_content(request, response):
            return response
        stats = self.crawler.stats
        source = getattr(self.crawler.spider, "name", None) or "unknown"
        try:
            # In a thread: compressing a page takes milliseconds the crawl goes on without (zlib lets go of the GIL).
            record = await maybe_deferred_to_future(
                deferToThread(self.files.write, source, request, response, rendered=bool(request.meta.get("render")))
            )
        except Exception as error:  # noqa: BLE001 - a full disk or a record warcio refused: counted, the page goes on
            stats.inc_value(ARCHIVE_FAILED)
            logger.error(
                "%s: %s NOT ARCHIVED (the article is stored all the same): %s",
                source,
                response.url,
                error,
                extra={"spider": self.crawler.spider},
            )
            return response
        request.meta[RECORD_META] = record
        stats.inc_value(ARCHIVE_RECORDS)
        stats.inc_value(ARCHIVE_BYTES, len(response.body))
        return response


class ArchivedItems(BaseSpiderMiddleware):
    """Spider middleware: an article read from an archived response points at its record."""

    def get_processed_item(self, item, response: Response | None):
        record = response.meta.get(RECORD_META) if response is not None and response.request is not None else None
        if record is not None and hasattr(item, "archive_file"):
            item.archive_file, item.archive_offset, item.archive_digest = record.file, record.offset, record.digest
        return item


# -- reading ---------------------------------------------------------------------------------------------------


@dataclass
class ArchivedResponse:
    """A response record read back: where it is, what was asked, what came."""

    record: ArchivedRecord
    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    rendered: bool

    def response(self) -> Response:
        """The Scrapy response it was (an HtmlResponse, a TextResponse for JSON…), as the spider read it."""
        headers: dict[str, list[str]] = {}
        for name, value in self.headers:
            headers.setdefault(name, []).append(value)
        # As Headers: Scrapy looks a type up by bytes names (b"Content-Type"), which a dict of str names lacks.
        cls = responsetypes.from_args(headers=Headers(headers), url=self.url, body=self.body)
        return cls(url=self.url, status=self.status, headers=headers, body=self.body)


def _archived(record, file: str, offset: int | None = None, records: ArchiveIterator | None = None) -> ArchivedResponse:
    body = record.content_stream().read()
    # The iterator knows a record's offset once the record is read to its end.
    offset = records.get_record_offset() if records is not None else offset
    assert offset is not None  # given when there is no iterator
    headers = record.http_headers.headers if record.http_headers else []
    status = int(record.http_headers.get_statuscode() or 0) if record.http_headers else 0
    return ArchivedResponse(
        ArchivedRecord(file, offset, record.rec_headers.get_header("WARC-Payload-Digest") or ""),
        record.rec_headers.get_header("WARC-Target-URI"),
        record.rec_headers.get_header("WARC-Date"),
        status,
        list(headers),
        body,
        bool(record.rec_headers.get_header(RENDERED_HEADER)),
    )


def read_record(directory: str | Path, record: ArchivedRecord) -> ArchivedResponse:
    """The response record at this place; ValueError when there is none, or its digest is not the expected one."""
    path = Path(directory) / record.file
    with open(path, "rb") as stream:
        stream.seek(record.offset)
        for found in ArchiveIterator(stream):
            if found.rec_type != "response":
                break
            archived = _archived(found, record.file, record.offset)
            if archived.record.digest != record.digest:
                raise ValueError(
                    f"{record.file}@{record.offset}: digest {archived.record.digest}, expected {record.digest}"
                )
            return archived
    raise ValueError(f"{record.file}@{record.offset}: no response record there")


def record_url(directory: str | Path, record: ArchivedRecord) -> str:
    """The WARC-Target-URI of the response record at this place, read from its headers alone."""
    with open(Path(directory) / record.file, "rb") as stream:
        stream.seek(record.offset)
        found = next(iter(ArchiveIterator(stream)), None)
        if found is None or found.rec_type != "response":
            raise ValueError(f"{record.file}@{record.offset}: no response record there")
        return found.rec_headers.get_header("WARC-Target-URI")


def responses_in(path: Path) -> Iterator[ArchivedResponse]:
    """Every response record of one file, in order."""
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        for found in records:
            if found.rec_type == "response":
                yield _archived(found, path.name, records=records)


def archive_files(directory: str | Path) -> list[Path]:
    directory = Path(directory)
    return sorted(path for path in directory.iterdir() if FILE_NAME.match(path.name)) if directory.is_dir() else []


@dataclass
class FileCheck:
    """What `verify` found in one file: its readable records, and what is wrong (nothing: the file is sound)."""

    path: Path
    records: int
    problems: list[str]


def verify(path: Path) -> FileCheck:
    """Reads every record of a file to its end, checking its block and payload digests. A file cut short (a
    kill during a write) is readable up to its last complete record; the cut is a problem."""
    check = FileCheck(path, 0, [])
    end = 0
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, check_digests=True)
        try:
            for record in records:
                record.content_stream().read()
                offset = records.get_record_offset()
                if record.digest_checker.passed is False:
                    check.problems.append(
                        f"record at offset {offset}: {'; '.join(map(str, record.digest_checker.problems))}"
                    )
                    continue
                # A record cut short ends before its digest can be checked.
                if record.digest_checker.passed is None and record.rec_headers.get_header("WARC-Block-Digest"):
                    check.problems.append(
                        f"cut short in the record at offset {offset} ({check.records} complete records before it)"
                    )
                    continue
                check.records += 1
                end = offset + records.get_record_length()
        except Exception as error:  # noqa: BLE001 - warcio and zlib say «cut short» in several ways
            check.problems.append(f"unreadable after {check.records} records: {error}")
    # warcio stops quietly at a gzip member cut short: what lies after the last whole record says so.
    if not check.problems and end < path.stat().st_size:
        check.problems.append(
            f"cut short: {path.stat().st_size - end} bytes after the last complete record "
            f"({check.records} records readable)"
        )
    return check


def prunable(directory: str | Path, keep_days: int, pointed: set[str], today: datetime | None = None) -> list[Path]:
    """The archive files older than `keep_days` days into which no stored article or version points."""
    today = today or datetime.now(timezone.utc)
    files = []
    for path in archive_files(directory):
        day = datetime.strptime(FILE_NAME.match(path.name)["day"], "%Y%m%d").replace(tzinfo=timezone.utc)  # type: ignore[index]  # archive_files matched it
        if (today - day).days > keep_days and path.name not in pointed:
            files.append(path)
    return files
