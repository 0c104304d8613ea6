"""Figure 5: wall time of ``crawl --all`` over four sites against a crawl of one of them.

Four copies of a generated site, each served by a process of its own, are registered in the
user's registry beside the archive (the built-in ``hdnd`` moved onto the first copy, so that
``--all`` means exactly these four). The crawls keep the crawler's politeness (two requests at
a time and DOWNLOAD_DELAY between them, per site) with AutoThrottle off, so that a site's pace is
set by politeness, not by this machine: sites crawled at once should take about as long as one.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import PYTHON, archived_count, check, run, served

SITES = ("hdnd", "tinh", "huyen", "xa")
POLITE = {"AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "WARNING", "RETRY_BACKOFF_BASE": "0"}


@dataclass
class ManySites:
    articles: int
    one_seconds: float
    all_seconds: float
    archived_one: int
    archived_all: int

    @property
    def ratio(self) -> float:
        return self.all_seconds / self.one_seconds


def register(work: Path, bases: list[str], real_site: str) -> None:
    blocks = [
        f'[sites.{slug}]\ncms = "nukeviet"\nname = "{slug}"\nbase_url = "{base}"\n'
        f'aliases = ["{real_site}"]\n'
        for slug, base in zip(SITES, bases, strict=True)
    ]
    (work / "sites.toml").write_text("\n".join(blocks), encoding="utf-8")


def _timed_crawl(work: Path, name: str, *options: str) -> float:
    command = [PYTHON, "-m", "hdnd_crawler", "crawl", "--full", *options]
    command += ["--db", str(work / f"{name}.db"), "--set", f"SITES_FILE={work / 'sites.toml'}"]
    for setting, value in POLITE.items():
        command += ["--set", f"{setting}={value}"]
    started = time.monotonic()
    check(run(command, work / f"{name}.log"), name)
    return time.monotonic() - started


def measure(root: Path, real_site: str, articles: int, work: Path) -> ManySites:
    """Crawl one copy of the site at ``root``, then all four at once; wall times."""
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        servers = [stack.enter_context(served(root)) for _ in SITES]
        register(work, [server.base_url for server in servers], real_site)
        one = _timed_crawl(work, "one", "--site", SITES[0])
        every = _timed_crawl(work, "all", "--all")
    return ManySites(
        articles,
        one,
        every,
        archived_count(work / "one.db"),
        archived_count(work / "all.db"),
    )
