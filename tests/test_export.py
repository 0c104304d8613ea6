"""Export: every article as JSON Lines or CSV, filtered by site and publication date."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pty
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hdnd_crawler.archive.export import export
from hdnd_crawler.cli import cli
from hdnd_crawler.records import Article
from tests.conftest import REPO


def article(site: str, article_id: int, published_at: str) -> Article:
    return Article(
        site=site,
        article_id=article_id,
        url=f"http://{site}.example.vn/tin-tuc/bai-{article_id}.html",
        title=f'Bài {article_id}: Hội đồng nhân dân, "kỳ họp"',
        published_at=published_at,
        main_category="Tin tức",
        body_text="Đoạn một.\n\nĐoạn hai, có dấu phẩy.",
        tags=["kỳ họp", "ngân sách, tài chính"],
        attachments=[{"url": "http://x/a.pdf", "name": "Nghị quyết"}],
    )


@pytest.fixture
def filled(fresh_db):
    for a in [
        article("hdnd", 3, "2024-03-01T08:00:00+07:00"),
        article("hdnd", 1, "2023-12-31T23:30:00+07:00"),
        article("other", 2, "2024-01-01T00:15:00+07:00"),
    ]:
        fresh_db.upsert_article(a)
    return fresh_db


def test_jsonl_is_one_article_a_line_oldest_first_with_lists_as_lists(filled):
    out = io.StringIO()
    assert export(filled, out, "jsonl") == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["site"], r["article_id"]) for r in rows] == [("hdnd", 1), ("other", 2), ("hdnd", 3)]
    assert rows[0]["tags"] == ["kỳ họp", "ngân sách, tài chính"]
    assert rows[0]["body_text"] == "Đoạn một.\n\nĐoạn hai, có dấu phẩy."
    assert rows[0]["published_year"] == 2023 and "warc_file" in rows[0]


def test_csv_has_a_header_and_lists_as_json_cells(filled):
    out = io.StringIO()
    export(filled, out, "csv", site="hdnd")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["article_id"] for r in rows] == ["1", "3"]
    assert json.loads(rows[0]["tags"]) == ["kỳ họp", "ngân sách, tài chính"]
    assert rows[0]["title"] == 'Bài 1: Hội đồng nhân dân, "kỳ họp"'
    assert rows[0]["body_text"] == "Đoạn một.\n\nĐoạn hai, có dấu phẩy."


def test_since_is_the_sites_local_publication_date(filled):
    out = io.StringIO()
    assert export(filled, out, "jsonl", since="2024-01-01") == 2
    assert [json.loads(x)["article_id"] for x in out.getvalue().splitlines()] == [2, 3]


def test_export_command_writes_a_file_or_standard_output(filled, tmp_path):
    target = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli,
        ["export", "--format", "csv", "--since", "2024-01-01", "--site", "hdnd"]
        + ["--db", str(filled.path), "--output", str(target)],
    )
    assert result.exit_code == 0, result.output
    assert [r["article_id"] for r in csv.DictReader(target.open(encoding="utf-8"))] == ["3"]
    assert "1 articles exported." in result.output
    piped = CliRunner().invoke(cli, ["export", "--format", "jsonl", "--db", str(filled.path)])
    assert piped.exit_code == 0
    lines = [line for line in piped.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 3
    assert "Exporting" not in piped.output  # no progress bar off a terminal
    bad = CliRunner().invoke(cli, ["export", "--format", "xml", "--db", str(filled.path)])
    assert bad.exit_code == 2


@pytest.mark.processes
def test_a_terminal_sees_a_progress_bar(filled, tmp_path):
    controller, terminal = pty.openpty()
    command = [sys.executable, "-m", "hdnd_crawler", "export", "--format", "jsonl"]
    command += ["--db", str(filled.path), "--output", str(tmp_path / "out.jsonl")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(command, stderr=terminal, env=env, timeout=120)
    os.close(terminal)
    shown = b""
    with contextlib.suppress(OSError):  # the terminal's other end is gone: all is read
        while chunk := os.read(controller, 4096):
            shown += chunk
    os.close(controller)
    assert result.returncode == 0
    assert b"Exporting" in shown and b"100%" in shown
    assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == 3


def test_csv_starts_with_a_byte_order_mark_for_excel_and_keeps_vietnamese(filled, tmp_path):
    target = tmp_path / "out.csv"
    args = ["export", "--format", "csv", "--db", str(filled.path)]
    result = CliRunner().invoke(cli, [*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    piped = CliRunner().invoke(cli, args)
    assert piped.exit_code == 0
    for data in (target.read_bytes(), piped.stdout_bytes):
        assert data.startswith(b"\xef\xbb\xbfsite,article_id,")
        assert data.count(b"\xef\xbb\xbf") == 1
        assert data.count(b"\r\n") == 4  # the header's and each row's ends; bodies as written
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert [r["article_id"] for r in rows] == ["1", "2", "3"]
        assert rows[0]["title"] == 'Bài 1: Hội đồng nhân dân, "kỳ họp"'
        assert rows[0]["body_text"] == "Đoạn một.\n\nĐoạn hai, có dấu phẩy."
        assert json.loads(rows[0]["tags"]) == ["kỳ họp", "ngân sách, tài chính"]
    jsonl = CliRunner().invoke(cli, ["export", "--format", "jsonl", "--db", str(filled.path)])
    assert jsonl.stdout_bytes.startswith(b'{"site": "hdnd"')  # JSON Lines: no mark
    assert json.loads(jsonl.stdout_bytes.splitlines()[0])["title"].startswith("Bài 1: Hội")


def test_an_unknown_site_is_an_error_naming_the_known_ones(filled, tmp_path):
    target = tmp_path / "out.csv"
    args = ["export", "--format", "csv", "--db", str(filled.path), "-o", str(target)]
    result = CliRunner().invoke(cli, [*args, "--site", "hdn"])
    assert result.exit_code == 2
    assert result.output == "Error: unknown site 'hdn' (known: hdnd)\n"
    assert not target.exists()
