"""Migration 5: one folded copy of each text in the search index, rowids in publication order.

The first index held every text twice (as published and folded) and its rows followed crawl
order: ranking or date-sorting a phrase found in most articles read all of them. One folded
copy halves the index; rowids in publication order make newest-first cheap. ``transform``
renumbers the articles and indexes them again with the logic below, frozen as released: later
changes to the live code's rowids or folding must not change what this migration did.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime

NAME = "folded search index, rowids in publication order"

STATEMENTS = (
    "drop table articles_fts",
    (
        "create virtual table articles_fts using fts5(title, summary, body, attachments, "
        "attachments_text unindexed, tokenize = 'unicode61 remove_diacritics 2')"
    ),
)

# frozen: as released. An article's rowid is its publication time in seconds since 1970 times
# this, plus its id modulo this; the next free value when taken.
_ROWID_SLOTS = 1024


def _rowid(conn: sqlite3.Connection, published_at: str | None, article_id: int) -> int:
    # frozen: as released. A missing or unreadable time counts as 1970; a naive one as UTC.
    try:
        published = datetime.fromisoformat(published_at or "")
    except ValueError:
        seconds = 0
    else:
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        seconds = int(published.timestamp())
    rowid = seconds * _ROWID_SLOTS + article_id % _ROWID_SLOTS
    while conn.execute("select 1 from articles where rowid = ?", [rowid]).fetchone():
        rowid += 1
    return rowid


def _fold_char(char: str) -> str:
    # frozen: as released. đ/Đ → d (Unicode does not decompose it), combining marks dropped,
    # lower case; one character for one, so that hits in folded text are positions in the text.
    if char in "đĐ":
        return "d"
    bare = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    bare = bare.lower()
    return bare if len(bare) == 1 else char


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, codepoint: int) -> str:
        folded = self[codepoint] = _fold_char(chr(codepoint))
        return folded


_FOLDED = _FoldTable()


def _fold(text: str) -> str:
    # frozen: as released. ``text`` is already in NFC.
    return text.translate(_FOLDED)


def _index(conn: sqlite3.Connection, rowid: int, site: str, article_id: int) -> None:
    # frozen: as released. Title, summary, body and the attachments' names and texts, folded;
    # the attachments' published text kept (unindexed) for snippets.
    title, summary, body = conn.execute(
        "select title, summary, body_text from articles where rowid = ?", [rowid]
    ).fetchone()
    files = conn.execute(
        "select file_name, text from attachments where site = ? and article_id = ? order by url",
        [site, article_id],
    ).fetchall()
    attachments = "\n\n".join(part for name, text in files for part in (name, text) if part)
    published = [unicodedata.normalize("NFC", t or "") for t in (title, summary, body, attachments)]
    conn.execute(
        "insert into articles_fts (rowid, title, summary, body, attachments, attachments_text)"
        " values (?, ?, ?, ?, ?, ?)",
        [rowid, *(_fold(t) for t in published), published[-1]],
    )


def transform(conn: sqlite3.Connection) -> None:
    """Give every article its rowid in publication order and index it in the new, empty index."""
    rows = conn.execute("select rowid, site, article_id, published_at from articles").fetchall()
    for rowid, site, article_id, published_at in rows:
        new = _rowid(conn, published_at, article_id)
        conn.execute("update articles set rowid = ? where rowid = ?", [new, rowid])
        _index(conn, new, site, article_id)
