"""Every HTTP exchange of a crawl kept in WARC files: the evidence behind each archived row.

:class:`WarcMiddleware` writes each request with its response (redirects and error statuses
too; a download that failed as a request and a note of why) to
``WARC_DIR/<run start>-<pid>-<site>-<n>.warc.gz``, one gzip member per record, flushed as
written, so a killed crawl leaves readable files. The response's request learns where its
capture is: ``meta["capture"]``, the :data:`~hdnd_crawler.archive.store.CAPTURE_FIELDS` stored
with what was read from it, and the response record's ``offset`` and ``length`` in its file.
:func:`read_captures` reads the files back for re-extraction.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any, BinaryIO

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from hdnd_crawler import __version__
from hdnd_crawler.crawl.spiders.nukeviet import crawled_by

logger = logging.getLogger(__name__)

WARC_SUFFIX = ".warc.gz"
# The body Scrapy hands over is already de-chunked; a stored header saying otherwise would
# make readers de-chunk it again.
_DROPPED_HEADERS = {b"transfer-encoding"}


def warc_dir(settings: Any) -> Path:
    """``WARC_DIR``, or a ``warc`` directory beside the archive database."""
    return Path(settings.get("WARC_DIR") or Path(settings.get("ARCHIVE_DB")).parent / "warc")


def _warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def capture_of(warc_headers: StatusAndHeaders, http_status: int | None, warc_file: str) -> dict:
    """The capture pointer of a response record (as written, and as read back)."""
    moment = datetime.strptime(warc_headers.get_header("WARC-Date"), "%Y-%m-%dT%H:%M:%SZ")
    return {
        "warc_file": warc_file,
        "warc_record_id": warc_headers.get_header("WARC-Record-ID"),
        "payload_digest": warc_headers.get_header("WARC-Payload-Digest"),
        "fetched_at": _iso(moment.replace(tzinfo=UTC)),
        "http_status": http_status,
    }


def _pairs(headers: Any) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        if name.lower() not in _DROPPED_HEADERS
        for value in values
    ]


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


class WarcFiles:
    """The WARC files of one crawl process: opened on first use, rotated past ``max_size``."""

    def __init__(self, directory: Path, max_size: int, info: dict[str, str]):
        self.directory = directory
        self.max_size = max_size
        self.info = info
        # Sites crawled at once by one process write files of their own, named by their slug.
        site = info.get("isPartOf")
        run = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}"
        self.prefix = f"{run}-{site}" if site else run
        self.sequence = 0
        self.name = ""
        self.file: BinaryIO | None = None
        self.writer: WARCWriter | None = None

    def _open(self) -> WARCWriter:
        if self.writer is not None:
            return self.writer
        self.directory.mkdir(parents=True, exist_ok=True)
        self.name = f"{self.prefix}-{self.sequence:05d}{WARC_SUFFIX}"
        self.file = open(self.directory / self.name, "xb")  # noqa: SIM115 - kept open for the run
        self.writer = WARCWriter(self.file, gzip=True)
        self.writer.write_record(self.writer.create_warcinfo_record(self.name, self.info))
        logger.info("Writing WARC %s", self.directory / self.name)
        return self.writer

    def _rotate_if_full(self) -> None:
        if self.file is not None and self.file.tell() >= self.max_size:
            self.close()
            self.sequence += 1

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file = self.writer = None

    def _request_record(self, writer: WARCWriter, request: Request, moment: datetime):
        parts = request.url.split("/", 3)
        target = "/" + (parts[3] if len(parts) > 3 else "")
        headers = _pairs(request.headers)
        if not any(name.lower() == "host" for name, _ in headers):
            headers.insert(0, ("Host", parts[2] if len(parts) > 2 else ""))
        http = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1", headers, is_http_request=True
        )
        return writer.create_warc_record(
            request.url,
            "request",
            payload=io.BytesIO(request.body),
            length=len(request.body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": _warc_date(moment)},
        )

    def write_exchange(self, request: Request, response: Response) -> dict:
        """Write a request and its response; the response's capture pointer."""
        moment = datetime.now(UTC)
        writer = self._open()
        warc_headers = {"WARC-Date": _warc_date(moment)}
        if response.ip_address is not None:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        http = StatusAndHeaders(
            _status_line(response.status),
            _pairs(response.headers),
            protocol=response.protocol or "HTTP/1.1",
        )
        record = writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
        sent = self._request_record(writer, request, moment)
        # What write_request_response_pair does, written out to learn where the response
        # record lies: readers of the archive seek to it (an image shown from its capture).
        sent.rec_headers.replace_header("WARC-Target-URI", response.url)
        sent.rec_headers.add_header(
            "WARC-Concurrent-To", record.rec_headers.get_header("WARC-Record-ID")
        )
        offset = writer.out.tell()
        writer.write_record(record)
        length = writer.out.tell() - offset
        writer.write_record(sent)
        capture = {
            **capture_of(record.rec_headers, response.status, self.name),
            "offset": offset,
            "length": length,
        }
        self._rotate_if_full()
        return capture

    def write_failure(self, request: Request, reason: str) -> None:
        """Write a request that got no response, and a note of what happened instead."""
        moment = datetime.now(UTC)
        writer = self._open()
        sent = self._request_record(writer, request, moment)
        writer.write_record(sent)
        note = f"fetch-error: {reason}\r\n".encode()
        writer.write_record(
            writer.create_warc_record(
                request.url,
                "metadata",
                payload=io.BytesIO(note),
                length=len(note),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Date": _warc_date(moment),
                    "WARC-Concurrent-To": sent.rec_headers.get_header("WARC-Record-ID"),
                },
            )
        )
        self._rotate_if_full()


class WarcMiddleware:
    """Downloader middleware: place it after every other one (nearest the network)."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        self.crawler = crawler
        self.directory = warc_dir(settings)
        self.max_size = settings.getint("WARC_MAX_SIZE")
        self.files: WarcFiles | None = None
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        return cls(crawler)

    def info(self) -> dict[str, str]:
        """The warcinfo fields of this crawl's files."""
        site = crawled_by(self.crawler).site
        return {
            "software": f"hdnd-crawler/{__version__} (warcio)",
            "format": "WARC File Format 1.0",
            "http-header-user-agent": self.crawler.settings.get("USER_AGENT"),
            "robots": "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "isPartOf": site.slug,
            "base-url": site.base_url,
            "fetch-base": site.fetch_base,
        }

    def _files(self) -> WarcFiles:
        if self.files is None:
            self.files = WarcFiles(self.directory, self.max_size, self.info())
        return self.files

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta["capture"] = self._files().write_exchange(request, response)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return  # refused before sending (robots.txt): nothing went over the network
        self._files().write_failure(request, f"{type(exception).__name__}: {exception}")

    def close(self) -> None:
        if self.files is not None:
            self.files.close()


@dataclass
class Capture:
    """One stored response, read back: what the crawler was given, and where it is kept."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    capture: dict[str, Any]
    info: dict[str, str] = field(default_factory=dict)  # the file's warcinfo fields


def _fields(payload: bytes) -> dict[str, str]:
    info = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            info[name.strip()] = value.strip()
    return info


def warc_files(directory: Path) -> list[Path]:
    """The WARC files under ``directory``, oldest run first (their names start with it)."""
    return sorted(directory.glob(f"*{WARC_SUFFIX}"))


def read_captures(path: Path, relative_to: Path) -> Iterator[Capture]:
    """The responses stored in one WARC file, in the order they were written.

    A file cut short (a killed crawl) yields its whole records, then logs where it stops.
    """
    name = path.relative_to(relative_to).as_posix()
    info: dict[str, str] = {}
    with open(path, "rb") as stream:
        try:
            records = ArchiveIterator(stream, check_digests=True)
            for record in records:
                if record.rec_type == "warcinfo":
                    info = _fields(record.content_stream().read())
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = int(record.http_headers.get_statuscode())
                body = record.content_stream().read()
                # A record cut short reads as a shorter body: never yield half a page.
                unread = getattr(record.raw_stream, "limit", 0)
                if unread or record.digest_checker.passed is False:
                    logger.warning("%s ends inside a record (a crawl killed while writing?)", path)
                    return
                yield Capture(
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    status=status,
                    # The body is read decoded, as Scrapy would have handed it over.
                    headers=[
                        (name, value)
                        for name, value in record.http_headers.headers
                        if name.lower() != "content-encoding"
                    ],
                    body=body,
                    capture={
                        **capture_of(record.rec_headers, status, name),
                        "offset": records.get_record_offset(),
                        "length": records.get_record_length(),
                    },
                    info=info,
                )
        except (ArchiveLoadFailed, EOFError, OSError) as exc:
            logger.warning("%s ends early (a crawl killed while writing?): %s", path, exc)
