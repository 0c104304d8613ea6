"""Attachments: named, typed, stored once by content, read for text, not fetched twice."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from devtools.testsite.server import Reply, SiteState, serve
from hdnd_crawler.archive.search import search
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.attachments import (
    DOCX,
    PDF,
    extract_text,
    file_name_of,
    media_type_of,
    store,
)
from tests.conftest import SITE_ROOT, run_crawl, starts

DOWNLOADS = json.loads((SITE_ROOT / "_downloads.json").read_text("utf-8"))
UPLOADS = SITE_ROOT / "uploads" / "news"
REPORT_PDF = UPLOADS / "2023_12" / "bao-cao-tong-ket-doan-dbqh-2023.pdf"
LIST_DOCX = UPLOADS / "2024_07" / "danh-muc-nghi-quyet-ky-hop-20.docx"


@pytest.mark.parametrize(
    ("disposition", "link", "url", "expected"),
    [
        (
            "attachment; filename*=UTF-8''Ngh%E1%BB%8B%20quy%E1%BA%BFt%2045.pdf",
            "",
            "",
            "Nghị quyết 45.pdf",
        ),
        # Raw UTF-8 in a quoted name reaches Scrapy's headers as Latin-1 text.
        ('attachment; filename="Báo cáo.docx"'.encode().decode("latin-1"), "", "", "Báo cáo.docx"),
        ('attachment; filename="../../etc/passwd"', "", "", "passwd"),
        (None, "Danh mục nghị quyết", "http://x/a.html?download=1&id=1", "Danh mục nghị quyết"),
        (None, "", "http://x/uploads/news/nq%2012.pdf", "nq 12.pdf"),
    ],
)
def test_file_name_comes_from_the_server_then_the_link_then_the_url(
    disposition, link, url, expected
):
    assert file_name_of(disposition, link, url) == expected


def test_media_type_is_read_from_the_bytes_first():
    assert media_type_of(REPORT_PDF.read_bytes(), "application/octet-stream", "x.bin") == PDF
    assert media_type_of(LIST_DOCX.read_bytes(), None, "x") == DOCX
    assert media_type_of(b"\xd0\xcf\x11\xe0old", None, "bien-ban.doc") == "application/msword"
    assert media_type_of(b"data", "application/vnd.ms-excel; x=1", "a") == (
        "application/vnd.ms-excel"
    )


def test_the_same_bytes_are_stored_once_whatever_their_name(tmp_path):
    body = REPORT_PDF.read_bytes()
    digest, path = store(body, tmp_path, PDF, "bao-cao.pdf")
    again = store(body, tmp_path, "application/octet-stream", "khac-ten.bin")
    assert again == (digest, path)
    assert digest == hashlib.sha256(body).hexdigest()
    assert path == f"{digest[:2]}/{digest}.pdf"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{digest}.pdf"]


def test_text_is_read_from_pdf_and_docx_only(caplog):
    assert extract_text(REPORT_PDF.read_bytes(), PDF) == (
        "DOAN DAI BIEU QUOC HOI TINH CAO BANG\nBAO CAO\n"
        "Tong ket cong tac nam 2023, phuong huong nhiem vu nam 2024"
    )
    text = extract_text(LIST_DOCX.read_bytes(), DOCX)
    assert text.startswith("DANH MỤC CÁC NGHỊ QUYẾT THÔNG QUA TẠI KỲ HỌP THỨ 20\n")
    assert extract_text(b"\xd0\xcf\x11\xe0old", "application/msword") is None
    with caplog.at_level(logging.WARNING):
        assert extract_text(b"%PDF-1.4 broken", PDF, "http://x/hong.pdf") is None
    assert "No text read from attachment http://x/hong.pdf" in caplog.text


def download_path(article_id: int) -> str:
    return next(link for link in DOWNLOADS if link.split("?")[0].endswith(f"-{article_id}.html"))


@pytest.fixture(scope="module")
@starts("servers", "processes")
def crawled(tmp_path_factory):
    """A crawl in which two articles' links serve the same file, then a second crawl."""
    db = tmp_path_factory.mktemp("attachments") / "archive.db"
    duplicate = download_path(552)
    same_file = (SITE_ROOT / DOWNLOADS[download_path(541)]["file"]).read_bytes()

    def same_bytes(path: str) -> Reply | None:
        if path != duplicate:
            return None
        disposition = "attachment; filename*=UTF-8''ban-sao.pdf"
        return Reply(200, same_file, {"Content-Type": PDF, "Content-Disposition": disposition})

    state = SiteState(root=SITE_ROOT, intercept=same_bytes)
    with serve(state) as base_url:
        run_crawl(base_url, db)
        first = [p for p in state.requests if "download=1" in p]
        state.requests.clear()
        run_crawl(base_url, db)
        second = [p for p in state.requests if "download=1" in p]
        state.requests.clear()
        run_crawl(base_url, db, "-s", "ATTACHMENTS_REFETCH=True")
        forced = [p for p in state.requests if "download=1" in p]
    return db, first, second, forced


def test_each_linked_file_is_listed_and_stored_once_by_content(crawled):
    db, first, _, _ = crawled
    assert sorted(first) == sorted(DOWNLOADS)
    archive = Archive(db)
    try:
        rows = {(r["article_id"], r["file_name"]): r for r in archive.attachments("hdnd")}
    finally:
        archive.close()
    assert sorted(rows) == [
        (541, "bao-cao-tong-ket-doan-dbqh-2023.pdf"),
        (552, "ban-sao.pdf"),
        (645, "bao-cao-giam-sat-nong-nghiep.docx"),
        (697, "danh-muc-nghi-quyet-ky-hop-20.docx"),
        (697, "nghi-quyet-12-nq-hdnd.pdf"),
    ]
    report, copy = rows[(541, "bao-cao-tong-ket-doan-dbqh-2023.pdf")], rows[(552, "ban-sao.pdf")]
    assert report["sha256"] == copy["sha256"] and report["path"] == copy["path"]
    assert report["url"].startswith("http://hdnd.caobang.gov.vn/hoat-dong-doan-dbqh/")
    assert report["url"].endswith("-541.html?download=1&id=0")
    assert (report["media_type"], report["bytes"]) == (PDF, REPORT_PDF.stat().st_size)
    assert report["text"].startswith("DOAN DAI BIEU QUOC HOI TINH CAO BANG")
    docx = rows[(645, "bao-cao-giam-sat-nong-nghiep.docx")]
    assert docx["media_type"] == DOCX and "GIÁM SÁT" in docx["text"]
    files = [p for p in (db.parent / "files").rglob("*") if p.is_file()]
    assert len(files) == 4  # five links, four distinct files
    for row in rows.values():
        stored = db.parent / "files" / row["path"]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == row["sha256"]


def test_stored_attachments_are_not_downloaded_again_unless_asked(crawled):
    _, first, second, forced = crawled
    assert second == []
    assert sorted(forced) == sorted(first)


def test_attachment_text_is_found_by_search(crawled):
    db = crawled[0]
    archive = Archive(db)
    try:
        hits = search(archive.db.conn, "danh muc cac nghi quyet thong qua")
        assert [h.article_id for h in hits] == [697]
        assert "<mark>DANH MỤC CÁC NGHỊ QUYẾT THÔNG QUA</mark>" in hits[0].snippet
        # The PDF's text has no diacritics; a query with them finds it all the same.
        assert {h.article_id for h in search(archive.db.conn, "Tổng kết công tác năm 2023")} >= {
            541
        }
    finally:
        archive.close()
