"""Figure 3: how a crawl's cost grows with the site: full crawls at several sizes, the archive's
size per 1,000 articles (with and without WARC captures), and an incremental run on the
unchanged site right after each full crawl.
"""

from __future__ import annotations

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
from hdnd_crawler.testsite.generate import generate_site


@dataclass
class Growth:
    articles: int
    generate_seconds: float
    site_bytes: int
    full: Run  # project defaults (WARC captures on when the project has them), politeness off
    archived: int
    archive_bytes: int  # database, attachment files and WARC files
    warc_bytes: int
    incremental: Run
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
        incremental = crawl("incremental", server.base_url, db, here, "incremental")
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
        incremental=incremental,
        without_warc=without,
        without_warc_bytes=without_bytes,
        db=db if keep_db else None,
    )
