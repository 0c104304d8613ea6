"""What a search page says of its results: how many articles match, how the query was read,
and, when none did, queries that find some."""

from __future__ import annotations

import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from hdnd_crawler.archive.readings import read
from hdnd_crawler.archive.search import RANK_WINDOW, Filters, count, suggestions
from hdnd_crawler.browse.labels import READING_WORDS, number

DEFAULT_LIMIT = 50  # the canned queries' :limit when none is given (archive/search.py)


@dataclass(frozen=True)
class Summary:
    total: str
    reading: str
    # Best first of more matches than are ranked: how many of the newest were.
    ranked_among: str | None = None
    # (query, how many articles it finds, the page's link to it)
    tries: list[tuple[str, str, str]] = field(default_factory=list)


def _limit(request: Any) -> int:
    try:
        return int(request.args.get("limit") or DEFAULT_LIMIT)
    except ValueError:
        return DEFAULT_LIMIT


def _filters(request: Any) -> Filters:
    return Filters(
        request.args.get("site") or None,
        request.args.get("since") or None,
        request.args.get("category") or None,
    )


def _counted(
    conn: sqlite3.Connection, query: str, filters: Filters, shown: int, limit: int
) -> tuple[int, list[tuple[str, int]]]:
    total = shown if shown < limit else count(conn, query, filters)
    return total, [] if shown else suggestions(conn, query, filters)


async def search_summary(
    datasette: Any, database: str, request: Any, lang: str, shown: int, ranked: bool
) -> Summary | None:
    """The summary of a canned search (``search``, ``search_ranked``) showing ``shown`` rows."""
    query = request.args.get("q", "").strip()
    if not query:
        return None
    filters = _filters(request)
    db = datasette.get_database(database)
    total, tries = await db.execute_fn(
        lambda conn: _counted(conn, query, filters, shown, _limit(request))
    )
    links = [
        (q, number(n, lang), "?" + urllib.parse.urlencode({**request.args, "q": q}))
        for q, n in tries
    ]
    among = number(RANK_WINDOW, lang) if ranked and total > RANK_WINDOW else None
    return Summary(number(total, lang), read(query).describe(READING_WORDS[lang]), among, links)


def reading(query: str, lang: str) -> str:
    """How a table search, newest first, reads ``query``."""
    return read(query).describe(READING_WORDS[lang], phrase_first=False)
