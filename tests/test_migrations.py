"""Migrations: each leaves the schema it left when released, and old archives come up whole.

``tests/fixtures/schema/`` holds ``sqlite_master`` after each migration as hdnd-crawler built it
at commit 4a323a2, when the migrations were still code: ``vN.sql`` after migration N and
``latest.sql`` after the last one. A new migration changes ``latest.sql``; the one it replaces
becomes ``vN.sql`` of the version before.
"""

from __future__ import annotations

import ast
import hashlib
import sqlite3
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from hdnd_crawler.archive import migrations, schema
from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.schema import LATEST, ArchiveError, NotAnArchive
from hdnd_crawler.archive.search import search
from hdnd_crawler.archive.store import (
    ATTACHMENT_FIELDS,
    CAPTURE_FIELDS,
    FACET_COLUMNS,
    FACET_COUNTS,
    FACET_LISTS,
    ROWID_SLOTS,
    SEARCH_COLUMNS,
    VERSIONED_FIELDS,
    Archive,
)
from tests.conftest import FIXTURES, archive_at
from tests.crawling import crawl, explain

SCHEMAS = FIXTURES / "schema"
# schema_migrations.name of each version, as the releases recorded them.
RELEASED_NAMES = [
    "articles, versions and categories",
    "captures, withdrawn articles, crawl runs, attachments",
    "search index, publication year, attachment files",
    "covering indexes for facets and crawl planning",
    "folded search index, rowids in publication order",
    "facet counts kept by triggers",
    "sites, and the extraction method of each row",
    "captures of images in the WARC files",
    "search index columns for abbreviations",
]


def schema_dump(conn: sqlite3.Connection) -> str:
    """Every entry of ``sqlite_master`` (type, name, table, SQL), one paragraph each."""
    rows = conn.execute("select type, name, tbl_name, sql from sqlite_master order by type, name")
    entries = []
    for kind, name, table, sql in rows:
        head = f"-- {kind} {name} on {table}"
        entries.append(f"{head}\n{sql};\n" if sql is not None else f"{head}: made by SQLite\n")
    return "\n".join(entries)


def expected_schema(version: int) -> str:
    name = "latest.sql" if version == LATEST else f"v{version}.sql"
    return (SCHEMAS / name).read_text("utf-8")


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """A table's columns, generated ones included; not a virtual table's hidden ones."""
    query = f"select name from pragma_table_xinfo('{table}') where hidden != 1"
    return [name for (name,) in conn.execute(query)]


def test_an_empty_file_gets_the_latest_schema_as_released(tmp_path):
    archive = Archive(tmp_path / "a.db")
    try:
        assert archive.schema_versions == (0, LATEST)
        assert schema_dump(archive.db.conn) == expected_schema(LATEST)
        names = archive.db.conn.execute("select version, name from schema_migrations")
        assert list(names) == list(enumerate(RELEASED_NAMES, start=1))
    finally:
        archive.close()


@pytest.mark.parametrize("version", range(1, LATEST))
def test_each_migration_leaves_the_schema_it_left_when_released(tmp_path, monkeypatch, version):
    conn = archive_at(tmp_path / "a.db", version, monkeypatch)
    try:
        assert schema_dump(conn) == expected_schema(version)
    finally:
        conn.close()


# Publication times in seconds since 1970 (UTC) of the articles below.
JULY_10 = 1_720_573_200  # 2024-07-10T08:00:00+07:00
JAN_2 = 1_672_626_600  # 2023-01-02T09:30:00+07:00


def write_as_released(conn: sqlite3.Connection, version: int) -> None:
    """Articles written as the code of ``version`` wrote them, in crawl order, not publication
    order: 1029 was published in the same second as 5 and takes the same rowid slot (mod 1024);
    9 has no publication time."""
    articles = [
        (5, "Khai mạc kỳ họp", "2024-07-10T08:00:00+07:00", "Hội đồng nhân dân tỉnh họp."),
        (1029, "Bế mạc kỳ họp", "2024-07-10T08:00:00+07:00", "Kỳ họp bế mạc."),
        (7, "Giám sát", "2023-01-02T09:30:00+07:00", "Đoàn giám sát làm việc."),
        (9, "Thông báo", None, "Lịch tiếp công dân."),
    ]
    with conn:
        for article_id, title, published_at, body in articles:
            conn.execute(
                "insert into articles (site, article_id, url, title, published_at, main_category,"
                " author, body_text, content_hash, categories, first_seen_at, last_seen_at,"
                " changed_at) values ('hdnd', ?, ?, ?, ?, 'Kỳ họp', 'Minh Anh', ?, 'h', ?,"
                " '2024-07-11T00:00:00+00:00', '2024-07-11T00:00:00+00:00',"
                " '2024-07-11T00:00:00+00:00')",
                [article_id, f"u{article_id}", title, published_at, body, '["Kỳ họp", "Tin"]'],
            )
        conn.execute(
            "insert into article_versions (site, article_id, url, title, body_text, content_hash,"
            " seen_from, seen_until) values ('hdnd', 5, 'u5', 'Khai mac', 'Cũ.', 'h0',"
            " '2024-07-10T02:00:00+00:00', '2024-07-11T00:00:00+00:00')"
        )
        conn.execute(
            "insert into article_categories values ('hdnd', 5, 'Tin', '2024-07-11T00:00:00+00:00')"
        )
        if version >= 3:
            # The first search index: every text as published, then folded; migration 5 drops it.
            conn.execute(
                "insert into articles_fts (rowid, title, body, title_folded, body_folded)"
                " select rowid, title, body_text, 'x', 'x' from articles"
            )
            conn.execute(
                "insert into attachments (site, article_id, url, file_name, text, path)"
                " values ('hdnd', 7, 'f7', 'nghi-quyet.pdf', 'Dự toán ngân sách năm 2024',"
                " 'ab/ab.pdf')"
            )


@pytest.mark.parametrize("version", [1, 4])
def test_an_archive_written_by_an_old_release_comes_up_whole(tmp_path, monkeypatch, version):
    path = tmp_path / "old.db"
    conn = archive_at(path, version, monkeypatch)
    write_as_released(conn, version)
    conn.close()

    archive = Archive(path)
    try:
        conn = archive.db.conn
        assert archive.schema_versions == (version, LATEST)
        assert schema_dump(conn) == expected_schema(LATEST)
        # Rows kept, newest first by rowid: seconds since 1970 x 1024 + id mod 1024, the next
        # slot when taken; an article without a time goes first, at 1970.
        rowids = conn.execute("select article_id, rowid from articles order by rowid").fetchall()
        assert rowids == [
            (9, 9),
            (7, JAN_2 * ROWID_SLOTS + 7),
            (5, JULY_10 * ROWID_SLOTS + 5),
            (1029, JULY_10 * ROWID_SLOTS + 6),
        ]
        article = archive.get_article("hdnd", 5)
        assert (article["title"], article["categories"], article["published_year"]) == (
            "Khai mạc kỳ họp",
            ["Kỳ họp", "Tin"],
            2024,
        )
        assert [v["title"] for v in archive.versions("hdnd", 5)] == ["Khai mac"]
        # The search index, rebuilt folded: typed without diacritics, found.
        assert [hit.article_id for hit in search(conn, "hoi dong nhan dan")] == [5]
        assert [hit.article_id for hit in search(conn, "ky hop")] == [1029, 5]
        if version >= 3:
            assert [hit.article_id for hit in search(conn, "du toan ngan sach")] == [7]
        counts = dict(
            ((facet, value), count)
            for facet, value, count in conn.execute(f"select * from {FACET_COUNTS}")
        )
        assert counts[("categories", "Tin")] == 4
        assert counts[("published_year", 2024)] == 2
    finally:
        archive.close()


def test_a_failed_migration_leaves_the_archive_at_the_version_before(tmp_path, monkeypatch):
    path = tmp_path / "a.db"
    Archive(path).close()
    broken = SimpleNamespace(NAME="broken", STATEMENTS=("create table kept (a)", "not sql"))
    monkeypatch.setattr(schema, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(schema, "LATEST", LATEST + 1)
    with pytest.raises(sqlite3.OperationalError):
        Archive(path)
    monkeypatch.undo()
    archive = Archive(path)
    try:
        assert archive.schema_versions == (LATEST, LATEST)
        assert "kept" not in archive.db.table_names()
    finally:
        archive.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.processes
def test_a_writer_refuses_another_database_and_a_newer_archive_before_writing(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table notes (text)")
    conn.close()
    before = sha256(other)
    with pytest.raises(NotAnArchive, match="other.db is not an hdnd-crawler archive"):
        Archive(other)
    # A crawl says so in one line and exits 2, before any request.
    result = crawl("http://127.0.0.1:9", other)
    assert result.returncode == 2, explain(result)
    assert result.stderr.endswith(
        "other.db is not an hdnd-crawler archive (it has no"
        " schema_migrations and articles tables)\n"
    )
    assert sha256(other) == before

    newer = tmp_path / "newer.db"
    Archive(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "insert into schema_migrations values (?, 'from the future', '')", [LATEST + 1]
        )
    conn.close()
    before = sha256(newer)
    with pytest.raises(ArchiveError, match="written by a newer hdnd-crawler"):
        Archive(newer)
    assert sha256(newer) == before


def test_the_live_code_writes_columns_the_latest_schema_has(fresh_db):
    conn = fresh_db.db.conn
    for table in ("articles", "article_versions"):
        assert set(VERSIONED_FIELDS + CAPTURE_FIELDS) <= set(columns(conn, table))
    assert set(ATTACHMENT_FIELDS) <= set(columns(conn, "attachments"))
    aliases = [f"{name}_aliases" for name in SEARCH_COLUMNS]
    assert columns(conn, "articles_fts") == [*SEARCH_COLUMNS, "attachments_text", *aliases]
    (trigger,) = conn.execute(
        "select sql from sqlite_master where name = ?", [f"{FACET_COUNTS}_insert"]
    ).fetchone()
    assert all(f"new.{column}" in trigger for column in (*FACET_COLUMNS, *FACET_LISTS))


def test_migration_modules_import_the_standard_library_alone():
    """Whatever the rest of the code becomes, a released migration cannot change with it."""
    modules = sorted(Path(migrations.__file__).parent.glob("m[0-9]*.py"))
    assert [m.stem for m in modules] == [m.__name__.rpartition(".")[2] for m in MIGRATIONS]
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{module.name} imports from its package"
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                assert top in sys.stdlib_module_names or top == "__future__", (
                    f"{module.name} imports {name}"
                )


def test_rows_written_before_migration_7_were_extracted_by_the_nukeviet_extractor(
    tmp_path, monkeypatch
):
    path = tmp_path / "v6.db"
    conn = archive_at(path, 6, monkeypatch)
    with conn:
        conn.execute(
            "insert into articles (site, article_id, url, title, body_text, content_hash)"
            " values ('hdnd', 1, 'u', 'Khai mạc', 'Hội đồng nhân dân tỉnh họp.', 'h')"
        )
    conn.close()
    archive = Archive(path)
    try:
        assert archive.get_article("hdnd", 1)["extracted_by"] == "nukeviet"
        assert archive.sites() == {}
        archive.record_site(
            {"slug": "hdnd", "name": "HĐND", "base_url": "http://h.test", "cms": "nukeviet"},
            seen_at="2026-12-04T00:00:00+00:00",
        )
        assert archive.sites()["hdnd"]["name"] == "HĐND"
    finally:
        archive.close()
