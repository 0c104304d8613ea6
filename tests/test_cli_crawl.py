"""``hdnd-crawler crawl`` as a scheduler runs it: lock, exit status, logs or a progress line."""

from __future__ import annotations

import os
import pty
import select
import subprocess

import pytest
from click.testing import CliRunner

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.cli import cli
from hdnd_crawler.crawl.health import EXIT_MEANINGS, judge
from hdnd_crawler.runs.lock import exclusive, lock_path
from tests.crawling import crawl, crawl_command, environment, explain, runs
from tests.small_site import SmallSite


def test_help_documents_every_exit_status():
    result = CliRunner().invoke(cli, ["crawl", "--help"])
    assert result.exit_code == 0
    for code in EXIT_MEANINGS:
        assert f"  {code}  " in result.output
    assert "Example:" in result.output


@pytest.mark.processes
def test_a_second_run_exits_at_once_while_the_archive_is_locked(tmp_path):
    db = tmp_path / "hdnd.db"
    with exclusive(lock_path(db, "hdnd")):
        result = crawl("http://127.0.0.1:9", db)
    assert result.returncode == 5, explain(result)
    assert "another crawl holds" in result.stderr and f"pid {os.getpid()}" in result.stderr
    assert not db.exists()  # not even opened


@pytest.mark.processes
def test_bad_options_are_usage_errors(tmp_path):
    db = tmp_path / "hdnd.db"
    assert crawl("http://127.0.0.1:9", db, "--site", "nowhere").returncode == 2
    result = CliRunner().invoke(cli, ["crawl", "--db", str(db), "--set", "NO_EQUALS_SIGN"])
    assert result.exit_code == 2 and "NAME=VALUE" in result.output
    assert crawl("ftp://example", db).returncode == 2


@pytest.mark.servers
@pytest.mark.processes
def test_an_unreachable_site_is_a_failed_run_on_record(tmp_path):
    db = tmp_path / "hdnd.db"
    with serve(SiteState(root=tmp_path)) as base_url:
        dead = base_url  # the server stops: nothing listens there any more
    result = crawl(dead, db, RETRY_TIMES=0)
    assert result.returncode == 1, explain(result)
    (run,) = runs(db)
    assert (run["status"], run["exit_code"]) == ("failed", 1)
    assert "the site could not be crawled" in run["summary"]


@pytest.mark.servers
@pytest.mark.processes
def test_cron_gets_plain_log_lines_and_a_terminal_gets_a_progress_line(tmp_path):
    site = SmallSite(tmp_path / "site", count=6, per_page=3)
    site.write()
    db = tmp_path / "hdnd.db"
    with serve(SiteState(root=site.root)) as base_url:
        plain = crawl(base_url, db)
        assert plain.returncode == 0, explain(plain)
        assert "[scrapy.core.engine] INFO: Spider opened" in plain.stderr
        assert "\r" not in plain.stderr
        command = crawl_command(base_url, db, "--full")
        at = command.index("LOG_LEVEL=INFO")  # the terminal's own default applies
        del command[at - 1 : at + 1]
        screen = run_on_terminal(command, tmp_path)
    assert "\r\x1b[K" in screen
    last = screen.rsplit("\r\x1b[K", 1)[1]
    assert "requests, 0 new, 0 updated, 6 unchanged" in last
    assert " INFO: " not in screen  # only warnings and worse interrupt the progress line
    assert runs(db)[-1]["status"] == "ok"


def run_on_terminal(command: list[str], cwd) -> str:
    """Run ``command`` with its stderr on a pseudo-terminal; everything it wrote there."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        command, cwd=cwd, env=environment(), stdout=subprocess.PIPE, stderr=terminal
    )
    os.close(terminal)
    screen = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed with the child
                break
            if not chunk:
                break
            screen += chunk
    finally:
        child.wait(timeout=60)
        os.close(controller)
    assert child.returncode == 0, screen.decode("utf-8", "replace")
    return screen.decode("utf-8", "replace")


def test_verdicts_rank_a_layout_change_above_failed_pages():
    finished = {"finish_reason": "finished", "hdnd/health/listing_pages": 5}
    assert judge(finished, archived_before=10).status == "ok"
    failed_pages = {**finished, "hdnd/errors/timeout": 2, "hdnd/errors/http_404": 1}
    verdict = judge(failed_pages, archived_before=10)
    assert (verdict.status, verdict.exit_code, verdict.errors) == ("partial", 3, 3)
    missing = {**finished, "hdnd/errors/http_404": 1, "hdnd/dropped/invalid": 2}
    assert judge(missing, archived_before=10).exit_code == 0
    layout = {
        **failed_pages,
        "hdnd/health/article_pages": 10,
        "hdnd/health/no_body_container": 2,
    }
    verdict = judge(layout, archived_before=10)
    assert (verdict.status, verdict.exit_code) == ("layout_changed", 4)
    assert verdict.problems == [
        "the article body container was found on only 8 of 10 article pages"
    ]
    just_enough = {**layout, "hdnd/health/no_body_container": 1}
    assert judge(just_enough, archived_before=10).exit_code == 3
    assert (
        judge({**finished, "finish_reason": "shutdown"}, archived_before=0).status == "interrupted"
    )
