"""What a search page says of its results: how many articles match, how the query was read,
and, when none did, queries that find some."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from hdnd_crawler.archive.readings import read
from hdnd_crawler.archive.search import DEFAULT_LIMIT, Filters, Order, tally
from hdnd_crawler.browse.labels import READING_WORDS, number


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


async def search_summary(
    datasette: Any, database: str, request: Any, lang: str, shown: int, ranked: bool
) -> Summary | None:
    """The summary of a canned search (``search``, ``search_ranked``) showing ``shown`` rows."""
    query = request.args.get("q", "").strip()
    if not query:
        return None
    filters = _filters(request)
    db = datasette.get_database(database)
    order: Order = "relevance" if ranked else "newest"
    found = await db.execute_fn(
        lambda conn: tally(conn, query, shown, _limit(request), order, filters)
    )
    links = [
        (q, number(n, lang), "?" + urllib.parse.urlencode({**request.args, "q": q}))
        for q, n in found.suggestions
    ]
    among = number(found.ranked_among, lang) if found.ranked_among else None
    reading = read(query).describe(READING_WORDS[lang])
    return Summary(number(found.total, lang), reading, among, links)


def reading(query: str, lang: str) -> str:
    """How a table search, newest first, reads ``query``."""
    return read(query).describe(READING_WORDS[lang], phrase_first=False)
