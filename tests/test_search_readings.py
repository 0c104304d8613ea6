"""How search reads what is typed: every word required, abbreviations and long forms alike,
the phrase first, quotes exact, counts, suggestions; and the search command's flags."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hdnd_crawler.archive import readings, schema
from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.readings import (
    Forms,
    abbreviations,
    alias_keys,
    aliases_fingerprint,
    read,
    text_tokens,
)
from hdnd_crawler.archive.schema import ArchiveError
from hdnd_crawler.archive.search import Filters, count, find, search
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.archive.textfold import fold
from hdnd_crawler.cli import cli
from hdnd_crawler.records import Article


def article(article_id: int, day: str, title: str, body: str, category: str = "") -> Article:
    return Article(
        site="hdnd",
        article_id=article_id,
        url=f"http://hdnd.caobang.gov.vn/tin-tuc/bai-{article_id}.html",
        title=title,
        published_at=f"2024-{day}T08:00:00+07:00",
        main_category=category,
        body_text=body,
    )


# Newest last in the list, so that an order by id proves nothing.
ARTICLES = [
    # The typed words as one phrase, and the oldest of those holding them all.
    article(1, "03-01", "Chuẩn bị kỳ họp ngân sách", "Thảo luận tại kỳ họp ngân sách năm 2025."),
    article(
        2,
        "04-01",
        "Thường trực HĐND tỉnh họp phiên tháng 4",
        "Cho ý kiến về nội dung trình kỳ họp, trong đó có dự toán ngân sách.",
        "Hoạt động HĐND",
    ),
    article(
        3,
        "05-01",
        "Khai mạc kỳ họp thứ 20",
        "Hội đồng nhân dân tỉnh khai mạc kỳ họp. Các đại biểu thảo luận về ngân sách địa phương.",
        "Kỳ họp",
    ),
    article(4, "06-01", "HĐND huyện Hà Quảng giám sát", "Đoàn giám sát của HĐND huyện làm việc."),
    article(5, "07-01", "Hội đồng thi đua", "Ủy ban nhân dân tỉnh tổng kết công tác thi đua."),
    article(6, "08-01", "UBND tỉnh họp phiên thường lệ", "Uỷ ban nhân dân tỉnh bàn về ngân sách."),
    article(
        7,
        "09-01",
        "Tiếp xúc cử tri",
        "Đại biểu Quốc hội tiếp xúc cử tri trước kỳ họp thứ 8.",
        "Kỳ họp",
    ),
    article(8, "10-01", "Đoàn ĐBQH giám sát", "Đoàn ĐBQH tỉnh giám sát an toàn giao thông."),
    article(9, "11-01", "Bảo đảm ATGT dịp Tết", "Công an tỉnh ra quân bảo đảm trật tự."),
    # The words of "cải cách hành chính năm 2024" in the body (shown first), the phrase in the
    # summary.
    Article(
        site="hdnd",
        article_id=10,
        url="http://hdnd.caobang.gov.vn/tin-tuc/bai-10.html",
        title="Tin cải cách",
        published_at="2024-12-01T08:00:00+07:00",
        summary="Công tác cải cách hành chính năm 2024.",
        body_text="Năm 2024, tỉnh tiếp tục cải cách hành chính.",
    ),
]
COUNCIL = {2, 3, 4}  # HĐND (2, 4) or Hội đồng nhân dân (3); 5 has the words, never together
SESSION_AND_BUDGET = {1, 2, 3}  # kỳ họp and ngân sách: 1 together, 2 and 3 apart


@pytest.fixture
def filled(fresh_db: Archive) -> Archive:
    for a in ARTICLES:
        fresh_db.upsert_article(a)
    return fresh_db


def ids(archive: Archive, query: str, **options) -> list[int]:
    return [hit.article_id for hit in search(archive.db.conn, query, limit=100, **options)]


@pytest.mark.parametrize(
    "query",
    ["hoi dong nhan dan", "Hội đồng nhân dân", "HỘI ĐỒNG NHÂN DÂN", "HĐND", "HDND", "hđnd", "hdnd"],
)
def test_the_long_form_and_the_abbreviation_find_each_other(filled, query):
    assert set(ids(filled, query)) == COUNCIL


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("UBND", {5, 6}),
        ("Ủy ban nhân dân", {5, 6}),
        ("Uỷ ban nhân dân", {5, 6}),  # the other placement of the tone mark
        ("uy ban nhan dan tinh", {5, 6}),
        ("dai bieu quoc hoi", {7, 8}),
        ("DBQH", {7, 8}),
        ("an toan giao thong", {8, 9}),
        ("atgt", {8, 9}),
    ],
)
def test_other_abbreviations_and_long_forms(filled, query, expected):
    assert set(ids(filled, query)) == expected


def test_every_typed_word_is_required_and_the_phrase_comes_first(filled):
    found = ids(filled, "ky hop ngan sach")
    assert set(found) == SESSION_AND_BUDGET
    # 1 holds "kỳ họp ngân sách" as typed: first though oldest; then the others newest first.
    assert found == [1, 3, 2]
    assert ids(filled, "ky hop ngan sach", order="relevance")[0] == 1
    # Quotes keep the exact phrase.
    assert ids(filled, '"ky hop ngan sach"') == [1]
    assert set(ids(filled, '"ky hop" ngan sach')) == SESSION_AND_BUDGET


def test_the_phrase_first_also_when_the_words_match_more_than_the_limit(filled):
    # The newest two: the phrase's one article, then the newest of the rest.
    assert ids(filled, "ky hop ngan sach") == [1, 3, 2]
    assert [h.article_id for h in search(filled.db.conn, "ky hop ngan sach", limit=2)] == [1, 3]


def test_the_snippet_shows_the_phrase_where_it_is(filled):
    (hit,) = search(filled.db.conn, "cai cach hanh chinh nam 2024")
    assert hit.snippet == "Công tác <mark>cải cách hành chính năm 2024</mark>."
    # Words apart: each marked where the text first has one.
    (hit,) = search(filled.db.conn, "2024 cai cach hanh chinh")
    assert hit.snippet.startswith("Năm <mark>2024</mark>, tỉnh tiếp tục <mark>cải cách hành")


@pytest.mark.parametrize(
    "query", ['"', '""', "*", "AND", "NOT x", "NEAR(a b)", "a:b", "-x", "^x", "(", "hđnd OR", "'"]
)
def test_nothing_typed_is_an_fts5_error(filled, query):
    search(filled.db.conn, query)
    search(filled.db.conn, query, order="relevance")


def test_results_say_how_many_matched_and_how_the_query_was_read(filled):
    results = find(filled.db.conn, "hoi dong nhan dan", limit=2)
    assert [h.article_id for h in results.hits] == [4, 3]
    assert results.total == 3
    assert results.reading == "hoi dong nhan dan OR HĐND"
    words = find(filled.db.conn, "ky hop ngan sach").reading
    assert words == '"ky hop ngan sach" as a phrase first, then all of: ky, hop, ngan, sach'
    assert count(filled.db.conn, "ky hop", Filters(category="ky hop")) == 2


def test_an_empty_result_suggests_what_to_try(filled):
    results = find(filled.db.conn, "ky hop ngan sach khong")
    assert results.hits == [] and results.total == 0
    # Without each word in turn first, then fewer words.
    assert results.suggestions == [("ky hop ngan sach", 3), ("ky hop", 4)]
    quoted = find(filled.db.conn, '"ngan sach ky hop"')
    assert quoted.suggestions == [("ngan sach ky hop", 3)]


def test_abbreviations_are_data_folded_like_the_index():
    table = abbreviations()
    assert len({id(forms) for forms in table.values()}) >= 30
    assert table[("hdnd",)] is table[("hoi", "dong", "nhan", "dan")]
    # Written with a hyphen or an ampersand, or in one piece: the same abbreviation.
    assert table[("kt", "xh")] is table[("ktxh",)] is table[("kinh", "te", "xa", "hoi")]
    assert table[("gd", "dt")] is table[("giao", "duc", "va", "dao", "tao")]
    assert read("GD&ĐT").terms[0].phrases[:2] == ("gd dt", "gddt")


def invoke(archive: Archive, *args: str):
    return CliRunner().invoke(cli, ["search", *args, "--db", str(archive.path)])


def test_search_command_counts_and_names_the_reading(filled):
    result = invoke(filled, "hoi dong nhan dan", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("HĐND huyện Hà Quảng giám sát\n")
    assert "2 of 3 articles; read as: hoi dong nhan dan OR HĐND\n" in result.stderr
    assert "of 3" not in result.stdout


def test_search_command_json_since_and_category(filled):
    result = invoke(filled, "ky hop ngan sach", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["article_id"] for r in rows] == [1, 3, 2]
    first = rows[0]
    assert first["title"] == "Chuẩn bị kỳ họp ngân sách"
    assert first["published_at"] == "2024-03-01T08:00:00+07:00"
    assert first["url"] == "http://hdnd.caobang.gov.vn/tin-tuc/bai-1.html"
    assert (first["site"], first["site_name"]) == ("hdnd", "hdnd")
    assert first["snippet"] == "Thảo luận tại kỳ họp ngân sách năm 2025."
    assert first["snippet_html"] == "Thảo luận tại <mark>kỳ họp ngân sách</mark> năm 2025."
    assert "3 of 3 articles" in result.stderr

    since = invoke(filled, "ky hop ngan sach", "--json", "--since", "2024-04-01")
    assert [json.loads(line)["article_id"] for line in since.stdout.splitlines()] == [3, 2]
    category = invoke(filled, "ky hop", "--json", "--category", "Ky hop")
    assert [json.loads(line)["article_id"] for line in category.stdout.splitlines()] == [7, 3]
    # A site the archive and the registry do not know is a usage error, not an empty result.
    other_site = invoke(filled, "ky hop", "--site", "other")
    assert other_site.exit_code == 2
    assert "unknown site 'other'" in other_site.output


def test_search_command_suggests_on_no_match(filled):
    result = invoke(filled, "ky hop ngan sach khong")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Try: ky hop ngan sach (3 articles)" in result.stderr


def test_the_index_finds_every_form_of_an_abbreviation_by_its_key():
    text = fold("Đại biểu Quốc hội và HĐND; Hội đồng nhân dân; KT-XH, KTXH, kinh tế - xã hội")
    # "quốc hội" inside "đại biểu quốc hội" counts as a phrase query finds it; "HĐND" and
    # "KTXH" are their own keys, found without an alias.
    assert alias_keys(text_tokens(text)) == ["dbqh", "qh", "hdnd", "ktxh", "ktxh"]
    assert read("Hội đồng nhân dân").match() == '"hdnd"'
    assert read("kinh te xa hoi").match() == '"ktxh"'
    # Snippets mark the forms as written.
    assert read("HĐND").marks() == '("hdnd" OR "hoi dong nhan dan")'


def test_a_long_form_is_found_and_marked_through_its_key(filled):
    hits = search(filled.db.conn, "HĐND")
    long_only = [h for h in hits if "HĐND" not in h.snippet and "Hội đồng" in h.snippet]
    assert long_only and all("<mark>Hội đồng nhân dân</mark>" in h.snippet for h in long_only)


def test_another_list_of_abbreviations_builds_the_index_again(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    archive = Archive(path)
    archive.upsert_article(article(1, "05-01", "Họp Ban chỉ đạo", "Bàn về ATTP."))
    archive.upsert_article(article(2, "05-02", "Kiểm tra", "An toàn thực phẩm ở chợ."))
    archive.close()
    assert [h.article_id for h in _search(path, "an toan thuc pham")] == [2]
    # A new entry: readers refuse the archive until a writer builds its index again.
    table = {**abbreviations(), **{tuple(p.split()): _FOOD for p in _FOOD.phrases}}
    monkeypatch.setattr("hdnd_crawler.archive.readings.abbreviations", lambda: table)
    _forget_abbreviations()
    with pytest.raises(ArchiveError, match="another list of abbreviations.*migrate"):
        Archive(path, readonly=True)
    archive = Archive(path)
    assert archive.reindexed == 1  # article 2's long form; article 1 holds the key itself
    archive.close()
    assert {h.article_id for h in _search(path, "an toan thuc pham")} == {1, 2}
    assert {h.article_id for h in _search(path, "ATTP")} == {1, 2}
    monkeypatch.undo()
    _forget_abbreviations()


def _forget_abbreviations() -> None:
    """What the process derived from the list of abbreviations, read again on next use."""
    for derived in (aliases_fingerprint, read, readings._forms_by_first_token):
        derived.cache_clear()


_FOOD = Forms(("ATTP", "An toàn thực phẩm"), ("attp", "an toan thuc pham"), "attp")


def _search(path, query: str):
    archive = Archive(path, readonly=True)
    try:
        return search(archive.db.conn, query)
    finally:
        archive.close()


def test_an_archive_of_the_release_before_gets_its_index_built(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:8])
    old = Archive(path)
    with old.db.conn:
        old.db.conn.execute(
            "insert into articles (site, article_id, url, title, published_at, body_text,"
            " content_hash) values ('hdnd', 1, 'u', 'Khai mạc', '2024-06-01T08:00:00+07:00',"
            " 'Hội đồng nhân dân tỉnh họp.', 'h')"
        )
    old.close()
    monkeypatch.undo()
    archive = Archive(path)
    try:
        assert archive.schema_versions == (8, 9) and archive.reindexed == 1
        assert [h.article_id for h in search(archive.db.conn, "HĐND")] == [1]
    finally:
        archive.close()
