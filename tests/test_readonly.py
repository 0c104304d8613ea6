"""Read-only commands (search, export, make serve) never change the archive file: an archive
they cannot read as it is gets a one-line error naming what to do, and stays byte for byte."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from datasette.app import Datasette

from hdnd_crawler.archive.schema import LATEST
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cli import cli
from hdnd_crawler.records import Article
from tests.conftest import REPO, archive_at
from tests.served import METADATA
from tests.test_datasette import free_port, serve_command

ARTICLE = Article(
    site="hdnd",
    article_id=697,
    url="http://hdnd.caobang.gov.vn/hoat-dong-hdnd/bai-697.html",
    title="Kỳ họp thứ 20 Hội đồng nhân dân tỉnh",
    published_at="2024-07-10T08:00:00+07:00",
    body_text="Hội đồng nhân dân tỉnh thông qua 15 nghị quyết.",
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def read_only_commands(db: Path, tmp_path: Path) -> list[list[str]]:
    return [
        ["search", "hoi dong", "--db", str(db)],
        ["export", "--format", "jsonl", "--db", str(db), "-o", str(tmp_path / "out.jsonl")],
    ]


@pytest.fixture
def old_archive(tmp_path, monkeypatch) -> Path:
    """An archive left at schema version 4 by its release, cleanly closed."""
    path = tmp_path / "old.db"
    archive_at(path, 4, monkeypatch).close()
    return path


def test_search_and_export_refuse_an_older_archive_and_leave_it_unchanged(old_archive, tmp_path):
    before = sha256(old_archive)
    for command in read_only_commands(old_archive, tmp_path):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert result.output == (
            f"Error: {old_archive} is at schema version 4, this hdnd-crawler needs {LATEST}:"
            f" run 'hdnd-crawler migrate --db {old_archive}' (or any crawl) to upgrade it\n"
        )
    assert sha256(old_archive) == before
    assert not (tmp_path / "out.jsonl").exists()


def test_a_newer_archive_is_refused_unchanged(tmp_path):
    path = tmp_path / "newer.db"
    Archive(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("insert into schema_migrations values (?, 'next', '')", [LATEST + 1])
    conn.close()
    before = sha256(path)
    for command in read_only_commands(path, tmp_path):
        result = run(*command)
        assert result.exit_code == 2
        assert "written by a newer hdnd-crawler" in result.output
    assert sha256(path) == before


def test_a_file_that_is_no_archive_is_refused_unchanged(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table notes (text)")
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("Not a database.\n" * 100)
    for path, message in [
        (other, f"Error: {other} is not an hdnd-crawler archive"),
        (text, f"Error: {text} is not an SQLite database"),
    ]:
        before = sha256(path)
        for command in read_only_commands(path, tmp_path):
            result = run(*command)
            assert result.exit_code == 2
            assert result.output.startswith(message) and result.output.count("\n") == 1
        assert sha256(path) == before


def test_migrate_upgrades_an_archive_then_finds_nothing_to_do(old_archive):
    result = run("migrate", "--db", str(old_archive))
    assert result.exit_code == 0, result.output
    assert result.output == f"{old_archive} upgraded from schema version 4 to {LATEST}.\n"
    again = run("migrate", "--db", str(old_archive))
    assert (
        again.output == f"{old_archive} is at schema version {LATEST}, the latest: nothing to do.\n"
    )
    assert run("search", "hoi dong", "--db", str(old_archive)).exit_code == 1  # read: no match


def test_search_reads_a_wal_archive_being_written_and_one_closed_cleanly(tmp_path):
    path = tmp_path / "hdnd.db"
    wal = Path(f"{path}-wal")
    writer = Archive(path)
    writer.upsert_article(ARTICLE)
    # The article is in the write-ahead log alone while the writer has the archive open.
    assert wal.stat().st_size > 0
    result = run("search", "hoi dong nhan dan", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert ARTICLE.url in result.output
    writer.close()

    assert not wal.exists()  # a clean close checkpoints the log and removes it
    before = sha256(path)
    result = run("search", "hoi dong nhan dan", "--db", str(path))
    assert result.exit_code == 0, result.output
    assert ARTICLE.url in result.output
    assert sha256(path) == before
    # Readers of a WAL file share its index file; SQLite makes it again, and an empty log.
    assert wal.stat().st_size == 0


def test_datasette_refuses_an_older_archive_and_serves_a_current_one_unchanged(
    old_archive, tmp_path
):
    before = sha256(old_archive)
    with pytest.raises(click.ClickException, match="is at schema version 4"):
        asyncio.run(Datasette([str(old_archive)], metadata=METADATA).invoke_startup())
    assert sha256(old_archive) == before

    current = tmp_path / "hdnd.db"
    archive = Archive(current)
    archive.upsert_article(ARTICLE)
    archive.close()
    before = sha256(current)

    async def search() -> list[dict]:
        ds = Datasette([str(current)], metadata=METADATA)
        await ds.invoke_startup()
        response = await ds.client.get("/hdnd/articles.json?_search=hoi+dong&_shape=objects")
        return response.json()["rows"]

    assert [row["article_id"] for row in asyncio.run(search())] == [697]
    assert sha256(current) == before


@pytest.mark.processes
def test_make_serve_refuses_an_older_archive(old_archive):
    before = sha256(old_archive)
    served = subprocess.run(
        serve_command(old_archive, free_port()),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 1
    assert served.stderr.endswith(
        f"Error: {old_archive} is at schema version 4, this hdnd-crawler needs {LATEST}:"
        f" run 'hdnd-crawler migrate --db {old_archive}' (or any crawl) to upgrade it\n"
    )
    assert sha256(old_archive) == before
