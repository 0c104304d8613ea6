"""Bad paths get one line and a non-zero exit, never a traceback: an archive that is missing, a
directory, not SQLite or another database (left byte for byte, nothing made beside it), and an
export output that cannot be written."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from hdnd_crawler.cli import cli
from hdnd_crawler.records import Article


def readers(db: Path, out: Path) -> list[list[str]]:
    return [
        ["search", "hoi dong", "--db", str(db)],
        ["export", "--format", "csv", "--db", str(db), "-o", str(out)],
        ["export", "--format", "jsonl", "--db", str(db)],
        ["status", "--db", str(db)],
    ]


def one_line(*args: str, code: int = 2) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output and "Usage:" not in result.output
    return result.output


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def other_database(path: Path, journal_mode: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(f"pragma journal_mode={journal_mode}")
    conn.execute("create table notes (text)")
    conn.execute("insert into notes values ('Ghi chú')")
    conn.commit()
    conn.close()
    return path


def test_a_missing_archive_or_a_directory_is_one_line(tmp_path):
    missing = tmp_path / "nowhere" / "hdnd.db"
    for command in readers(missing, tmp_path / "out.csv"):
        assert (
            one_line(*command) == f"Error: {missing}: no such file (give the archive with --db)\n"
        )
    for command in readers(tmp_path, tmp_path / "out.csv"):
        assert one_line(*command) == (
            f"Error: {tmp_path} is a directory: give the archive file with --db\n"
        )
    assert one_line("migrate", "--db", str(missing)).endswith(
        "no such file (give the archive with --db)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing made, not even the output


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_another_database_stays_byte_for_byte_with_nothing_beside_it(tmp_path, journal_mode):
    other = other_database(tmp_path / "notes.db", journal_mode)
    text = tmp_path / "notes.txt"
    text.write_text("Không phải cơ sở dữ liệu.\n" * 100, encoding="utf-8")
    for path, message in [
        (other, f"Error: {other} is not an hdnd-crawler archive"),
        (text, f"Error: {text} is not an SQLite database"),
    ]:
        before = sha256(path)
        for command in readers(path, tmp_path / "out.csv"):
            assert one_line(*command).startswith(message)
        assert sha256(path) == before
    # A reader of a WAL database would leave its -shm and -wal files: none was made.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "notes.txt"]


@pytest.fixture
def archive_db(fresh_db) -> Path:
    fresh_db.upsert_article(
        Article(
            site="hdnd",
            article_id=697,
            url="http://hdnd.caobang.gov.vn/hoat-dong-hdnd/bai-697.html",
            title="Kỳ họp thứ 20 Hội đồng nhân dân tỉnh",
            published_at="2024-07-10T08:00:00+07:00",
            body_text="Hội đồng nhân dân tỉnh thông qua 15 nghị quyết.",
        )
    )
    fresh_db.close()
    return fresh_db.path


def test_an_output_that_cannot_be_written_is_one_line(archive_db, tmp_path):
    export = ["export", "--format", "csv", "--db", str(archive_db), "-o"]
    assert one_line(*export, "/nonexistent/dir/x.csv", code=1) == (
        "Error: cannot write /nonexistent/dir/x.csv: No such file or directory\n"
    )
    assert one_line(*export, str(tmp_path), code=1) == (
        f"Error: cannot write {tmp_path}: Is a directory\n"
    )
    # A file that takes no byte (a full disk): root writes any file mode, never to this one.
    assert one_line(*export, "/dev/full", code=1) == (
        "Error: cannot write /dev/full: No space left on device\n"
    )


def test_search_and_export_refuse_an_unknown_site(archive_db, tmp_path):
    for command in (
        ["search", "hoi dong", "--db", str(archive_db)],
        ["export", "--format", "jsonl", "--db", str(archive_db)],
    ):
        assert one_line(*command, "--site", "hdnx") == "Error: unknown site 'hdnx' (known: hdnd)\n"
    found = CliRunner().invoke(
        cli, ["search", "hoi dong", "--db", str(archive_db), "--site", "hdnd"]
    )
    assert found.exit_code == 0 and "bai-697" in found.output
