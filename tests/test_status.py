"""``status``: each site's last runs, and a non-zero exit with one line per site that needs
attention (its last run not ok, or its last good run too old); the archive is never changed."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from hdnd_crawler.archive.status import site_statuses
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cli import cli

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
HDND = {
    "slug": "hdnd",
    "name": "HĐND tỉnh Cao Bằng",
    "base_url": "http://hdnd.x",
    "cms": "nukeviet",
}
TINH = {
    "slug": "tinh",
    "name": "Cổng thông tin tỉnh",
    "base_url": "http://tinh.x",
    "cms": "nukeviet",
}


def at(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).isoformat(timespec="seconds")


def add_run(archive: Archive, site: str, hours_ago: float, status: str, mode="incremental"):
    run_id = archive.start_run(site, mode, at(hours_ago + 0.1))
    if status != "running":
        code = {"ok": 0, "failed": 1, "partial": 3}[status]
        archive.finish_run(
            run_id,
            {
                "finished_at": at(hours_ago),
                "status": status,
                "exit_code": code,
                "requests": 12,
                "new_articles": 3,
                "updated_articles": 1,
                "unchanged_articles": 5,
                "errors": code,
            },
        )
    return run_id


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "hdnd.db")
    archive.record_site(HDND)
    archive.record_site(TINH)
    yield archive
    archive.close()


def status(archive: Archive, *options: str):
    return CliRunner().invoke(cli, ["status", "--db", str(archive.path), *options])


def test_sites_whose_last_runs_were_ok_pass(archive):
    add_run(archive, "hdnd", 30, "failed")
    add_run(archive, "hdnd", 5, "ok", mode="full")
    add_run(archive, "tinh", 2, "ok")
    result = status(archive)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("OK hdnd: last good run #2 finished ")
    assert lines[1].startswith("OK tinh: last good run #3 finished ")
    assert "hdnd  HĐND tỉnh Cao Bằng" in lines
    run_lines = [line for line in lines if line.startswith("  #")]
    assert run_lines[0].split()[:6] == ["#2", at(5)[:10], at(5)[11:16], "full", "ok", "exit"]
    assert "12 requests, 3 new, 1 updated, 5 unchanged, 0 errors" in run_lines[0]
    assert run_lines[1].split()[3:5] == ["incremental", "failed"]  # older, listed after


def test_a_failed_last_run_fails_with_one_line_naming_site_and_cause(archive):
    add_run(archive, "hdnd", 30, "ok")
    add_run(archive, "hdnd", 6, "partial")
    add_run(archive, "tinh", 2, "ok")
    result = status(archive)
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(
        f"FAIL hdnd: last run #2 partial (exit 3) at {at(6)[:16].replace('T', ' ')} UTC;"
        " last good run #1 finished "
    )
    assert first.endswith(" h ago")  # by the command's own clock
    assert result.output.splitlines()[1].startswith("OK tinh:")
    only = status(archive, "--site", "tinh")
    assert only.exit_code == 0 and "hdnd" not in only.output


def test_max_age_fails_a_site_whose_last_good_run_is_too_old(archive):
    add_run(archive, "hdnd", 30, "ok")
    add_run(archive, "tinh", 2, "ok")
    statuses = site_statuses(archive, max_age=timedelta(hours=26), now=NOW)
    assert [(s.slug, s.problem) for s in statuses] == [
        ("hdnd", "last good run #1 finished 30.0 h ago (limit 26.0 h)"),
        ("tinh", None),
    ]
    assert statuses[0].line == "FAIL hdnd: last good run #1 finished 30.0 h ago (limit 26.0 h)"
    # The command's clock is now: these runs are older still.
    assert status(archive, "--max-age", "26").exit_code == 1
    never = status(archive, "--max-age", "0", "--site", "tinh")
    assert never.exit_code == 1 and never.output.startswith("FAIL tinh: last good run #2")


def test_a_run_under_way_is_shown_and_the_last_finished_one_judged(archive):
    add_run(archive, "hdnd", 3, "ok")
    add_run(archive, "hdnd", 0, "running")
    (hdnd, tinh) = site_statuses(archive, now=NOW)
    assert hdnd.problem is None
    assert hdnd.line.startswith("OK hdnd: run #2 running since 2026-12-04 11:54 UTC; last good")
    assert tinh.line == "OK tinh: no run yet"
    (late,) = site_statuses(archive, ["tinh"], max_age=timedelta(hours=26), now=NOW)
    assert late.line == "FAIL tinh: no good run yet (limit 26.0 h)"


def test_status_never_changes_the_archive_and_refuses_an_unknown_site(archive):
    add_run(archive, "hdnd", 1, "failed")
    archive.close()
    before = hashlib.sha256(archive.path.read_bytes()).hexdigest()
    result = status(archive, "--site", "hdnd")
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith("FAIL hdnd: last run #1 failed (exit 1)")
    assert first.endswith("; no good run yet")
    unknown = status(archive, "--site", "hdn")
    assert unknown.exit_code == 2
    assert unknown.output == "Error: unknown site 'hdn' (known: hdnd, tinh)\n"
    assert hashlib.sha256(archive.path.read_bytes()).hexdigest() == before
