"""Migrations: the schema each version had when released, byte for byte in ``sqlite_master``.

``tests/fixtures/schema/`` holds ``sqlite_master`` after each migration as hdnd-crawler built it
at commit 4a323a2, when the migrations were still code: ``vN.sql`` after migration N and
``latest.sql`` after the last one.
"""

from __future__ import annotations

import sqlite3

import pytest

from hdnd_crawler.archive import schema
from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.store import Archive
from tests.conftest import FIXTURES

SCHEMAS = FIXTURES / "schema"


def schema_dump(conn: sqlite3.Connection) -> str:
    """Every entry of ``sqlite_master`` (type, name, table, SQL), one paragraph each."""
    rows = conn.execute("select type, name, tbl_name, sql from sqlite_master order by type, name")
    entries = []
    for kind, name, table, sql in rows:
        head = f"-- {kind} {name} on {table}"
        entries.append(f"{head}\n{sql};\n" if sql is not None else f"{head}: made by SQLite\n")
    return "\n".join(entries)


def expected_schema(version: int) -> str:
    name = "latest.sql" if version == len(MIGRATIONS) else f"v{version}.sql"
    return (SCHEMAS / name).read_text("utf-8")


def test_an_empty_file_gets_the_latest_schema_as_released(tmp_path):
    archive = Archive(tmp_path / "a.db")
    try:
        assert schema_dump(archive.db.conn) == expected_schema(len(MIGRATIONS))
    finally:
        archive.close()


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
def test_each_migration_leaves_the_schema_it_left_when_released(tmp_path, monkeypatch, version):
    monkeypatch.setattr(schema, "MIGRATIONS", MIGRATIONS[:version])
    archive = Archive(tmp_path / "a.db")
    try:
        assert schema_dump(archive.db.conn) == expected_schema(version)
    finally:
        archive.close()
