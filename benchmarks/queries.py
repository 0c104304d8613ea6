"""Figure 4: latency of Vietnamese full-text queries and of Datasette's article list.

Queries go through the project's own ``search()`` on a read connection, and through the
Datasette that ``make serve`` starts (on a free 127.0.0.1 port); each kind is warmed up, then
timed request by request (p50 / p95 of the wall time, as the client sees it).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.measure import REPO, child_env

METADATA = REPO / "archive" / "metadata.yml"
# Phrases of the generated sites' text as a reader types them, with and without diacritics:
# topic phrases found in 5-15% of the articles, one staple found in nearly all ("Hội đồng nhân
# dân") and one rare phrase.
WITH_DIACRITICS = [
    "ngân sách",
    "cử tri",
    "kỳ họp thường lệ",
    "đồng bào dân tộc thiểu số",
    "chuyển đổi số",
    "giảm nghèo bền vững",
    "huyện Bảo Lạc",
    "thác Bản Giốc",
    "Hội đồng nhân dân",
    "kỳ họp thứ 17",
]
WITHOUT_DIACRITICS = [
    "ngan sach",
    "cu tri",
    "ky hop thuong le",
    "dong bao dan toc thieu so",
    "chuyen doi so",
    "giam ngheo ben vung",
    "huyen Bao Lac",
    "thac Ban Gioc",
    "Hoi dong nhan dan",
    "ky hop thu 17",
]
REQUESTS = 120
MIN_REQUESTS = 20
BUDGET = 120.0  # seconds per kind of request
WARMUP = 10


@dataclass
class Latency:
    name: str
    samples: list[float]  # seconds
    hits: int  # results of the first timed request, to show the query matched
    note: str = ""

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.samples, n=20)[-1] * 1000


def search_present() -> bool:
    try:
        from hdnd_crawler import search  # noqa: F401
    except ImportError:
        return False
    return True


def datasette_present() -> bool:
    try:
        import datasette  # noqa: F401
    except ImportError:
        return False
    return METADATA.is_file() and "\nserve:" in (REPO / "Makefile").read_text()


def _timed(name: str, queries: list[str], call: Callable[[str], int]) -> Latency:
    """``REQUESTS`` timed calls after a warm-up; fewer (``MIN_REQUESTS`` at least) when they are
    so slow that ``BUDGET`` seconds run out first."""
    for query in queries[:WARMUP]:
        call(query)
    samples, hits = [], -1
    deadline = time.perf_counter() + BUDGET
    for n in range(REQUESTS):
        if n >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        found = call(queries[n % len(queries)])
        samples.append(time.perf_counter() - start)
        hits = found if hits < 0 else hits
    return Latency(name, samples, hits)


def measure_search(db: Path) -> list[Latency]:
    """The project's search function on a read-only connection to ``db``."""
    from hdnd_crawler.search import register_functions, search

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        register_functions(conn)
        total = conn.execute("select count(*) from articles").fetchone()[0]
        results = []

        def call(query: str) -> int:
            return len(search(conn, query))

        for kind, phrases in (("with", WITH_DIACRITICS), ("without", WITHOUT_DIACRITICS)):
            latency = _timed(f"search(), {kind} diacritics", phrases, call)
            shares = [_matches(conn, q) / total for q in phrases]
            latency.note = f"queries match {min(shares):.1%} to {max(shares):.1%} of the articles"
            results.append(latency)
        return results
    finally:
        conn.close()


def _matches(conn: sqlite3.Connection, query: str) -> int:
    sql = "select count(*) from articles_fts where articles_fts match escape_fts(?)"
    return conn.execute(sql, [query]).fetchone()[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def datasette(db: Path, log: Path) -> Iterator[http.client.HTTPConnection]:
    """``make serve`` (what readers run) of ``db`` on a free port; a kept-alive connection."""
    port = _free_port()
    command = ["make", "--no-print-directory", "-s", "serve"]
    command += [f"SERVE_DB={db}", f"SERVE_PORT={port}"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=child_env(), stdout=out, stderr=out, start_new_session=True
        )
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(600):
            try:
                conn.request("GET", "/-/versions.json")
                conn.getresponse().read()
                break
            except OSError:
                conn.close()
                if process.poll() is not None:
                    raise RuntimeError(f"datasette exited:\n{log.read_text()[-2000:]}") from None
                time.sleep(0.1)  # the server is starting; this is the harness, not a test
        yield conn
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the datasette it started
        process.wait(timeout=30)


def _get(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
    return body


def measure_datasette(db: Path, work: Path) -> list[Latency]:
    """Full-text search through Datasette's JSON API and the archive's ranked search query;
    the article list page with its facets."""
    database = db.stem
    with datasette(db, work / "datasette.log") as conn:

        def search_json(query: str) -> int:
            body = _get(conn, f"/{database}/articles.json?" + urlencode({"_search": query}))
            return len(json.loads(body)["rows"])

        def ranked_json(query: str) -> int:
            body = _get(conn, f"/{database}/search.json?" + urlencode({"q": query}))
            return len(json.loads(body)["rows"])

        def article_list(_query: str) -> int:
            return _get(conn, f"/{database}/articles").count(b"<tr")

        return [
            _timed("Datasette _search, with diacritics", WITH_DIACRITICS, search_json),
            _timed("Datasette _search, without diacritics", WITHOUT_DIACRITICS, search_json),
            _timed("Datasette ranked search, with diacritics", WITH_DIACRITICS, ranked_json),
            _timed("Datasette ranked search, without diacritics", WITHOUT_DIACRITICS, ranked_json),
            _timed("Datasette article list + facets", [""], article_list),
        ]
