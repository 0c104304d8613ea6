"""Figure 6: pages per second of a cluster crawl (1, 2, 4 workers, a writer, one Redis) against
``crawl --all`` in one process, over the same four sites.

The sites are copies of one generated site, each served by a process of its own and registered
beside the archives as section 5 registers them. Politeness is off (``FAST_CRAWL``): with it on
the pace is the sites' (``DOWNLOAD_DELAY``, which acts per worker), and what this measures is
what the cluster's machinery (Redis round trips, leases, items and WARC records pickled to the
writer) costs and gives back. Each process runs under :mod:`benchmarks.rusage` for its CPU time.
A cluster crawl's wall time runs from the start of its processes to the end of its last run
(``crawl_runs.finished_at``), not to their idle exit.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from benchmarks.many_sites import SITES, register
from benchmarks.measure import FAST_CRAWL, PYTHON, REPO, check, child_env, cpu_seconds, run, served

WORKERS = (1, 2, 4)


@dataclass
class Crawl:
    name: str
    pages: int  # requests the runs counted, robots.txt included
    archived: int
    wall: float
    cpu: float  # every process of the crawl: crawler(s), writer, Redis; not the site servers

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall

    @property
    def cpu_per_1000(self) -> float:
        return self.cpu / self.pages * 1000


def _runs(db: Path) -> tuple[int, int, float]:
    """Requests and new articles of the archive's runs, and when the last one finished."""
    from hdnd_crawler.archive.store import Archive

    archive = Archive(db, readonly=True)
    try:
        runs = archive.runs()
    finally:
        archive.close()
    ends = [datetime.fromisoformat(r["finished_at"]).timestamp() for r in runs]
    pages = sum(r["requests"] or 0 for r in runs)
    return pages, sum(r["new_articles"] or 0 for r in runs), max(ends)


def _sets() -> list[str]:
    return [part for name, value in FAST_CRAWL.items() for part in ("--set", f"{name}={value}")]


def single(work: Path) -> Crawl:
    db = work / "single.db"
    command = [PYTHON, "-m", "hdnd_crawler", "crawl", "--full", "--all", "--db", str(db)]
    result = run(command + _sets(), work / "single.log")
    check(result, "single")
    pages, archived, _ = _runs(db)
    return Crawl("crawl --all, one process", pages, archived, result.wall, result.cpu)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _measured(command: list[str], log: Path) -> tuple[subprocess.Popen, Path]:
    usage = log.with_suffix(".rusage.json")
    wrapped = [PYTHON, "-m", "benchmarks.rusage", str(usage), "--", *command]
    out = log.open("wb")
    process = subprocess.Popen(wrapped, cwd=REPO, env=child_env(), stdout=out, stderr=out)
    out.close()
    return process, usage


def cluster(work: Path, workers: int) -> Crawl:
    name = f"cluster-{workers}"
    db = work / f"{name}.db"
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(work)],
        stdout=subprocess.DEVNULL,
    )
    try:
        hdnd = [PYTHON, "-m", "hdnd_crawler"]
        enqueue = hdnd + ["enqueue", "--redis", url, "--all", "--full", "--db", str(db)]
        for _ in range(100):  # until Redis answers
            queued = subprocess.run(enqueue, cwd=REPO, env=child_env(), capture_output=True)
            if queued.returncode == 0:
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"enqueue failed: {queued.stderr.decode()[-2000:]}")
        idle = ["--redis", url, "--idle-exit", "1", *_sets()]
        started = time.time()
        processes = [_measured(hdnd + ["writer", "--db", str(db), *idle], work / f"{name}-w.log")]
        processes += [
            _measured(hdnd + ["worker", *idle], work / f"{name}-{n}.log") for n in range(workers)
        ]
        cpu = 0.0
        for process, usage_file in processes:
            process.wait(timeout=1800)
            usage = json.loads(usage_file.read_text("utf-8"))
            if usage["returncode"] != 0:
                raise RuntimeError(f"{name}: a process failed, see the logs in {work}")
            cpu += usage["utime"] + usage["stime"]
        cpu += cpu_seconds(redis_server.pid)
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=30)
    pages, archived, finished = _runs(db)
    label = f"cluster, {workers} worker{'s' if workers > 1 else ''} + writer"
    return Crawl(label, pages, archived, finished - started, cpu)


def measure(root: Path, real_site: str, work: Path) -> list[Crawl]:
    """The four sites crawled by one process, then by clusters of 1, 2 and 4 workers."""
    work.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        servers = [stack.enter_context(served(root)) for _ in SITES]
        register(work, [server.base_url for server in servers], real_site)
        return [single(work), *(cluster(work, n) for n in WORKERS)]
