"""Figure 3: how a crawl's cost grows with the site: full crawls at several sizes, the archive's
size per 1,000 articles (with and without WARC captures), and an incremental run on the
unchanged site right after each full crawl.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import (
    Run,
    archive_files,
    archived_count,
    crawl,
    elapsed,
    served,
    size_of,
    warc_present,
)
from devtools.testsite.generate import generate_site

# An incremental run takes a few seconds: the machine's noise is a large part of one. The runs
# do the same work, so the least CPU time of several is the run's own cost.
INCREMENTAL_RUNS = 3


@dataclass
class Growth:
    articles: int
    generate_seconds: float
    site_bytes: int
    full: Run  # project defaults (WARC captures on when the project has them), politeness off
    archived: int
    archive_bytes: int  # database, attachment files and WARC files
    warc_bytes: int
    incremental: Run  # the run of least CPU time of INCREMENTAL_RUNS
    incremental_cpu: list[float]
    without_warc: Run | None = None
    without_warc_bytes: int | None = None
    db: Path | None = None

    @property
    def pages_per_second(self) -> float:
        return int(self.full.stats["response_received_count"]) / elapsed(self.full.stats)

    def per_1000(self, value: float) -> float:
        return value / self.archived * 1000


def measure_size(articles: int, work: Path, compare_warc: bool, keep_db: bool) -> Growth:
    """Generate a site, crawl it full, then incrementally; optionally once more without WARC."""
    here = work / f"size-{articles}"
    started = time.perf_counter()
    site = generate_site(here / "site", articles)
    generate_seconds = time.perf_counter() - started
    db = here / "hdnd.db"
    with served(site.root) as server:
        full = crawl("full", server.base_url, db, here, "full")
        archive_bytes, warc_bytes = size_of(*archive_files(db)), size_of(db.parent / "warc")
        # The full crawl's writes are flushed first: the incremental run's closing checkpoint
        # would wait for them, and a scheduled run comes hours after the last one.
        os.sync()
        incrementals = [
            crawl("incremental", server.base_url, db, here, f"incremental-{n}")
            for n in range(1, INCREMENTAL_RUNS + 1)
        ]
        without = without_bytes = None
        if compare_warc and warc_present():
            other = here / "without-warc" / "hdnd.db"
            options = {"WARC_ENABLED": "False"}
            without = crawl("full", server.base_url, other, here, "full-without-warc", options)
            without_bytes = size_of(*archive_files(other))
    shutil.rmtree(here / "site")
    return Growth(
        articles=articles,
        generate_seconds=generate_seconds,
        site_bytes=site.bytes_written,
        full=full,
        archived=archived_count(db),
        archive_bytes=archive_bytes,
        warc_bytes=warc_bytes,
        incremental=min(incrementals, key=lambda run: run.cpu),
        incremental_cpu=[run.cpu for run in incrementals],
        without_warc=without,
        without_warc_bytes=without_bytes,
        db=db if keep_db else None,
    )
