"""``make bench``: every figure, each measured side by side with its reference in one run.

Prints one table. Nothing here asserts a time: targets are shown next to the figures, and the
verdict column only says whether this run met them.

    python -m benchmarks.run                       # sizes 1,000, 10,000 and 50,000
    python -m benchmarks.run --sizes 1000,10000    # quicker
    python -m benchmarks.run --only extraction,throughput
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import cluster, extraction, growth, many_sites, queries, throughput
from benchmarks.measure import PYTHON, REPO, warc_present
from devtools.testsite.generate import generate_site
from hdnd_crawler.sites.registry import get_site

SECTIONS = ("extraction", "throughput", "growth", "queries", "sites", "cluster")
NA = "n/a (feature not present)"


class Table:
    HEADER = ("figure", "measured", "side by side / detail", "target", "verdict")

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def section(self, title: str) -> None:
        self.rows.append((title,))

    def add(self, figure: str, measured: str, beside: str = "", target: str = "", verdict=None):
        mark = "" if verdict is None else ("met" if verdict else "MISSED")
        self.rows.append((figure, measured, beside, target, mark))

    def render(self) -> str:
        full = [r for r in self.rows if len(r) > 1]
        widths = [max(len(r[i]) for r in (*full, self.HEADER)) for i in range(len(self.HEADER))]
        line = "  ".join("-" * w for w in widths)
        out = ["  ".join(h.ljust(w) for h, w in zip(self.HEADER, widths, strict=True)), line]
        for row in self.rows:
            if len(row) == 1:
                out.append(row[0])
            else:
                out.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        return "\n".join(line.rstrip() for line in out)


def machine() -> str:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def mib(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MiB"


def run_extraction(table: Table, work: Path, pages: int) -> None:
    site = get_site("hdnd")
    generated = generate_site(work / "extraction-site", pages, seed=1)
    generated_pages = extraction.generated_pages(generated)
    sets = [("fixture pages", extraction.fixture_pages(site)), ("generated pages", generated_pages)]
    table.section("1. Extraction: CPU per article page, ours (parse_article) vs bare trafilatura")
    for name, page_set in sets:
        if not page_set:
            table.add(name, "n/a (no fixture site)")
            continue
        rounds = max(1, 200 // len(page_set))  # a small set is measured several times over
        cost = extraction.measure(page_set, site, rounds)
        table.add(
            f"{name} ({cost.pages}{f' x{rounds}' if rounds > 1 else ''})",
            f"{cost.ours_ms:.2f} ms/page",
            f"trafilatura.extract {cost.bare_ms:.2f} ms/page; ratio {cost.ratio:.3f}",
            "ratio <= 0.20",
            cost.ratio <= 0.2,
        )
    quality = extraction.quality(site, generated_pages)
    gate = subprocess.run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_quality_gate.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    summary = (gate.stdout.strip().splitlines() or ["no output"])[-1]
    table.add(
        "quality gate (tests/test_quality_gate.py)",
        "passing" if gate.returncode == 0 else "FAILING",
        summary.strip("= "),
        "passing",
        gate.returncode == 0,
    )
    if quality.fixture_min_f1 is not None:
        table.add(
            "fixture bodies",
            f"min token F1 {quality.fixture_min_f1:.3f}",
            f"{quality.fixture_articles} articles, {quality.fixture_leaks} with boilerplate",
        )
    table.add(
        "generated bodies",
        f"{quality.generated_exact}/{quality.generated_total} exact",
        "body_text == the text the generator wrote",
    )
    shutil.rmtree(generated.root)


def run_throughput(table: Table, work: Path, articles: int) -> None:
    site = generate_site(work / "throughput-site", articles, seed=2)
    result = throughput.measure_throughput(site.root, articles, work / "throughput")
    shutil.rmtree(site.root)
    table.section(f"2. Throughput: full crawl of a {articles:,}-article site vs `scrapy bench`")
    benches = ", ".join(f"{b.pages_per_second:.1f}" for b in result.benches)
    ratio = result.pages_per_second / result.bench_pages_per_second
    table.add(
        "pages per second",
        f"{result.pages_per_second:.1f}",
        f"scrapy bench {result.bench_pages_per_second:.1f} (runs: {benches}); ratio {ratio:.2f}",
        "ratio >= 0.5",
        ratio >= 0.5,
    )
    table.add(
        "CPU seconds per 1,000 articles",
        f"{result.cpu_per_1000:.1f} s",
        f"crawler {result.cpu:.1f} s CPU over {result.seconds:.1f} s, {result.responses} "
        f"responses, {result.archived}/{articles} archived; site server "
        f"{result.server_cpu:.1f} s CPU",
    )


def run_many_sites(table: Table, work: Path, articles: int) -> None:
    site = generate_site(work / "many-sites-site", articles, seed=3)
    result = many_sites.measure(site.root, site.base_url, articles, work / "many-sites")
    shutil.rmtree(site.root)
    table.section(f"5. Many sites: crawl --all over four {articles}-article sites vs one, polite")
    table.add(
        "wall time, four sites at once",
        f"{result.all_seconds:.1f} s",
        f"one site {result.one_seconds:.1f} s; ratio {result.ratio:.2f}; archived "
        f"{result.archived_all} (4 x {result.archived_one})",
        "ratio <= 1.5 (not the sum: 4)",
        result.ratio <= 1.5 and result.archived_all == 4 * result.archived_one,
    )


def run_cluster(table: Table, work: Path, articles: int) -> None:
    site = generate_site(work / "cluster-site", articles, seed=3)
    crawls = cluster.measure(site.root, site.base_url, work / "cluster")
    shutil.rmtree(site.root)
    table.section(
        f"6. Cluster: four {articles}-article sites, 1/2/4 workers + writer + Redis vs "
        "crawl --all, politeness off"
    )
    alone = crawls[0]
    for crawl in crawls:
        speedup = crawl.pages_per_second / alone.pages_per_second
        table.add(
            crawl.name,
            f"{crawl.pages_per_second:.1f} pages/s",
            f"{crawl.pages} pages in {crawl.wall:.1f} s, {crawl.cpu_per_1000:.1f} s CPU/1,000 "
            f"pages, {crawl.archived} archived; x{speedup:.2f} of one process",
        )


def run_growth(table: Table, work: Path, sizes: list[int]) -> growth.Growth | None:
    results = []
    for n, size in enumerate(sorted(sizes)):
        print(f"  growth: {size:,} articles ({load()})", file=sys.stderr, flush=True)
        keep = size == max(sizes)
        results.append(growth.measure_size(size, work, compare_warc=n == 0, keep_db=keep))
    table.section("3. Growth: full crawls by site size; incremental run on the unchanged site")
    for g in results:
        table.add(
            f"full crawl, {g.articles:,} articles",
            f"{g.full.wall:.0f} s wall, peak RSS {g.full.max_rss_mib:.0f} MiB",
            f"{g.pages_per_second:.1f} pages/s, {g.per_1000(g.full.cpu):.1f} s CPU/1,000 "
            f"articles, {g.archived}/{g.articles} archived; site written in "
            f"{g.generate_seconds:.0f} s ({mib(g.site_bytes)})",
        )
    first, last = results[0], results[-1]
    if len(results) > 1:
        growth_ratio = last.full.max_rss_mib / first.full.max_rss_mib
        table.add(
            f"peak RSS {last.articles:,} / {first.articles:,}",
            f"x{growth_ratio:.2f}",
            f"{first.full.max_rss_mib:.0f} -> {last.full.max_rss_mib:.0f} MiB",
            "< x2",
            growth_ratio < 2,
        )
    warc = warc_present()
    for g in results:
        parts = f"SQLite + attachment files {mib(g.archive_bytes - g.warc_bytes)}"
        table.add(
            f"archive per 1,000 articles ({g.articles:,})",
            mib(g.per_1000(g.archive_bytes)),
            f"{parts}, WARC {mib(g.warc_bytes)}" if warc else f"{parts}; WARC {NA}",
        )
    if first.without_warc is None or first.without_warc_bytes is None:
        table.add("archive per 1,000 articles without WARC", NA)
    else:
        table.add(
            f"archive per 1,000 articles without WARC ({first.articles:,})",
            mib(first.per_1000(first.without_warc_bytes)),
            f"that crawl {first.without_warc.wall:.0f} s wall, "
            f"{first.per_1000(first.without_warc.cpu):.1f} s CPU/1,000 articles "
            f"(with WARC {first.full.wall:.0f} s, {first.per_1000(first.full.cpu):.1f} s)",
        )
    for g in results:
        inc = g.incremental
        table.add(
            f"incremental run, unchanged {g.articles:,}",
            f"{inc.wall:.1f} s wall, {inc.cpu:.1f} s CPU",
            f"{inc.stats.get('downloader/request_count', 0)} requests, peak RSS "
            f"{inc.max_rss_mib:.0f} MiB; least CPU of runs taking "
            + ", ".join(f"{cpu:.1f}" for cpu in g.incremental_cpu)
            + " s",
        )
    if len(results) > 1:
        # CPU, not wall: the run is a few seconds long, and its wall time moves with the load.
        ratio = last.incremental.cpu / first.incremental.cpu
        table.add(
            f"incremental {last.articles:,} / {first.articles:,}",
            f"x{ratio:.2f} CPU",
            f"x{last.incremental.wall / first.incremental.wall:.2f} wall for "
            f"x{last.articles / first.articles:.0f} articles",
            "independent of size (CPU <= x1.25)",
            ratio <= 1.25,
        )
    return last


def run_queries(table: Table, work: Path, db: Path | None) -> None:
    title = "4. Query latency"
    if db is None:
        table.section(title)
        table.add("queries", "n/a (run with the growth section, or give --archive)")
        return
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        archived = conn.execute("select count(*) from articles").fetchone()[0]
    finally:
        conn.close()
    table.section(f"{title} on the {archived:,}-article archive ({mib(db.stat().st_size)})")
    if queries.search_present():
        for latency in queries.measure_search(db):
            _latency_row(table, latency)
    else:
        table.add("search()", NA)
    if queries.datasette_present():
        for latency in queries.measure_datasette(db, work):
            _latency_row(table, latency)
    else:
        table.add("Datasette", NA)


def _latency_row(table: Table, latency: queries.Latency) -> None:
    table.add(
        latency.name,
        f"p50 {latency.p50_ms:.1f} ms, p95 {latency.p95_ms:.1f} ms",
        "; ".join(
            filter(
                None,
                (
                    f"{len(latency.samples)} requests, first returned {latency.hits}",
                    latency.slowest(),
                    latency.note,
                ),
            )
        ),
        "p95 < 50 ms",
        latency.p95_ms < 50,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark figures, printed as one table.")
    parser.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES") or "1000,10000,50000",
        help="site sizes of the growth section, comma-separated (default 1000,10000,50000)",
    )
    parser.add_argument("--pages", type=int, default=1000, help="generated extraction pages")
    parser.add_argument("--throughput-articles", type=int, default=2000)
    parser.add_argument(
        "--sites-articles", type=int, default=100, help="articles of each site (sections 5 and 6)"
    )
    parser.add_argument("--only", default=",".join(SECTIONS), help="sections to run")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    parser.add_argument(
        "--archive",
        type=Path,
        help="time the queries on this archive database instead of the largest crawled one",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    only = set(args.only.split(","))
    if only - set(SECTIONS):
        parser.error(f"--only takes {', '.join(SECTIONS)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="hdnd-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Stopped from outside, the run still prints the figures it has.
    signal.signal(signal.SIGTERM, lambda number, _frame: sys.exit(128 + number))
    started = time.perf_counter()
    print(f"Machine: {machine()}", flush=True)
    print(f"Start: {load()}; working in {work}", flush=True)
    table = Table()
    largest = None
    try:
        if "extraction" in only:
            run_extraction(table, work, args.pages)
        if "throughput" in only:
            run_throughput(table, work, args.throughput_articles)
        if "growth" in only or ("queries" in only and not args.archive):
            largest = run_growth(table, work, sizes)
        if "queries" in only:
            run_queries(table, work, args.archive or (largest.db if largest else None))
        if "sites" in only:
            run_many_sites(table, work, args.sites_articles)
        if "cluster" in only:
            run_cluster(table, work, args.sites_articles)
    finally:
        print()
        print(table.render())
        print(f"\nEnd: {load()}; {time.perf_counter() - started:.0f} s in all")
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
