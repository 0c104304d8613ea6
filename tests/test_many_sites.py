"""Several sites in one archive: ``crawl --all`` (or ``--site`` repeated) crawls them at once,
each with its own run, verdict and lock; one site's failure does not stop the others."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from click.testing import CliRunner

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cli import cli
from hdnd_crawler.runs.lock import exclusive, lock_path
from tests.conftest import SITE_ROOT, TEST_CRAWL_SETTINGS
from tests.crawling import environment, explain

pytestmark = [pytest.mark.servers, pytest.mark.processes]

REAL_SITE = "http://hdnd.caobang.gov.vn"
ARTICLES = 27  # in the fixture site


def register(db: Path, sites: dict[str, tuple[str, str]]) -> None:
    """The user's registry beside ``db``: slug -> (name, base URL). Each serves a copy of the
    fixture site, whose absolute links name the real site (an alias of each copy)."""
    blocks = [
        f'[sites.{slug}]\ncms = "nukeviet"\nname = "{name}"\nbase_url = "{base}"\n'
        f'aliases = ["{REAL_SITE}"]\n'
        for slug, (name, base) in sites.items()
    ]
    (db.parent / "sites.toml").write_text("\n".join(blocks), encoding="utf-8")


def crawl_all(db: Path, *options: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "hdnd_crawler", "crawl", "--db", str(db), *options]
    for name, value in {**TEST_CRAWL_SETTINGS, "RETRY_TIMES": 0}.items():
        command += ["--set", f"{name}={value}"]
    return subprocess.run(
        command, cwd=db.parent, env=environment(), capture_output=True, text=True, timeout=300
    )


def archived(db: Path) -> tuple[dict[str, int], dict[str, dict], list[dict]]:
    archive = Archive(db, readonly=True)
    try:
        counts = dict(
            archive.db.conn.execute("select site, count(*) from articles group by site").fetchall()
        )
        return counts, archive.sites(), archive.runs()
    finally:
        archive.close()


@pytest.fixture
def two_sites(tmp_path):
    """Two copies of the fixture site on 127.0.0.1, registered as hdnd (its base URL moved to
    the copy: no test reaches the real site) and tinh."""
    with ExitStack() as stack:
        first = stack.enter_context(serve(SiteState(root=SITE_ROOT)))
        second = stack.enter_context(serve(SiteState(root=SITE_ROOT)))
        db = tmp_path / "archive.db"
        register(db, {"hdnd": ("HĐND Cao Bằng", first), "tinh": ("Tỉnh Cao Bằng", second)})
        yield db


def test_every_site_is_crawled_into_one_archive_with_its_own_run(two_sites):
    result = crawl_all(two_sites, "--all", "--full")
    assert result.returncode == 0, explain(result)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["hdnd", "tinh"]
    counts, sites, runs = archived(two_sites)
    assert counts == {"hdnd": ARTICLES, "tinh": ARTICLES}
    assert {slug: site["name"] for slug, site in sites.items()} == {
        "hdnd": "HĐND Cao Bằng",
        "tinh": "Tỉnh Cao Bằng",
    }
    assert sorted((run["site"], run["status"], run["exit_code"]) for run in runs) == [
        ("hdnd", "ok", 0),
        ("tinh", "ok", 0),
    ]
    # Search and export name each article's site; --site keeps one site's.
    both = command("search", "ky hop thu 20", "--db", str(two_sites), "--limit", "50")
    assert "  HĐND Cao Bằng\n" in both and "  Tỉnh Cao Bằng\n" in both
    one = command("search", "ky hop thu 20", "--db", str(two_sites), "--site", "tinh")
    assert "  Tỉnh Cao Bằng\n" in one and "HĐND Cao Bằng" not in one
    exported = command("export", "--format", "jsonl", "--db", str(two_sites)).splitlines()
    rows = [json.loads(line) for line in exported if line.startswith("{")]  # not the count
    assert {(row["site"], row["site_name"]) for row in rows} == {
        ("hdnd", "HĐND Cao Bằng"),
        ("tinh", "Tỉnh Cao Bằng"),
    }


def command(*arguments: str) -> str:
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exit_code == 0, result.output
    return result.output


def test_one_site_failing_does_not_stop_the_others(two_sites):
    with serve(SiteState(root=SITE_ROOT)) as gone:
        pass  # nothing listens there any more
    register(
        two_sites,
        {
            "hdnd": ("HĐND Cao Bằng", gone),
            "tinh": ("Tỉnh Cao Bằng", _base_of(two_sites, "tinh")),
        },
    )
    result = crawl_all(two_sites, "--site", "hdnd", "--site", "tinh")
    assert result.returncode == 1, explain(result)
    counts, _, runs = archived(two_sites)
    assert counts == {"tinh": ARTICLES}
    verdicts = {run["site"]: (run["status"], run["exit_code"]) for run in runs}
    assert verdicts == {"hdnd": ("failed", 1), "tinh": ("ok", 0)}


def test_a_site_another_crawl_holds_is_skipped_and_said(two_sites):
    with exclusive(lock_path(two_sites, "hdnd")):
        result = crawl_all(two_sites, "--all")
    assert result.returncode == 5, explain(result)
    assert "hdnd: another crawl holds" in result.stdout
    counts, _, runs = archived(two_sites)
    assert counts == {"tinh": ARTICLES}
    assert [run["site"] for run in runs] == ["tinh"]


def test_all_and_site_together_are_a_usage_error(two_sites):
    assert crawl_all(two_sites, "--all", "--site", "tinh").returncode == 2
    assert (
        crawl_all(
            two_sites, "--site", "hdnd", "--site", "tinh", "--base-url", "http://x"
        ).returncode
        == 2
    )


def _base_of(db: Path, slug: str) -> str:
    text = (db.parent / "sites.toml").read_text("utf-8")
    block = text.split(f"[sites.{slug}]")[1]
    return block.split('base_url = "')[1].split('"')[0]
