"""Figure 4: latency of Vietnamese full-text queries and of Datasette's article list.

Queries go through the project's own ``search()`` on a read connection, and through the
Datasette that ``make serve`` starts (on a free 127.0.0.1 port); each kind is warmed up, then
timed request by request (p50 / p95 of the wall time, as the client sees it).
"""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import yaml

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
# Abbreviations of government news and their long forms, as typed: each finds the other.
ABBREVIATIONS = [
    "HĐND",
    "hdnd",
    "UBND tỉnh",
    "ubnd tinh",
    "ĐBQH",
    "dbqh",
    "kỳ họp HĐND",
    "ky hop hdnd",
    "KT-XH",
    "ngan sach UBND",
]
# Articles given a second version, so that the diff view has versions to show.
EDITED = 20
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
    by_query: dict[str, list[float]] = field(default_factory=dict)

    def slowest(self) -> str:
        """The query with the highest median time, and that median, when there are several."""
        if len(self.by_query) < 2:
            return ""
        medians = {q: statistics.median(s) * 1000 for q, s in self.by_query.items()}
        query = max(medians, key=medians.__getitem__)
        return f"slowest {query!r} (p50 {medians[query]:.0f} ms)"

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.samples, n=20)[-1] * 1000


def search_present() -> bool:
    try:
        from hdnd_crawler.archive import search  # noqa: F401
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
    latency = Latency(name, [], -1)
    deadline = time.perf_counter() + BUDGET
    for n in range(REQUESTS):
        if n >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        query = queries[n % len(queries)]
        start = time.perf_counter()
        found = call(query)
        elapsed = time.perf_counter() - start
        latency.samples.append(elapsed)
        latency.by_query.setdefault(query, []).append(elapsed)
        latency.hits = found if latency.hits < 0 else latency.hits
    return latency


def measure_search(db: Path) -> list[Latency]:
    """The project's search function on a read-only connection to ``db``."""
    from hdnd_crawler.archive.search import register_functions, search

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        register_functions(conn)
        total = conn.execute("select count(*) from articles").fetchone()[0]
        results = []

        for order, label in (("newest", "newest first"), ("relevance", "best first")):

            def call(query: str, order: str = order) -> int:
                return len(search(conn, query, order=order))

            kinds = (
                ("with diacritics", WITH_DIACRITICS),
                ("without diacritics", WITHOUT_DIACRITICS),
                ("abbreviations", ABBREVIATIONS),
            )
            for kind, phrases in kinds:
                latency = _timed(f"search(), {label}, {kind}", phrases, call)
                shares = [_matches(conn, q) / total for q in phrases]
                latency.note = (
                    f"queries match {min(shares):.1%} to {max(shares):.1%} of the articles"
                )
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
    command += [f"SERVE_DB={db}", f"SERVE_PORT={port}", f"SERVE_REPLAY_PORT={_free_port()}"]
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
        # make and the datasette it started; gone already when it failed (the error says why)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _get(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {response.status}: {body[:300]!r}")
    return body


def with_versions(db: Path, work: Path) -> tuple[Path, list[tuple[str, int]]]:
    """A copy of ``db`` in ``work`` in which the newest :data:`EDITED` articles were edited
    once, stored as the crawler stores an edit (the earlier text kept as a version); the
    edited articles."""
    from hdnd_crawler.archive.store import Archive
    from hdnd_crawler.records import Article

    copy = work / db.name
    subprocess.run(["cp", "--sparse=always", str(db), str(copy)], check=True)
    archive = Archive(copy)
    try:
        rows = archive.db.conn.execute(
            "select site, article_id, url, title, published_at, main_category, author,"
            f" summary, body_text from articles order by rowid desc limit {EDITED}"
        ).fetchall()
        for site, article_id, url, title, published_at, category, author, summary, body in rows:
            paragraphs = body.split("\n\n")
            paragraphs[len(paragraphs) // 2] += " Nội dung này đã được bổ sung, sửa lại ngày sau."
            edited = Article(
                site=site,
                article_id=article_id,
                url=url,
                title=title + " (cập nhật)",
                published_at=published_at,
                main_category=category or "",
                author=author or "",
                summary=summary or "",
                body_text="\n\n".join(paragraphs[1:]),
            )
            archive.upsert_article(edited)
    finally:
        archive.close()
    return copy, [(row[0], row[1]) for row in rows]


def measure_datasette(db: Path, work: Path) -> list[Latency]:
    """Full-text search through the archive's two search queries and the articles table's own
    search (JSON API); the article list page with its facets; the feeds; the diff view of an
    edited article (on a copy of ``db`` with some articles edited)."""
    db, edited = with_versions(db, work)
    database = db.stem
    configured = yaml.safe_load(METADATA.read_text("utf-8"))["databases"]["hdnd"]["tables"]
    facets = len(configured["articles"]["facets"])
    cut_off: list[str] = []
    with datasette(db, work / "datasette.log") as conn:

        def search_json(query: str) -> int:
            body = json.loads(
                _get(conn, f"/{database}/articles.json?" + urlencode({"_search": query}))
            )
            # A facet over Datasette's time limit is left out of the page without a word.
            cut_off.extend([query] * (facets - len(body["facet_results"])))
            return len(body["rows"])

        def canned(name: str) -> Callable[[str], int]:
            def call(query: str) -> int:
                body = _get(conn, f"/{database}/{name}.json?" + urlencode({"q": query}))
                return len(json.loads(body)["rows"])

            return call

        def article_list(_query: str) -> int:
            return _get(conn, f"/{database}/articles").count(b"<tr")

        def feed(query: str) -> int:
            path = (
                "/-/feeds/search.atom?" + urlencode({"q": query}) if query else "/-/feeds/new.atom"
            )
            return _get(conn, path).count(b"<entry>")

        def changed(call: Callable[[str], int]) -> Callable[[str], int]:
            # Facet counts are kept until the archive file changes (hdnd_crawler/browse/facets.py):
            # touching it first times the request as the first one after a crawl wrote.
            def call_after_change(query: str) -> int:
                os.utime(db)
                return call(query)

            return call_after_change

        # Typed with and without diacritics in turn.
        phrases = [
            p for pair in zip(WITH_DIACRITICS, WITHOUT_DIACRITICS, strict=True) for p in pair
        ]
        newest = _timed("Datasette search query (newest first)", phrases, canned("search"))
        ranked = _timed(
            "Datasette search_ranked query (best first)", phrases, canned("search_ranked")
        )
        table_search = _timed("Datasette articles table _search", phrases, changed(search_json))
        if cut_off:
            table_search.note = (
                f"{len(cut_off)} facets cut off by the time limit, for"
                f" {', '.join(repr(q) for q in sorted(set(cut_off)))}"
            )

        def diff(key: str) -> int:
            return _get(conn, f"/-/diff/{key}").count(b"<ins")

        feeds = [
            _timed("Atom feed of new articles", [""], feed),
            _timed("Atom feed of a search", phrases, feed),
        ]
        abbreviated = [
            _timed("Datasette search query, abbreviations", ABBREVIATIONS, canned("search")),
            _timed(
                "Datasette search_ranked query, abbreviations",
                ABBREVIATIONS,
                canned("search_ranked"),
            ),
            _timed(
                "Datasette articles table _search, abbreviations",
                ABBREVIATIONS,
                changed(search_json),
            ),
        ]
        diffs = _timed(
            "Diff view of an edited article", [f"{site}/{n}" for site, n in edited], diff
        )
        return [
            newest,
            ranked,
            table_search,
            *abbreviated,
            *feeds,
            diffs,
            _timed("Datasette article list + facets", [""], article_list),
            _timed(
                "Datasette article list + facets, archive just changed", [""], changed(article_list)
            ),
        ]
