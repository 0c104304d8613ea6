"""A crawl under cron logs a handful of lines and no deprecation warning; LOG_LEVEL=INFO, all."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.crawling import crawl_command, environment, explain

CONTACT = "CONTACT_URL=mailto:archivist@example.org"


def cron_command(base_url: str, db, *options: str) -> list[str]:
    """The crawl as cron starts it: no LOG_LEVEL given, every warning shown (-W default)."""
    command = crawl_command(base_url, db, *options)
    at = command.index("LOG_LEVEL=INFO")
    del command[at - 1 : at + 1]
    assert command[:2] == [sys.executable, "-m"]
    return [sys.executable, "-W", "default", *command[1:], "--set", CONTACT]


def run(command: list[str], cwd) -> subprocess.CompletedProcess:
    # stderr is a pipe, not a terminal: the plain log, as cron mails it.
    return subprocess.run(
        command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=180
    )


@pytest.mark.processes
def test_a_successful_cron_run_logs_its_start_summary_and_merge_only(fixture_site, tmp_path):
    _, base_url = fixture_site
    db = tmp_path / "hdnd.db"
    result = run(cron_command(base_url, db, "--full"), tmp_path)
    assert result.returncode == 0, explain(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 3, result.stderr
    start, merge, summary = lines
    assert start.endswith(
        "[hdnd_crawler.runs.runner] INFO: hdnd full crawl #1 starts:"
        " http://hdnd.caobang.gov.vn, 0 articles archived"
    )
    assert "[hdnd_crawler.archive.store] INFO: Search index merged" in merge
    assert "[hdnd_crawler.runs.runner] INFO: hdnd full crawl #1: ok (exit 0)" in summary
    assert "27 new" in summary
    assert result.stdout == summary.split(" INFO: ", 1)[1] + "\n"
    assert "Deprecat" not in result.stderr + result.stdout

    again = run(cron_command(base_url, db), tmp_path)  # incremental, nothing new
    assert again.returncode == 0, explain(again)
    assert len(again.stderr.splitlines()) == 2, again.stderr  # no merge: nothing written


@pytest.mark.processes
def test_log_level_info_restores_the_full_log_without_repeating_the_summary(fixture_site, tmp_path):
    _, base_url = fixture_site
    db = tmp_path / "hdnd.db"
    command = cron_command(base_url, db, "--full") + ["--set", "LOG_LEVEL=INFO"]
    result = run(command, tmp_path)
    assert result.returncode == 0, explain(result)
    assert "[scrapy.core.engine] INFO: Spider opened" in result.stderr
    assert result.stderr.count("[hdnd_crawler.pipelines] INFO: new article") == 27
    assert result.stderr.count("hdnd full crawl #1: ok (exit 0)") == 1
    assert result.stderr.count("hdnd full crawl #1 starts") == 1
    assert "Deprecat" not in result.stderr


@pytest.mark.processes
def test_a_failing_run_keeps_its_warnings(tmp_path):
    db = tmp_path / "hdnd.db"
    result = run(cron_command("http://127.0.0.1:9", db, "--set", "RETRY_TIMES=0"), tmp_path)
    assert result.returncode == 1, explain(result)
    assert "[hdnd_crawler.runs.runner] WARNING: hdnd full crawl #1: failed (exit 1)" in (
        result.stderr
    )
    assert result.stderr.count("crawl #1: failed") == 1
