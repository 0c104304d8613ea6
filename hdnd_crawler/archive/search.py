"""Vietnamese full-text search over the archive: what a typed query finds, order, snippets.

The index (``articles_fts``, kept by :mod:`hdnd_crawler.archive.store`) holds every text folded, so
a query folded alike matches whether it was typed with diacritics or not. How a query is read
(every word required, abbreviations and long forms alike, quotes for exact phrases) is
:mod:`hdnd_crawler.archive.readings`; its FTS5 query replaces Datasette's own ``escape_fts``
(same SQL name), which would have searched the words without folding or abbreviations. Articles
holding the typed words as one phrase come first.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Literal

from hdnd_crawler.archive.readings import (
    marks_expression,
    match_expression,
    phrase_expression,
    phrase_marks_expression,
    read,
)
from hdnd_crawler.archive.store import SEARCH_COLUMNS, SITE_NAME
from hdnd_crawler.archive.textfold import fold

HIT_START, HIT_END = "\x02", "\x03"
MARK_START, MARK_END = "<mark>", "</mark>"
SNIPPET_WIDTH = 240
# Where a hit is best shown, most telling first.
_SNIPPET_ORDER = ("body", "summary", "attachments", "title")
_MARKERS = re.compile(f"([{HIT_START}{HIT_END}])")


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


def _merge(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Overlapping hits as one, and hits with only spaces between them: FTS5 marks each word
    of a query, and the words of a phrase read better as one mark."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
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
            return _window(text, _merge(spans, text), SNIPPET_WIDTH)
        texts.append(text)
    return _window(next((t for t in texts if t.strip()), ""), [], SNIPPET_WIDTH)


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions that :data:`SEARCH_SQL` and Datasette's search box call."""
    conn.create_function("escape_fts", 1, match_expression, deterministic=True)
    conn.create_function("search_phrase", 1, phrase_expression, deterministic=True)
    conn.create_function("search_marks", 1, marks_expression, deterministic=True)
    conn.create_function("search_phrase_marks", 1, phrase_marks_expression, deterministic=True)
    conn.create_function("search_snippet", -1, snippet, deterministic=True)
    conn.create_function("search_fold", 1, _fold_or_none, deterministic=True)


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(text)


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
  {SITE_NAME}"""


def _shown_with_snippets(rows: str, order: str) -> str:
    """The columns of the articles that ``rows`` (rowid, tier) shows, in tier then ``order``,
    each matched again at its rowid for its snippet: by the phrase the rows of tier 0, so that
    the snippet shows the phrase rather than one of its words met earlier; by every written
    form of each word the others (an abbreviation's key marks nothing in the texts)."""
    return f"""\
{_COLUMNS}
from {rows}
cross join articles_fts on articles_fts.rowid = {rows}.rowid
join articles on articles.rowid = {rows}.rowid
where articles_fts match iif({rows}.tier = 0, search_phrase_marks(:q), search_marks(:q))
order by {rows}.tier, {rows}.{order}"""


# The queries' :limit when none is given.
DEFAULT_LIMIT = 50
_LIMIT = f"coalesce(cast(nullif(:limit, '') as integer), {DEFAULT_LIMIT})"
# Each filter left empty (or missing) keeps every article: :site a site's slug, :since the first
# day (YYYY-MM-DD, compared with the publication time as written, the site's local time),
# :category a category's name (diacritics optional).
_NO_FILTER = "coalesce(:site, '') || coalesce(:since, '') || coalesce(:category, '') = ''"
_FILTERS = """(nullif(:site, '') is null or articles.site = :site)
    and (nullif(:since, '') is null or articles.published_at >= :since)
    and (nullif(:category, '') is null or exists (
      select 1 from json_each(articles.categories)
      where search_fold(json_each.value) = search_fold(:category)))"""

# Newest first: rowids follow publication, so each reading's matches are the index's first
# rows, read without looking at the others. The typed words as one phrase first (the newest
# :limit of them); then, only when fewer matched, the other articles holding every word. When
# the phrase matched in fewer than :limit articles, those are all of them, so "not in" checks
# a short list. The text of archive/metadata.yml's "search" query.
NEWEST_SQL = f"""\
with phrase as (
  select articles_fts.rowid
  from articles_fts
  join articles on articles.rowid = articles_fts.rowid
  where articles_fts match search_phrase(:q)
    and {_FILTERS}
  order by articles_fts.rowid desc
  limit {_LIMIT}
),
shown as (
  select rowid, 0 as tier from phrase
  union all
  select * from (
    select articles_fts.rowid, 1 as tier
    from articles_fts
    join articles on articles.rowid = articles_fts.rowid
    where articles_fts match escape_fts(:q)
      and articles_fts.rowid not in (select rowid from phrase)
      and {_FILTERS}
    order by articles_fts.rowid desc
    limit {_LIMIT} - (select count(*) from phrase)
  )
)
{_shown_with_snippets("shown", "rowid desc")}"""

# Best first, by bm25 with a title hit worth most (a form of an abbreviation found by its key in
# an aliases column as much as in the text beside it), among the newest RANK_WINDOW matches: scoring
# costs a microsecond a match, and a phrase found in most of 50,000 articles took 80 ms to rank
# whole. A query finding fewer is ranked whole; one finding more, the newest of them (what
# :func:`find` says). The phrase's matches first, then (only when fewer than :limit) the others
# holding every word. Snippets only for the rows shown: the cross join keeps the ranked rows the
# outer loop, so the index is then read at those rowids alone (a plain join let SQLite run the
# whole match a second time and look up every matching article). The text of
# archive/metadata.yml's "search_ranked" query.
RANK_WINDOW = 10000
# Title, summary, body, attachments, (attachments_text,) then their aliases alike.
_BM25 = "bm25(articles_fts, 10, 4, 1, 1, 0, 10, 4, 1, 1)"
_FILTERED = f"({_NO_FILTER} or rowid in (select rowid from articles where {_FILTERS}))"
RANKED_SQL = f"""\
with phrase as (
  select rowid, score from (
    select rowid, {_BM25} as score
    from articles_fts
    where articles_fts match search_phrase(:q)
      and {_FILTERED}
    order by rowid desc
    limit {RANK_WINDOW}
  )
  order by score
  limit {_LIMIT}
),
best as (
  select rowid, 0 as tier, score from phrase
  union all
  select * from (
    select rowid, 1 as tier, score from (
      select rowid, {_BM25} as score
      from articles_fts
      where articles_fts match escape_fts(:q)
        and rowid not in (select rowid from phrase)
        and {_FILTERED}
      order by rowid desc
      limit {RANK_WINDOW}
    )
    order by score
    limit {_LIMIT} - (select count(*) from phrase)
  )
)
{_shown_with_snippets("best", "score")}"""

# How many articles a query finds (every word), with the same filters.
COUNT_SQL = f"""\
select count(*)
from articles_fts
where articles_fts match escape_fts(:q)
  and {_FILTERED}"""

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


@dataclass(frozen=True)
class Filters:
    """Which articles a search looks at; None keeps every one."""

    site: str | None = None
    since: str | None = None  # YYYY-MM-DD, the site's local date
    category: str | None = None

    def params(self) -> dict[str, str | None]:
        return {"site": self.site, "since": self.since, "category": self.category}


@dataclass(frozen=True)
class Results:
    """What a search found, how many articles match in all, and how the query was read."""

    hits: list[Hit]
    total: int
    reading: str
    # Queries to try instead, with how many articles each finds, when nothing matched.
    suggestions: list[tuple[str, int]] = field(default_factory=list)
    # How many of the newest matches were ranked, when the best first were asked of more.
    ranked_among: int | None = None


def search(
    conn: sqlite3.Connection,
    query: str,
    limit: int = 20,
    order: Order = "newest",
    site: str | None = None,
    filters: Filters | None = None,
) -> list[Hit]:
    """The ``limit`` articles matching ``query`` (of ``site``, or of every site; ``filters``
    narrow further): those holding its words as one phrase first, then the others; each part
    newest first, or the best first (``relevance``)."""
    register_functions(conn)
    chosen = replace(filters or Filters(), site=site) if site else filters or Filters()
    params = {"q": query, "limit": limit, **chosen.params()}
    return [Hit(*row) for row in conn.execute(SEARCH_SQL[order], params).fetchall()]


def count(conn: sqlite3.Connection, query: str, filters: Filters | None = None) -> int:
    """How many articles ``query`` finds."""
    register_functions(conn)
    params = {"q": query, **(filters or Filters()).params()}
    return conn.execute(COUNT_SQL, params).fetchone()[0]


@dataclass(frozen=True)
class Tally:
    """What a search's page of results says beside its rows."""

    total: int  # how many articles match in all
    suggestions: list[tuple[str, int]]  # queries to try instead, when nothing matched
    ranked_among: int | None  # best first of more matches than are ranked: how many were


def tally(
    conn: sqlite3.Connection,
    query: str,
    shown: int,
    limit: int,
    order: Order = "newest",
    filters: Filters | None = None,
) -> Tally:
    """The :class:`Tally` of a search of ``query`` that showed ``shown`` of at most ``limit``
    articles: counted only when the page is full, suggestions only when it is empty."""
    total = shown if shown < limit else count(conn, query, filters)
    tries = [] if shown else suggestions(conn, query, filters)
    ranked_among = RANK_WINDOW if order == "relevance" and total > RANK_WINDOW else None
    return Tally(total, tries, ranked_among)


def find(
    conn: sqlite3.Connection,
    query: str,
    limit: int = 20,
    order: Order = "newest",
    filters: Filters | None = None,
) -> Results:
    """:func:`search` with the count of every match and the reading used; when nothing
    matched, queries to try instead, with how many articles each finds; best first of more
    than :data:`RANK_WINDOW` matches, how many were ranked."""
    hits = search(conn, query, limit, order, filters=filters)
    found = tally(conn, query, len(hits), limit, order, filters)
    reading = read(query).describe()
    return Results(hits, found.total, reading, found.suggestions, found.ranked_among)


def suggestions(
    conn: sqlite3.Connection, query: str, filters: Filters | None = None
) -> list[tuple[str, int]]:
    """Queries near ``query`` that find articles, with how many each finds: for a query that
    found none."""
    register_functions(conn)
    reading = read(query)
    # Nearest to what was typed first: without quotes, or without one word (those finding
    # most first); then fewer words, the first half of them.
    nearest: list[str] = []
    if '"' in query:
        nearest.append(query.replace('"', " "))
    if len(reading.terms) > 1:
        nearest += [reading.without(n) for n in range(len(reading.terms))]
    tries = [" ".join(t.split()) for t in nearest]
    found = {q: count(conn, q, filters) for q in dict.fromkeys(tries)}
    shown = [q for q in sorted(found, key=lambda q: -found[q]) if found[q]][:2]
    if len(reading.terms) > 2:
        fewer = reading.first(len(reading.terms) // 2)
        found[fewer] = count(conn, fewer, filters)
        shown += [fewer] if found[fewer] and fewer not in shown else []
    return [(q, found[q]) for q in shown]
