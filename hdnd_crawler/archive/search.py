"""Vietnamese full-text search over the archive: what a typed query means, order, snippets.

The index (``articles_fts``, kept by :mod:`hdnd_crawler.archive.store`) holds every text folded, so
a query folded alike matches whether it was typed with diacritics or not. What the search box
adds is phrases: Datasette's own ``escape_fts`` turns "hoi dong nhan dan" into four separate
words; :func:`match_expression` replaces it (same SQL name), keeps them together, and folds
them, so that đ typed or not makes no difference.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Literal

from hdnd_crawler.archive.store import SEARCH_COLUMNS
from hdnd_crawler.archive.textfold import fold

HIT_START, HIT_END = "\x02", "\x03"
MARK_START, MARK_END = "<mark>", "</mark>"
SNIPPET_WIDTH = 240
# Where a hit is best shown, most telling first.
_SNIPPET_ORDER = ("body", "summary", "attachments", "title")
_QUOTED = re.compile(r'"([^"]*)"')
_MARKERS = re.compile(f"([{HIT_START}{HIT_END}])")


def match_expression(query: str) -> str:
    """The FTS5 query for what a reader typed: every phrase in it must appear.

    Words typed together form one phrase; text in double quotes is a phrase of its own, so
    ``"ky hop" ngan sach`` asks for both "ky hop" and "ngan sach". An unbalanced quote is
    closed at the end. Each phrase is folded as the index is, so diacritics never matter
    (even đ). Nothing typed is FTS5 syntax, so no query is an error.
    """
    if query.count('"') % 2:
        query += '"'
    phrases = [" ".join(fold(part).split()) for part in _QUOTED.split(query)]
    return " AND ".join(f'"{phrase}"' for phrase in phrases if phrase) or '""'


def _hits(highlighted: str) -> tuple[str, list[tuple[int, int]]]:
    """Text without highlight markers, and the (start, end) of each marked stretch in it."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    position, start = 0, None
    for piece in _MARKERS.split(highlighted):
        if piece == HIT_START:
            start = position
        elif piece == HIT_END and start is not None:
            spans.append((start, position))
            start = None
        elif piece:
            text.append(piece)
            position += len(piece)
    return "".join(text), spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], width: int) -> str:
    start = max(0, spans[0][0] - width // 3) if spans else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (spans[0][1] if spans else start) else end
    pieces, position = [], start
    for hit_start, hit_end in spans:
        hit_start, hit_end = max(hit_start, start), min(hit_end, end)
        if hit_start >= hit_end:
            continue
        pieces += [text[position:hit_start], MARK_START, text[hit_start:hit_end], MARK_END]
        position = hit_end
    pieces.append(text[position:end])
    shown = " ".join("".join(pieces).split())
    return ("…" if start else "") + shown + ("…" if end < len(text) else "")


def snippet(*highlighted_and_published: str | None) -> str:
    """A stretch of published text around the first hit, hits between <mark> and </mark>.

    Arguments come in pairs: a folded column as FTS5's ``highlight()`` returns it, with
    ``char(2)``/``char(3)`` around hits, then the same text as published. Folded text has a
    character for each published one (in NFC), so its hits are shown in the published text.
    """
    pairs = zip(highlighted_and_published[::2], highlighted_and_published[1::2], strict=True)
    texts = []
    for highlighted, published in pairs:
        folded, spans = _hits(highlighted or "")
        text = unicodedata.normalize("NFC", published or "")
        if len(text) != len(folded):
            text = folded
        if spans:
            return _window(text, _merge(spans), SNIPPET_WIDTH)
        texts.append(text)
    return _window(next((t for t in texts if t.strip()), ""), [], SNIPPET_WIDTH)


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions that :data:`SEARCH_SQL` and Datasette's search box call."""
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
    conn.create_function("search_snippet", -1, snippet, deterministic=True)


def _snippet_call() -> str:
    published = {
        "title": "articles.title",
        "summary": "articles.summary",
        "body": "articles.body_text",
        "attachments": "articles_fts.attachments_text",
    }
    pairs = [
        f"highlight(articles_fts, {SEARCH_COLUMNS.index(name)}, char(2), char(3)),"
        f" {published[name]}"
        for name in _SNIPPET_ORDER
    ]
    return "search_snippet(\n    " + ",\n    ".join(pairs) + "\n  ) as snippet"


_COLUMNS = f"""\
select
  articles.title,
  articles.published_at,
  articles.url,
  {_snippet_call()},
  articles.site,
  articles.article_id,
  coalesce((select name from sites where sites.slug = articles.site), articles.site) as site_name"""
_LIMIT = "coalesce(cast(nullif(:limit, '') as integer), 50)"
# An empty or missing :site searches every site.
_ANY_SITE = "nullif(:site, '') is null"

# Newest first: rowids follow publication, so these are the index's first matching rows, read
# without looking at the others. The text of archive/metadata.yml's "search" query.
NEWEST_SQL = f"""\
{_COLUMNS}
from articles_fts
join articles on articles.rowid = articles_fts.rowid
where articles_fts match escape_fts(:q) and ({_ANY_SITE} or articles.site = :site)
order by articles_fts.rowid desc
limit {_LIMIT}"""

# Best first, by bm25 with a title hit worth most; this scores every match. Snippets only for
# the rows shown: the cross join keeps the ranked rows the outer loop, so the index is then
# read at those rowids alone (a plain join let SQLite run the whole match a second time and
# look up every matching article). The text of archive/metadata.yml's "search_ranked" query.
RANKED_SQL = f"""\
{_COLUMNS}
from (
  select rowid, bm25(articles_fts, 10, 4, 1, 1, 0) as score
  from articles_fts
  where articles_fts match escape_fts(:q)
    and ({_ANY_SITE} or rowid in (select rowid from articles where site = :site))
  order by score
  limit {_LIMIT}
) as best
cross join articles_fts on articles_fts.rowid = best.rowid
join articles on articles.rowid = best.rowid
where articles_fts match escape_fts(:q)
order by best.score"""

Order = Literal["newest", "relevance"]
SEARCH_SQL: dict[str, str] = {"newest": NEWEST_SQL, "relevance": RANKED_SQL}


@dataclass(frozen=True)
class Hit:
    title: str
    published_at: str | None
    url: str
    snippet: str
    site: str
    article_id: int
    site_name: str


def search(
    conn: sqlite3.Connection,
    query: str,
    limit: int = 20,
    order: Order = "newest",
    site: str | None = None,
) -> list[Hit]:
    """The ``limit`` articles matching ``query`` (of ``site``, or of every site): the newest, or
    the best (``relevance``)."""
    register_functions(conn)
    params = {"q": query, "limit": limit, "site": site}
    return [Hit(*row) for row in conn.execute(SEARCH_SQL[order], params).fetchall()]
