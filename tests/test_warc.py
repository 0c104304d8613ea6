"""Every exchange of a crawl lands in WARC files, and each archived row points to its capture."""

from __future__ import annotations

import html
import logging
import random
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from devtools.testsite.server import Reply, SiteState, serve
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.crawl.warc import WarcFiles, read_captures, warc_files
from tests.conftest import SITE_ROOT, run_crawl, starts

MOVED = "/tin-tuc/cao-bang-to-chuc-le-ky-niem-70-nam-chien-thang-dien-bien-phu-624.html"
FLAKY = "/hoat-dong-hdnd/"


def records(path: Path) -> list:
    with open(path, "rb") as stream:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                r.http_headers.get_statuscode() if r.http_headers else None,
                r.rec_headers.get_header("WARC-Record-ID"),
                r.rec_headers.get_header("WARC-Payload-Digest"),
                r.content_stream().read(),
            )
            for r in ArchiveIterator(stream, check_digests="raise")
        ]


@pytest.fixture(scope="module")
@starts("servers", "processes")
def crawled(tmp_path_factory):
    """A crawl in which one article answers 301 once and one listing 503 once."""
    db = tmp_path_factory.mktemp("warc") / "archive.db"
    answered: set[str] = set()

    def once(path: str) -> Reply | None:
        if path in answered:
            return None
        answered.add(path)
        if path == MOVED:
            return Reply(301, b"", {"Location": MOVED + "?from=old-link"})
        if path == FLAKY:
            return Reply(503, b"busy")
        return None

    state = SiteState(root=SITE_ROOT, intercept=once)
    with serve(state) as base_url:
        run_crawl(base_url, db)
    return db, base_url


def test_every_exchange_is_written_with_its_request(crawled):
    db, base_url = crawled
    (path,) = warc_files(db.parent / "warc")
    assert path.name.endswith("-00000.warc.gz")
    written = records(path)  # digests are checked while reading
    kinds = [r[0] for r in written]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == kinds.count("request") > 40
    info = written[0][5].decode()
    assert "isPartOf: hdnd" in info and f"fetch-base: {base_url}" in info
    statuses = {(r[1].removeprefix(base_url), r[2]) for r in written if r[0] == "response"}
    assert ("/robots.txt", "200") in statuses
    assert (MOVED, "301") in statuses  # the redirect itself
    assert (MOVED + "?from=old-link", "200") in statuses
    assert (FLAKY, "503") in statuses and (FLAKY, "200") in statuses  # the failure and retry
    downloads = [r for r in written if r[0] == "response" and "download=1" in r[1]]
    assert len(downloads) == 5
    assert all(r[5].startswith((b"%PDF-", b"PK\x03\x04")) for r in downloads)


def test_each_article_row_points_to_the_response_it_was_read_from(crawled):
    db, base_url = crawled
    (path,) = warc_files(db.parent / "warc")
    responses = {r[3]: r for r in records(path) if r[0] == "response"}
    archive = Archive(db)
    try:
        rows = archive.articles("hdnd")
        attachments = archive.attachments("hdnd")
    finally:
        archive.close()
    assert len(rows) == 27
    for row in rows + attachments:
        assert row["warc_file"] == path.name
        _, uri, status, _, digest, body = responses[row["warc_record_id"]]
        assert (status, row["http_status"]) == ("200", 200)
        assert digest == row["payload_digest"]
        assert row["fetched_at"].endswith("+00:00")
    moved = next(r for r in rows if r["url"].endswith(MOVED))
    assert responses[moved["warc_record_id"]][1] == base_url + MOVED + "?from=old-link"
    for row in rows:
        page = html.unescape(responses[row["warc_record_id"]][5].decode("utf-8"))
        assert row["title"] in page


@pytest.mark.servers
@pytest.mark.processes
def test_a_crawl_without_warc_writes_none(tmp_path):
    with serve(SiteState(root=SITE_ROOT)) as base_url:
        run_crawl(base_url, tmp_path / "a.db", "-s", "WARC_ENABLED=False")
    assert not (tmp_path / "warc").exists()
    archive = Archive(tmp_path / "a.db")
    try:
        assert {r["warc_file"] for r in archive.articles("hdnd")} == {None}
    finally:
        archive.close()


def exchange(n: int) -> tuple[Request, HtmlResponse]:
    url = f"http://127.0.0.1:8000/tin-tuc/bai-{n}.html"
    # Bytes that do not compress, so that each exchange fills a small file.
    body = f"<html><body>Bài số {n} ".encode() + random.Random(n).randbytes(3000)
    request = Request(url, headers={"User-Agent": "test"})
    response = HtmlResponse(
        url, status=200, body=body, headers={"Content-Type": "text/html; charset=UTF-8"}
    )
    return request, response


def test_files_rotate_and_each_starts_with_its_warcinfo(tmp_path):
    files = WarcFiles(tmp_path, max_size=4000, info={"isPartOf": "hdnd"})
    captures = [files.write_exchange(*exchange(n)) for n in range(4)]
    files.write_failure(Request("http://127.0.0.1:8000/mat.html"), "TimeoutError: took too long")
    files.close()
    paths = warc_files(tmp_path)
    assert len(paths) == 5  # each exchange filled a file past 4000 bytes
    assert [c["warc_file"] for c in captures] == [p.name for p in paths[:4]]
    read = [c for p in paths for c in read_captures(p, tmp_path)]
    assert [c.capture for c in read] == captures
    assert all(c.info == {"isPartOf": "hdnd"} for c in read)
    failure = records(paths[4])
    assert [r[0] for r in failure] == ["warcinfo", "request", "metadata"]
    assert failure[2][5] == b"fetch-error: TimeoutError: took too long\r\n"


def test_a_file_cut_inside_a_response_yields_the_whole_ones_before_it(tmp_path, caplog):
    files = WarcFiles(tmp_path, max_size=10**9, info={})
    first = files.write_exchange(*exchange(1))
    files.write_exchange(*exchange(2))
    files.close()
    (path,) = warc_files(tmp_path)
    whole = path.read_bytes()
    path.write_bytes(whole[:-1500])  # a crawl killed while writing the second page
    with caplog.at_level(logging.WARNING):
        assert [c.capture for c in read_captures(path, tmp_path)] == [first]
    assert "ends inside a record" in caplog.text
