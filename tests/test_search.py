"""Vietnamese search: folding, phrase queries, the index kept in step, snippets, the command."""

from __future__ import annotations

import unicodedata

import pytest
import sqlite_utils
from click.testing import CliRunner

from hdnd_crawler.archive import schema
from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.search import (
    RANK_WINDOW,
    SEARCH_SQL,
    find,
    match_expression,
    phrase_expression,
    register_functions,
    search,
    snippet,
)
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.archive.textfold import fold
from hdnd_crawler.cli import cli
from hdnd_crawler.records import Article


def article(article_id: int, title: str, body: str, summary: str = "", **more) -> Article:
    return Article(
        site="hdnd",
        article_id=article_id,
        url=f"http://hdnd.caobang.gov.vn/tin-tuc/bai-{article_id}.html",
        title=title,
        published_at=f"2024-07-{article_id % 28 + 1:02d}T08:00:00+07:00",
        summary=summary,
        body_text=body,
        **more,
    )


ARTICLES = [
    article(
        1, "Khai mạc Kỳ họp thứ 20", "Sáng nay, Hội đồng nhân dân tỉnh Cao Bằng khai mạc kỳ họp."
    ),
    article(2, "HỘI ĐỒNG NHÂN DÂN TỈNH BAN HÀNH NGHỊ QUYẾT", "Nghị quyết số 45/NQ-HĐND."),
    # Every word of "hội đồng nhân dân", never together: not the phrase.
    article(3, "Hội đồng thi đua", "Ủy ban nhân dân tỉnh họp bàn công tác thi đua."),
    article(4, "Tiếp xúc cử tri", "Các đại biểu Quốc hội tiếp xúc cử tri huyện Hà Quảng."),
    article(5, "ĐẠI BIỂU QUỐC HỘI", "Ý kiến cử tri.", summary="Đoàn đại biểu làm việc."),
    # "dài" (long) and "đại" (great) fold alike.
    article(6, "Bài hát dài", "Một bài hát rất dài về quê hương Cao Bằng."),
]


@pytest.fixture
def filled(fresh_db: Archive) -> Archive:
    for a in ARTICLES:
        fresh_db.upsert_article(a)
    return fresh_db


def found(archive: Archive, query: str) -> set[int]:
    return {hit.article_id for hit in search(archive.db.conn, query, limit=100)}


def test_fold_drops_marks_folds_d_and_keeps_one_character_per_character():
    assert fold("Hội đồng nhân dân") == "hoi dong nhan dan"
    assert fold("ĐẠI BIỂU Quốc hội") == "dai bieu quoc hoi"
    assert fold("Cao Bằng, ưu tiên") == "cao bang, uu tien"
    decomposed = unicodedata.normalize("NFD", "Kỳ họp thứ 20")
    assert fold(decomposed) == "ky hop thu 20"
    text = "Nghị quyết số 45/NQ-HĐND (Đắk Lắk) — “trích dẫn” İ ß"
    assert len(fold(text)) == len(unicodedata.normalize("NFC", text))


def test_typed_words_are_each_required_quotes_keep_a_phrase_and_nothing_is_syntax():
    # Typed words were one phrase before abbreviations and word-by-word search
    # (tests/test_search_readings.py): each word is now required, the phrase ranks first.
    assert match_expression("ky hop ngan sach") == '"ky" AND "hop" AND "ngan" AND "sach"'
    assert phrase_expression("ky hop ngan sach") == '"ky hop ngan sach"'
    # An abbreviation's forms are found by its key (the index's aliases column holds it).
    assert match_expression("hoi dong nhan dan") == '"hdnd"'
    assert match_expression('"ky hop"  ngan sach') == '"ky hop" AND "ngan" AND "sach"'
    assert match_expression('nghị quyết "45') == '"nq" AND "45"'
    assert match_expression("Đại  biểu") == '"dai" AND "bieu"'
    assert match_expression("") == match_expression("  ") == '""'
    assert match_expression("a AND b OR NOT c*") == (
        '"a" AND "and" AND "b" AND "or" AND "not" AND "c"'
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hoi dong nhan dan", {1, 2}),
        ("Hội đồng nhân dân", {1, 2}),
        ("HỘI ĐỒNG NHÂN DÂN", {1, 2}),
        ("hội dong nhân dan", {1, 2}),  # some marks typed, others not
        ("Hội dong nhân dân", {1, 2}),
        ("đại bieu", {4, 5}),
        ("dai bieu", {4, 5}),
        ("Đại biểu", {4, 5}),
        ("đại biểu quốc hội", {4, 5}),
        ("cao bang", {1, 6}),
        ("Cao Bằng", {1, 6}),
        ("dài", {4, 5, 6}),  # no mark matters, đ included
        ("đai", {4, 5, 6}),
        ('"hoi dong" "nhan dan"', {1, 2, 3}),  # two phrases, anywhere
        ("45/NQ-HĐND", {2}),
        ("khong co", set()),
    ],
)
def test_queries_with_and_without_diacritics_find_exactly_the_phrase(filled, query, expected):
    assert found(filled, query) == expected


def test_snippet_shows_the_published_text_around_the_hit(filled):
    (hit,) = search(filled.db.conn, "hoi dong nhan dan tinh cao bang")
    assert hit.article_id == 1
    assert hit.snippet == "Sáng nay, <mark>Hội đồng nhân dân tỉnh Cao Bằng</mark> khai mạc kỳ họp."
    (hit,) = search(filled.db.conn, "Ý kiến")
    assert hit.snippet == "<mark>Ý kiến</mark> cử tri."


def test_snippet_of_a_long_text_is_a_window_with_ellipses():
    text = (
        " ".join(f"từ{n}" for n in range(200)) + " Hội đồng " + " ".join("x" * 5 for _ in range(99))
    )
    start = text.index("Hội đồng")
    folded = fold(text)
    highlighted = f"{folded[:start]}\x02{folded[start : start + 8]}\x03{folded[start + 8 :]}"
    shown = snippet(highlighted, text)
    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>Hội đồng</mark>" in shown
    assert len(shown) < 300


def test_title_hits_rank_first(filled):
    hits = search(filled.db.conn, "dai bieu quoc hoi", order="relevance")
    assert [h.article_id for h in hits][0] == 5
    # Newest first instead: 5 is the newer of the two.
    assert [h.article_id for h in search(filled.db.conn, "dai bieu quoc hoi")] == [5, 4]


def test_newest_first_follows_publication_not_archiving(filled):
    # Archived later but published earlier (id 27 → 2024-07-28, id 30 → 2024-07-03).
    filled.upsert_article(article(27, "Cử tri xã", "Ý kiến cử tri về đường giao thông."))
    filled.upsert_article(article(30, "Cử tri phường", "Cử tri phường Sông Hiến."))
    hits = search(filled.db.conn, "cu tri")
    assert [h.article_id for h in hits] == [27, 5, 4, 30]
    assert [h.published_at for h in hits] == sorted((h.published_at for h in hits), reverse=True)
    assert [h.article_id for h in search(filled.db.conn, "cu tri", limit=2)] == [27, 5]


def test_an_edit_that_moves_the_publication_date_moves_the_article(filled):
    moved = article(4, "Tiếp xúc cử tri", "Các đại biểu Quốc hội tiếp xúc cử tri huyện Hà Quảng.")
    moved.published_at = "2024-08-30T09:00:00+07:00"
    assert filled.upsert_article(moved) == "updated"
    assert [h.article_id for h in search(filled.db.conn, "cu tri")] == [4, 5]
    count = "select count(*) from articles_fts where articles_fts match '\"cu tri\"'"
    assert filled.db.conn.execute(count).fetchone()[0] == 2


def test_edited_article_is_found_by_its_new_text_only(filled):
    filled.upsert_article(article(4, "Tiếp xúc cử tri", "Đoàn công tác làm việc tại Bảo Lạc."))
    assert found(filled, "dai bieu") == {5}
    assert found(filled, "bao lac") == {4}


def test_attachment_text_is_searched_with_the_article(filled):
    filled.upsert_attachment(
        {
            "site": "hdnd",
            "article_id": 6,
            "url": "http://hdnd.caobang.gov.vn/tin-tuc/bai-6.html?download=1&id=0",
            "file_name": "nghi-quyet-ngan-sach.pdf",
            "media_type": "application/pdf",
            "bytes": 10,
            "sha256": "ab" * 32,
            "path": "ab/abab.pdf",
            "text": "NGHỊ QUYẾT về dự toán ngân sách địa phương năm 2025",
        }
    )
    assert found(filled, "du toan ngan sach") == {6}
    (hit,) = search(filled.db.conn, "du toan ngan sach")
    assert "<mark>dự toán ngân sách</mark>" in hit.snippet


@pytest.mark.parametrize("version", [2, 4])
def test_migrations_index_an_archive_written_before(tmp_path, monkeypatch, version):
    """Before search existed (2), and with the first index, of texts twice over (4)."""
    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:version])
    old = Archive(path)
    with old.db.conn:
        old.db.conn.execute(
            "insert into articles (site, article_id, url, title, published_at, body_text,"
            " content_hash) values ('hdnd', 1, 'u', 'Khai mạc', '2024-07-01T08:00:00+07:00',"
            " 'Hội đồng nhân dân tỉnh họp.', 'h')"
        )
    old.close()
    assert ("articles_fts" in sqlite_utils.Database(path).table_names()) == (version > 2)
    monkeypatch.undo()
    archive = Archive(path)
    try:
        assert found(archive, "hoi dong nhan dan") == {1}
        row = archive.get_article("hdnd", 1)
        assert row["published_year"] == 2024
        # Rowids follow publication: seconds since 1970 (2024-07-01 01:00 UTC) x 1024 + id.
        (rowid,) = archive.db.conn.execute("select rowid from articles").fetchone()
        assert rowid == 1_719_795_600 * 1024 + 1
    finally:
        archive.close()


def test_search_command_prints_title_date_url_and_snippet(filled):
    result = CliRunner().invoke(cli, ["search", "dai bieu", "--db", str(filled.path)])
    assert result.exit_code == 0, result.output
    assert (
        "ĐẠI BIỂU QUỐC HỘI\n2024-07-06 08:00  http://hdnd.caobang.gov.vn/tin-tuc/bai-5.html\n"
        in result.output
    )
    assert "Các [đại biểu] Quốc hội tiếp xúc cử tri huyện Hà Quảng." in result.output
    ranked = CliRunner().invoke(
        cli, ["search", "dai bieu quoc hoi", "--order", "relevance", "--db", str(filled.path)]
    )
    assert ranked.exit_code == 0, ranked.output
    assert ranked.output.startswith("ĐẠI BIỂU QUỐC HỘI\n")  # the title hit
    missing = CliRunner().invoke(cli, ["search", "khong co", "--db", str(filled.path)])
    assert missing.exit_code == 1


def test_best_first_runs_the_match_once_then_reads_the_shown_rows_alone(filled):
    conn = filled.db.conn
    register_functions(conn)
    params = {"q": "x", "limit": 5, "site": None, "since": None, "category": None}
    plan = conn.execute(f"explain query plan {SEARCH_SQL['relevance']}", params)
    index_reads = [step for *_, step in plan if step.startswith("SCAN articles_fts")]
    # FTS5 names a rowid constraint "=" in its plan. Each reading (the phrase first, then every
    # word) is matched once; the last read is at the ranked rowids.
    assert len(index_reads) == 3
    assert [":=" in step for step in index_reads] == [False, False, True]


def test_best_first_of_more_matches_than_are_ranked_ranks_the_newest(fresh_db):
    # The oldest hundred say it most often: ranked whole, they would come first.
    conn = fresh_db.db.conn
    total = RANK_WINDOW + 500
    conn.executemany(
        "insert into articles (rowid, site, article_id, url, title, body_text, content_hash)"
        " values (?, 'hdnd', ?, ?, ?, ?, '')",
        [
            (n, n, f"http://x/{n}", f"Bài {n}", "Dự toán ngân sách." * (6 if n <= 100 else 1))
            for n in range(1, total + 1)
        ],
    )
    conn.executemany(
        "insert into articles_fts (rowid, title, summary, body, attachments, attachments_text)"
        " values (?, ?, '', ?, '', '')",
        [
            (n, f"bai {n}", "du toan ngan sach." * (6 if n <= 100 else 1))
            for n in range(1, total + 1)
        ],
    )
    results = find(conn, "ngan sach", limit=20, order="relevance")
    assert results.total == total and results.ranked_among == RANK_WINDOW
    assert all(hit.article_id > total - RANK_WINDOW for hit in results.hits)
    assert find(conn, "du toan ngan sach", limit=20, order="newest").ranked_among is None
