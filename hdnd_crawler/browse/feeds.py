"""Atom 1.0 feeds of the archive: its newest articles, and the newest matches of a search.

``/-/feeds/new.atom`` (``?site=`` for one site) lists the 50 newest articles;
``/-/feeds/search.atom?q=…`` the 50 that :func:`hdnd_crawler.archive.search.search` finds
(same reading of the query, same order), so that a researcher's saved search follows what the
sites publish. Each entry links the archived copy and the article as published.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from hdnd_crawler.archive.search import MARK_END, MARK_START, Filters, search
from hdnd_crawler.archive.store import SITE_NAME

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_SIZE = 50
SUMMARY_CHARS = 300
ET.register_namespace("", ATOM)

_ENTRY_COLUMNS = f"""\
  site, article_id, url, title, published_at, changed_at, first_seen_at, author, summary,
  substr(body_text, 1, 400) as body_start,
  {SITE_NAME}"""
# Rowids follow publication (hdnd_crawler.archive.store.article_rowid): the newest articles are
# the last rows, read backwards without sorting. "+site" keeps the planner on that order rather
# than on the index of a site's every article.
NEW_SQL = f"""\
select {_ENTRY_COLUMNS}
from articles
where nullif(:site, '') is null or +site = :site
order by rowid desc
limit {FEED_SIZE}"""
# The articles a search found, by primary key.
BY_KEY_SQL = f"""\
select {_ENTRY_COLUMNS}
from articles
where site = :site and article_id = :article_id"""


def rfc3339(value: str | None) -> str:
    """A stored time as Atom writes it; a time without offset is taken as UTC."""
    if not value:
        return "1970-01-01T00:00:00Z"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return "1970-01-01T00:00:00Z"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def _summary(row: dict[str, Any]) -> str:
    text = row.get("snippet") or row["summary"] or row["body_start"] or ""
    text = " ".join(text.replace(MARK_START, "").replace(MARK_END, "").split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text.rfind(" ", 0, SUMMARY_CHARS)
    return text[: cut if cut > 0 else SUMMARY_CHARS] + "…"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom(title: str, feed_url: str, page_url: str, entries: list[dict[str, Any]]) -> bytes:
    """An Atom document; each entry has ``page_url`` (the archived copy's absolute URL) beside
    its row's columns."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    # An empty feed changed when it was asked for.
    now = datetime.now(UTC).isoformat(timespec="seconds")
    updated = max((rfc3339(e["changed_at"]) for e in entries), default=rfc3339(now))
    _add(feed, "updated", updated)
    _add(feed, "generator", "hdnd-crawler")
    for row in entries:
        entry = _add(feed, "entry")
        # The archived copy's address stays the article's for good, whatever it becomes.
        _add(entry, "id", row["page_url"])
        _add(entry, "title", row["title"])
        _add(entry, "link", rel="alternate", type="text/html", href=row["page_url"])
        _add(entry, "link", rel="related", type="text/html", href=row["url"], title="Bản gốc")
        _add(entry, "published", rfc3339(row["published_at"] or row["first_seen_at"]))
        _add(entry, "updated", rfc3339(row["changed_at"] or row["first_seen_at"]))
        author = _add(entry, "author")
        _add(author, "name", row["author"] or row["site_name"])
        _add(entry, "category", term=row["site"], label=row["site_name"])
        _add(entry, "summary", _summary(row), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


async def newest(db: Any, site: str | None) -> list[dict[str, Any]]:
    rows = (await db.execute(NEW_SQL, {"site": site})).rows
    return [dict(row) for row in rows]


def _found(conn: sqlite3.Connection, query: str, site: str | None) -> list[dict[str, Any]]:
    entries = []
    for hit in search(conn, query, FEED_SIZE, filters=Filters(site=site or None)):
        cursor = conn.execute(BY_KEY_SQL, {"site": hit.site, "article_id": hit.article_id})
        names = [column[0] for column in cursor.description]
        entries += [
            {**dict(zip(names, row, strict=True)), "snippet": hit.snippet} for row in cursor
        ]
    return entries


async def found(db: Any, query: str, site: str | None) -> list[dict[str, Any]]:
    """The articles :func:`search` finds for ``query``, in its order, with their snippets; read
    in one go on one connection (a query per hit through Datasette's thread would cost more than
    the search)."""
    return await db.execute_fn(lambda conn: _found(conn, query, site))
