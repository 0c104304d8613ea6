"""Running ``hdnd-crawler crawl`` for real in a child process, and reading what it archived."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devtools.testsite.server import STATIC_SUFFIXES
from hdnd_crawler.archive.store import Archive
from tests.conftest import REPO, TEST_CRAWL_SETTINGS


def crawl_command(base_url: str, db: Path, *options: str, **settings: object) -> list[str]:
    command = [sys.executable, "-m", "hdnd_crawler", "crawl", "--base-url", base_url]
    command += ["--db", str(db), *options]
    for name, value in {**TEST_CRAWL_SETTINGS, **settings}.items():
        command += ["--set", f"{name}={value}"]
    return command


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def crawl(
    base_url: str, db: Path, *options: str, **settings: object
) -> subprocess.CompletedProcess:
    """One run, started from the archive's directory as cron would start it from anywhere."""
    return subprocess.run(
        crawl_command(base_url, db, *options, **settings),
        cwd=db.parent,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=180,
    )


def explain(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\nstdout: {result.stdout}\nstderr:\n{result.stderr[-5000:]}"


def articles(db: Path) -> dict[int, dict]:
    archive = Archive(db)
    try:
        return {row["article_id"]: row for row in archive.articles("hdnd")}
    finally:
        archive.close()


def versions(db: Path, article_id: int) -> list[dict]:
    archive = Archive(db)
    try:
        return archive.versions("hdnd", article_id)
    finally:
        archive.close()


def runs(db: Path) -> list[dict]:
    archive = Archive(db)
    try:
        return archive.runs("hdnd")
    finally:
        archive.close()


def article_requests(requests: list[str]) -> list[str]:
    return [path for path in requests if path.endswith(".html") and "-" in path]


def without_requisites(requests: list[str]) -> list[str]:
    """The requests of pages, feeds and files: an article page's stylesheets, scripts, fonts and
    pictures left out (each fetched once a run, tests/test_requisites.py)."""
    return [path for path in requests if not path.split("?")[0].endswith(STATIC_SUFFIXES)]
