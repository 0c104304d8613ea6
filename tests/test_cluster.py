"""Two crawl workers and one writer around a real Redis crawl three sites served on 127.0.0.1.

Each site is the hdnd fixture site under its own slug and port (a user ``sites.toml``), its
server counting the requests it is answering at once. Workers and writer are real
``hdnd-crawler`` processes; one test kills a worker and the writer with SIGKILL mid-crawl.
"""

from __future__ import annotations

import collections
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import redis

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.store import Archive
from tests.conftest import SITE_ROOT, TEST_CRAWL_SETTINGS, expected_articles, starts
from tests.crawling import article_requests, crawl, environment, explain
from tests.small_site import SmallSite, body

SLUGS = ("alpha", "beta", "gamma")
LIMIT = 2  # CONCURRENT_REQUESTS_PER_DOMAIN, the default
SETTINGS = {**TEST_CRAWL_SETTINGS, "CLUSTER_HEARTBEAT_SECONDS": "0.3", "LOG_LEVEL": "INFO"}


@dataclass
class CountedSite:
    """A fixture site that records how many requests it answers at once, at most."""

    state: SiteState = field(default_factory=lambda: SiteState(root=SITE_ROOT))
    lock: threading.Lock = field(default_factory=threading.Lock)
    now: int = 0
    most: int = 0
    # Set once the site has answered this many requests (a moment to kill a process at).
    reached: threading.Event = field(default_factory=threading.Event)
    mark: int = 10**9

    def __post_init__(self) -> None:
        self.state.intercept = self.intercept

    def intercept(self, path: str) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            if len(self.state.requests) >= self.mark:
                self.reached.set()
        # A page takes a moment to answer, so that requests in flight overlap if allowed to.
        threading.Event().wait(0.02)
        with self.lock:
            self.now -= 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
@starts("servers", "processes")
def redis_url(tmp_path) -> Iterator[str]:
    port = _free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                threading.Event().wait(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
@starts("servers")
def sites(tmp_path) -> Iterator[dict[str, CountedSite]]:
    counted = {slug: CountedSite() for slug in SLUGS}
    with ExitStack() as stack:
        blocks = []
        for slug, site in counted.items():
            base = stack.enter_context(serve(site.state))
            blocks.append(
                f'[sites.{slug}]\ncms = "nukeviet"\nname = "{slug}"\nbase_url = "{base}"\n'
                'aliases = ["http://hdnd.caobang.gov.vn"]\n'
            )
        (tmp_path / "sites.toml").write_text("\n".join(blocks), encoding="utf-8")
        yield counted


def _command(*args: str) -> list[str]:
    command = [sys.executable, "-m", "hdnd_crawler", *args]
    if args[0] != "enqueue":
        for name, value in SETTINGS.items():
            command += ["--set", f"{name}={value}"]
    return command


def _start(tmp_path: Path, name: str, *args: str) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - the child's, closed with it
    return subprocess.Popen(
        _command(*args), cwd=tmp_path, env=environment(), stdout=log, stderr=subprocess.STDOUT
    )


def _finish(tmp_path: Path, name: str, process: subprocess.Popen) -> None:
    code = process.wait(timeout=240)
    assert code == 0, f"{name} exit {code}:\n{(tmp_path / f'{name}.log').read_text()[-5000:]}"


def _enqueue(
    tmp_path: Path, redis_url: str, db: Path, slugs: tuple[str, ...] = SLUGS, mode: str = "--full"
) -> None:
    args = ["enqueue", "--redis", redis_url, mode, "--db", str(db)]
    for slug in slugs:
        args += ["--site", slug]
    done = subprocess.run(_command(*args), env=environment(), capture_output=True, text=True)
    assert done.returncode == 0, explain(done)


def _assert_archived_once(db: Path) -> None:
    expected = {article["article_id"] for article in expected_articles()}
    archive = Archive(db)
    try:
        for slug in SLUGS:
            rows = archive.articles(slug)
            ids = [row["article_id"] for row in rows]
            assert sorted(ids) == sorted(expected), slug
            # Every row points at the WARC record it was read from, in the archive's files.
            for row in rows:
                assert (db.parent / "warc" / row["warc_file"]).is_file(), row["url"]
            runs = archive.runs(slug)
            assert [run["status"] for run in runs] == ["ok"], runs
    finally:
        archive.close()


@pytest.mark.servers
@pytest.mark.processes
def test_two_workers_and_a_writer_crawl_three_sites_as_one_process_would(
    tmp_path, redis_url, sites
):
    db = tmp_path / "archive.db"
    _enqueue(tmp_path, redis_url, db)
    writer = _start(
        tmp_path, "writer", "writer", "--redis", redis_url, "--db", str(db), "--idle-exit", "2"
    )
    workers = [
        _start(tmp_path, f"worker{n}", "worker", "--redis", redis_url, "--idle-exit", "2")
        for n in range(2)
    ]
    for n, worker in enumerate(workers):
        _finish(tmp_path, f"worker{n}", worker)
    _finish(tmp_path, "writer", writer)
    _assert_archived_once(db)

    # The same site crawled by one process, for the requests it makes.
    alone = CountedSite()
    (tmp_path / "single").mkdir()
    with serve(alone.state) as base:
        single = crawl(base, tmp_path / "single" / "archive.db", "--full")
        assert single.returncode == 0, explain(single)
    # Every request the single process made, as often, robots.txt included (one worker
    # fetched it, the other read its copy in Redis), and not one more.
    for slug, site in sites.items():
        fetched = collections.Counter(site.state.requests)
        assert max(fetched.values()) == 1, f"{slug}: fetched twice: {fetched.most_common(3)}"
        assert fetched == collections.Counter(alone.state.requests), slug
        assert site.most <= LIMIT, f"{slug}: {site.most} requests in flight at once"
    # Shared, not merely fetched by whichever worker came alone: a worker's closing stats
    # count the robots.txt it parsed from another's copy.
    logs = "".join((tmp_path / f"worker{n}.log").read_text() for n in range(2))
    assert "'robotstxt/shared_count': 1" in logs
    # The WARC files hold what the writer appended, re-readable by re-extraction.
    rebuilt = subprocess.run(
        [sys.executable, "-m", "hdnd_crawler", "reextract", "--warc-dir", "warc", "--db", "re.db"],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert rebuilt.returncode == 0, explain(rebuilt)


@pytest.mark.servers
@pytest.mark.processes
def test_a_killed_worker_and_a_killed_writer_lose_nothing(tmp_path, redis_url, sites):
    db = tmp_path / "archive.db"
    for site in sites.values():
        site.mark = 12
    _enqueue(tmp_path, redis_url, db)
    writer = _start(
        tmp_path, "writer", "writer", "--redis", redis_url, "--db", str(db), "--idle-exit", "2"
    )
    doomed = _start(tmp_path, "doomed", "worker", "--redis", redis_url, "--idle-exit", "2")
    # Mid-site: the first site has answered a dozen requests; the others wait their turn.
    assert sites[SLUGS[0]].reached.wait(120) or sites[SLUGS[1]].reached.wait(1)
    os.kill(doomed.pid, signal.SIGKILL)
    os.kill(writer.pid, signal.SIGKILL)
    doomed.wait(timeout=30)
    writer.wait(timeout=30)
    client = redis.Redis.from_url(redis_url)
    assert client.llen("hdnd:results"), "the workers had handed on results nobody wrote yet"
    writer = _start(
        tmp_path, "writer2", "writer", "--redis", redis_url, "--db", str(db), "--idle-exit", "2"
    )
    workers = [
        _start(tmp_path, f"worker{n}", "worker", "--redis", redis_url, "--idle-exit", "2")
        for n in range(2)
    ]
    for n, worker in enumerate(workers):
        _finish(tmp_path, f"worker{n}", worker)
    _finish(tmp_path, "writer2", writer)
    _assert_archived_once(db)
    for site in sites.values():
        assert site.most <= LIMIT


def _cluster_run(tmp_path: Path, redis_url: str, db: Path, name: str, workers: int, *sets: str):
    """Queued jobs crawled by ``workers`` workers and a writer, all run until idle."""
    until_idle = ("--redis", redis_url, "--idle-exit", "2", *sets)
    writer = _start(tmp_path, f"{name}-writer", "writer", "--db", str(db), *until_idle)
    started = [_start(tmp_path, f"{name}-worker{n}", "worker", *until_idle) for n in range(workers)]
    for n, worker in enumerate(started):
        _finish(tmp_path, f"{name}-worker{n}", worker)
    _finish(tmp_path, f"{name}-writer", writer)


@pytest.mark.servers
@pytest.mark.processes
def test_an_incremental_cluster_run_fetches_what_a_single_process_would(tmp_path, redis_url):
    site = SmallSite(tmp_path / "site", count=24, per_page=4)
    site.write()
    db, alone_db = tmp_path / "archive.db", tmp_path / "single" / "hdnd.db"
    alone_db.parent.mkdir()
    due = ["--set", "RECHECK_AFTER_HOURS=0"]  # every recent article due for its re-check now
    state = SiteState(root=site.root)
    with serve(state) as base:
        (tmp_path / "sites.toml").write_text(
            f'[sites.small]\ncms = "nukeviet"\nname = "small"\nbase_url = "{base}"\n'
            'aliases = ["http://hdnd.caobang.gov.vn"]\n',
            encoding="utf-8",
        )
        _enqueue(tmp_path, redis_url, db, ("small",))
        _cluster_run(tmp_path, redis_url, db, "full", 2)
        assert crawl(base, alone_db, "--full").returncode == 0
        archive = Archive(db)
        try:
            before = {row["article_id"]: row for row in archive.articles("small")}
        finally:
            archive.close()
        assert set(before) == set(site.articles)

        edited = site.by_age()[-1]  # the newest: inside the re-check window
        site.edit(edited, body_html=body(99, ", bản cập nhật"))
        added = site.add()
        site.write()
        recent = [i for i, a in site.articles.items() if site.now - a.publtime < timedelta(days=14)]

        state.requests.clear()
        alone = crawl(base, alone_db, RECHECK_AFTER_HOURS=0)
        assert alone.returncode == 0, explain(alone)
        single = collections.Counter(state.requests)
        state.requests.clear()
        _enqueue(tmp_path, redis_url, db, ("small",), "--incremental")
        _cluster_run(tmp_path, redis_url, db, "incremental", 1, *due)
        fetched = collections.Counter(state.requests)

    assert fetched == single
    # The new article and the recent ones due for a re-check, no other article.
    assert sorted(article_requests(list(fetched))) == sorted(site.path(i) for i in {added, *recent})
    archive = Archive(db)
    try:
        rows = {row["article_id"]: row for row in archive.articles("small")}
        assert set(rows) == {*before, added}
        assert rows[added]["title"] == site.articles[added].title
        assert "bản cập nhật" in rows[edited]["body_text"]
        (old,) = archive.versions("small", edited)
        assert old["body_text"] == before[edited]["body_text"]
        run = archive.runs("small")[-1]
    finally:
        archive.close()
    assert (run["mode"], run["status"]) == ("incremental", "ok")
    assert (run["new_articles"], run["updated_articles"]) == (1, 1)
    assert run["requests"] == sum(single.values())
