"""Measured child processes: wall time, CPU time and peak memory of exactly one process.

``os.wait4`` gives the rusage of the one child it reaps, so the figures of a crawl never
include the harness, the site server or another crawl; :mod:`benchmarks.rusage` reaps it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Politeness off, robots.txt still obeyed: the crawler's own speed, not the site's patience.
FAST_CRAWL = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "RETRY_BACKOFF_BASE": "0",
    "LOG_LEVEL": "WARNING",
}


@dataclass
class Run:
    """One finished process: seconds of wall and CPU (user + system), peak RSS in MiB."""

    command: list[str]
    wall: float
    cpu: float
    max_rss_mib: float
    returncode: int
    log: Path
    stats: dict = field(default_factory=dict)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text("utf-8", errors="replace")[-chars:]


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run(command: Sequence[str], log: Path, cwd: Path = REPO, env: dict | None = None) -> Run:
    """Run ``command`` to completion, output to ``log``; its own figures (see :mod:`rusage`)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    usage_file = log.with_suffix(".rusage.json")
    wrapped = [PYTHON, "-m", "benchmarks.rusage", str(usage_file), "--", *command]
    env = env or child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    usage_file.unlink(missing_ok=True)
    with log.open("wb") as out:
        subprocess.run(wrapped, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if not usage_file.exists():
        raise RuntimeError(f"could not run {command[:4]}:\n{log.read_text()[-2000:]}")
    usage = json.loads(usage_file.read_text("utf-8"))
    return Run(
        command=list(command),
        wall=usage["wall"],
        cpu=usage["utime"] + usage["stime"],
        max_rss_mib=usage["maxrss_kib"] / 1024,
        returncode=usage["returncode"],
        log=log,
    )


def cpu_seconds(pid: int) -> float:
    """CPU time a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    base_url: str
    pid: int

    def cpu(self) -> float:
        return cpu_seconds(self.pid)


@contextmanager
def served(root: Path) -> Iterator[Server]:
    """The site tree at ``root`` served by :mod:`benchmarks.serve` in its own process."""
    process = subprocess.Popen(
        [PYTHON, "-m", "benchmarks.serve", str(root)],
        cwd=REPO,
        env=child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin and process.stdout
    try:
        base_url = process.stdout.readline().decode().strip()
        if not base_url.startswith("http://"):
            raise RuntimeError(f"the site server did not start (exit {process.wait()})")
        yield Server(base_url, process.pid)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def warc_present() -> bool:
    from hdnd_crawler.crawl import settings

    return hasattr(settings, "WARC_ENABLED")


def stats_options(stats_file: Path) -> dict[str, str]:
    """Settings that make a crawl write its Scrapy stats to ``stats_file``."""
    return {
        "EXTENSIONS": json.dumps({"benchmarks.stats.StatsFile": 1000}),
        "BENCH_STATS_FILE": str(stats_file),
    }


def crawl(
    mode: str,
    base_url: str,
    db: Path,
    work: Path,
    name: str,
    settings: dict[str, str] | None = None,
) -> Run:
    """``hdnd-crawler crawl --full|--incremental`` of ``base_url`` into ``db``, politeness off."""
    stats_file = work / f"{name}.stats.json"
    every = {**FAST_CRAWL, **stats_options(stats_file), **(settings or {})}
    command = [PYTHON, "-m", "hdnd_crawler", "crawl", f"--{mode}", "--base-url", base_url]
    command += ["--db", str(db)]
    for setting, value in every.items():
        command += ["--set", f"{setting}={value}"]
    result = run(command, work / f"{name}.log")
    check(result, name)
    result.stats = json.loads(stats_file.read_text("utf-8"))
    return result


def check(result: Run, name: str) -> None:
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed ({result.returncode}):\n{result.log_tail()}")


def elapsed(stats: dict) -> float:
    return float(stats["elapsed_time_seconds"])


def size_of(*paths: Path) -> int:
    """Bytes on disk of files and whole directories (missing paths count zero)."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return total


def archive_files(db: Path) -> list[Path]:
    """The archive's files at their default places: the database, attachment files, WARCs."""
    wal, shm = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    return [db, wal, shm, db.parent / "files", db.parent / "warc"]


def archived_count(db: Path) -> int:
    """Articles in the archive at ``db``."""
    from hdnd_crawler.archive.store import Archive

    archive = Archive(db)
    try:
        return archive.db["articles"].count
    finally:
        archive.close()
