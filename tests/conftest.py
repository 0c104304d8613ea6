"""Shared test fixtures: saved pages as Scrapy responses, a fresh archive, the local site.

Tests that start a server or a child process are marked (``servers``, ``processes``,
``browser``; pyproject.toml says what each means) so that ``make test-quick`` can leave them out.
A fixture that starts one says so with ``@starts(...)`` and every test using it, directly or
through another fixture, is marked at collection; a test that starts one itself is marked by
hand. Any test that starts a server or a process its marks do not allow fails (``guarded``).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def starts(*marks: str) -> Callable:
    """Declare what a fixture starts (``servers``, ``processes``); its tests get those marks.

    Goes under ``@pytest.fixture``: ``@pytest.fixture`` then ``@starts("servers")`` then ``def``.
    """

    def declare(function: Callable) -> Callable:
        function.starts = marks
        return function

    return declare


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        # pytest has no public map from a test to the definitions of its fixtures; should this
        # private one change, the marks are missed and the guard below fails those tests loudly.
        definitions = getattr(item, "_fixtureinfo", None)
        for name in item.fixturenames:
            found = definitions.name2fixturedefs.get(name) if definitions else None
            for mark in getattr(found[-1].func, "starts", ()) if found else ():
                if item.get_closest_marker(mark) is None:
                    item.add_marker(mark)


def _refuse(what: str, mark: str, started: list[str]) -> Callable:
    def refuse(*args, **kwargs):
        message = f"a test not marked {mark!r} started {what}: mark it (see tests/conftest.py)"
        started.append(message)
        raise pytest.fail.Exception(message)

    return refuse


@contextmanager
def _forbidden_starts(item: pytest.Item) -> Iterator[list[str]]:
    """What the item's marks do not allow, made to fail: a listening socket, a child process."""
    started: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        if item.get_closest_marker("servers") is None:
            patch.setattr(socket.socket, "listen", _refuse("a server", "servers", started))
        if item.get_closest_marker("processes") is None:
            child = _refuse("a child process", "processes", started)
            patch.setattr(subprocess.Popen, "__init__", child)
            for name in ("fork", "forkpty", "posix_spawn", "posix_spawnp", "system"):
                patch.setattr(os, name, child)
        yield started


def _guarded(item: pytest.Item):
    with _forbidden_starts(item) as started:
        try:
            result = yield
        except pytest.fail.Exception:
            raise  # the refusal itself (or another failure), as it is
        except BaseException:
            if started:  # the refusal was caught, and the test then failed otherwise
                pytest.fail(started[0], pytrace=False)
            raise
        if started:  # the refusal was caught, or raised on another thread out of the test's sight
            pytest.fail(started[0], pytrace=False)
        return result


# Setup and teardown included: a module-scoped fixture is set up by its first test.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from _guarded(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    return (yield from _guarded(item))


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
@starts("servers")
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
