"""Figure 2: pages per second of a full crawl next to ``scrapy bench`` on the same machine.

``scrapy bench`` runs before and after our crawl (its own server, its own link-following
spider, ten seconds each), outside any project so that no project setting slows it down.
Both rates are Scrapy's ``response_received_count / elapsed_time_seconds``.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import PYTHON, Run, archived_count, check, crawl, elapsed, run, served

_COUNT = re.compile(r"'response_received_count': (\d+)")
_ELAPSED = re.compile(r"'elapsed_time_seconds': ([\d.]+)")
_PER_MINUTE = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")


@dataclass
class Bench:
    pages: int
    seconds: float
    per_minute: list[int]  # the per-second log lines' rates, for the record

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def scrapy_bench(work: Path, name: str) -> Bench:
    """One ``scrapy bench`` run, from an empty directory (no project settings)."""
    with tempfile.TemporaryDirectory(prefix="scrapy-bench-") as empty:
        result = run([PYTHON, "-m", "scrapy", "bench"], work / f"{name}.log", cwd=Path(empty))
    check(result, name)
    log = result.log.read_text("utf-8", errors="replace")
    count, seconds = _COUNT.search(log), _ELAPSED.search(log)
    if not count or not seconds:
        raise RuntimeError(f"no stats in the scrapy bench output:\n{result.log_tail()}")
    rates = [int(m.group(2)) for m in _PER_MINUTE.finditer(log)]
    return Bench(int(count.group(1)), float(seconds.group(1)), rates)


@dataclass
class Throughput:
    articles: int
    archived: int
    responses: int
    seconds: float
    cpu: float
    server_cpu: float
    benches: list[Bench]

    @property
    def pages_per_second(self) -> float:
        return self.responses / self.seconds

    @property
    def cpu_per_1000(self) -> float:
        return self.cpu / self.archived * 1000

    @property
    def bench_pages_per_second(self) -> float:
        return sum(b.pages_per_second for b in self.benches) / len(self.benches)


def measure_throughput(site_root: Path, articles: int, work: Path) -> Throughput:
    benches = [scrapy_bench(work, "scrapy-bench-1")]
    with served(site_root) as server:
        before = server.cpu()
        ours: Run = crawl("full", server.base_url, work / "throughput.db", work, "throughput")
        server_cpu = server.cpu() - before
    benches.append(scrapy_bench(work, "scrapy-bench-2"))
    return Throughput(
        articles=articles,
        archived=archived_count(work / "throughput.db"),
        responses=int(ours.stats["response_received_count"]),
        seconds=elapsed(ours.stats),
        cpu=ours.cpu,
        server_cpu=server_cpu,
        benches=benches,
    )
