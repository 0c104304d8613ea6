"""Shared test fixtures: saved pages as Scrapy responses, a fresh archive, the local site."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive import schema
from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.sites.registry import Site, get_site

FIXTURES = Path(__file__).parent / "fixtures"
SITE_ROOT = FIXTURES / "hdnd" / "site"
EXPECTED = FIXTURES / "hdnd" / "expected"
REPO = Path(__file__).resolve().parent.parent
BASE_URL = "http://hdnd.caobang.gov.vn"

# A test crawl is as polite as the real one except for waiting: no delays, no backoff.
TEST_CRAWL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "RETRY_BACKOFF_BASE": "0",
    "LOG_LEVEL": "INFO",
}


def file_response(
    path: Path, url: str, content_type: str = "text/html; charset=UTF-8"
) -> HtmlResponse:
    """A Scrapy response holding a saved page's exact bytes."""
    return HtmlResponse(
        url=url, body=path.read_bytes(), headers={"Content-Type": content_type}, encoding=None
    )


def expected_articles() -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(EXPECTED.glob("*.json"))]


def fixture_path(url: str) -> Path:
    """The saved page behind a canonical article URL of the fixture site."""
    return SITE_ROOT / url.removeprefix(BASE_URL + "/")


@pytest.fixture
def site() -> Site:
    return get_site("hdnd")


@pytest.fixture
def fresh_db(tmp_path) -> Archive:
    archive = Archive(tmp_path / "archive.db")
    yield archive
    archive.close()


def archive_at(path: Path, version: int, monkeypatch) -> sqlite3.Connection:
    """A new archive file at schema ``version``, made by the frozen migrations alone, in WAL
    mode as every release's archives were; open on the returned connection."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    with monkeypatch.context() as patched:
        patched.setattr(schema, "MIGRATIONS", MIGRATIONS[:version])
        assert schema.migrate(conn, path) == (0, version)
    return conn


@pytest.fixture
def fixture_site():
    """The fixture site served by NukeViet's rules on 127.0.0.1: (state, base URL)."""
    state = SiteState(root=SITE_ROOT)
    with serve(state) as base_url:
        yield state, base_url


def run_crawl(
    base_url: str, db_path: Path, *options: str, spider: str = "hdnd"
) -> subprocess.CompletedProcess:
    """A real ``scrapy crawl`` in a child process (Twisted's reactor runs once per process)."""
    command = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"base_url={base_url}"]
    for name, value in {**TEST_CRAWL_SETTINGS, "ARCHIVE_DB": str(db_path)}.items():
        command += ["-s", f"{name}={value}"]
    command += list(options)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"crawl failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result
