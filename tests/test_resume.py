"""A full crawl killed with SIGKILL halfway, started again, ends complete and fetches no twice."""

from __future__ import annotations

import sqlite3
import subprocess
import time

import pytest

from devtools.testsite.faults import Fault, FaultySite, articles
from devtools.testsite.generate import generate_site
from devtools.testsite.server import ARTICLE_PATH, SiteState, serve
from tests.crawling import article_requests, crawl, crawl_command, environment, explain, runs
from tests.crawling import articles as archived

# Every test serves a generated site and crawls it with ``hdnd-crawler crawl``.
pytestmark = [pytest.mark.servers, pytest.mark.processes]

DEADLINE = 60.0  # seconds a polling loop may wait before the test fails


def stored(db) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(db, timeout=10)
    try:
        return connection.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0
    finally:
        connection.close()


def test_a_killed_full_crawl_resumes_to_a_complete_archive(tmp_path):
    generated = generate_site(tmp_path / "site", 40, categories=4, per_page=8, seed=8)
    db = tmp_path / "hdnd.db"
    state = SiteState(root=generated.root)
    # A slow server, so that the crawl is still running when it is killed.
    state.intercept = FaultySite(state, [Fault("slow", articles, times=None)], slow_seconds=0.2)
    with serve(state) as base_url:
        child = subprocess.Popen(
            crawl_command(base_url, db, "--full"),
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + DEADLINE
            while stored(db) < 10 and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert child.poll() is None, "the crawl ended before it could be killed"
            child.kill()  # SIGKILL: no cleanup of any kind
        finally:
            child.kill()
            child.wait(timeout=30)
    kept = archived(db)
    assert 10 <= len(kept) < 40
    killed = runs(db)[-1]
    assert killed["status"] == "running" and killed["finished_at"] is None

    state = SiteState(root=generated.root)
    with serve(state) as base_url:
        result = crawl(base_url, db, "--full")
    assert result.returncode == 0, explain(result)
    assert "1 earlier run(s) of hdnd died without finishing" in result.stderr

    rows = archived(db)
    assert set(rows) == set(generated.articles)
    for article_id, row in rows.items():
        assert row["body_text"] == generated.articles[article_id].body_text
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert connection.execute("select count(*) from article_versions").fetchone()[0] == 0
    finally:
        connection.close()
    # What was safely stored before the kill was not downloaded again (by any of its URLs).
    fetched = {int(ARTICLE_PATH.match(path)["id"]) for path in article_requests(state.requests)}
    assert fetched == set(generated.articles) - set(kept)

    first, second = runs(db)
    assert first["status"] == "killed"
    assert (second["status"], second["resume_from"]) == ("ok", first["started_at"])
    assert second["new_articles"] == 40 - len(kept)


def test_a_stopped_crawl_records_it_was_interrupted_and_is_resumed(tmp_path):
    generated = generate_site(tmp_path / "site", 24, categories=3, per_page=8, seed=9)
    db = tmp_path / "hdnd.db"
    state = SiteState(root=generated.root)
    state.intercept = FaultySite(state, [Fault("slow", articles, times=None)], slow_seconds=0.2)
    with serve(state) as base_url:
        child = subprocess.Popen(
            crawl_command(base_url, db, "--full"),
            cwd=tmp_path,
            env=environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            deadline = time.monotonic() + DEADLINE
            while stored(db) < 5 and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            child.terminate()  # SIGTERM, as systemd stops a unit
            summary, _ = child.communicate(timeout=60)
        finally:
            child.kill()
    assert child.returncode == 1
    stopped = runs(db)[-1]
    assert (stopped["status"], stopped["exit_code"]) == ("interrupted", 1)
    assert summary.strip() == stopped["summary"]
    with serve(SiteState(root=generated.root)) as base_url:
        result = crawl(base_url, db, "--full")
    assert result.returncode == 0, explain(result)
    assert set(archived(db)) == set(generated.articles)
    assert runs(db)[-1]["resume_from"] == stopped["started_at"]
