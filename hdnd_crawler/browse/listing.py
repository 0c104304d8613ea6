"""Articles as a reader's list: date, title linking to the archived article, site, category,
author, and the passage that matched for a search.

Built in one piece in Python, like ``table_rows``: written cell by cell in Jinja, a list of
articles cost half its request (Datasette renders templates asynchronously).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

import markupsafe

from hdnd_crawler.archive.search import MARK_END, MARK_START


def local_date(published_at: str | None) -> str:
    """``dd/mm/yyyy`` of a stored time; stored times carry the site's own offset, so this is
    the date the site showed."""
    if not published_at:
        return ""
    try:
        return datetime.fromisoformat(published_at).strftime("%d/%m/%Y")
    except ValueError:
        return published_at[:10]


def snippet_html(value: str) -> markupsafe.Markup:
    """A search passage escaped, its marks of the matched words kept."""
    escaped = str(markupsafe.escape(value))
    for mark in (MARK_START, MARK_END):
        escaped = escaped.replace(str(markupsafe.escape(mark)), mark)
    return markupsafe.Markup(escaped)


def article_url(table_url: str, site: str, article_id: Any, lang_arg: str = "") -> str:
    # Datasette's row URL: primary keys joined by a comma, each one tilde-encoded; site slugs and
    # article ids hold nothing that needs it.
    url = f"{table_url}/{quote(str(site), safe='')},{article_id}"
    return f"{url}?{lang_arg}" if lang_arg else url


def _as_dict(row: Any) -> dict[str, Any]:
    return dict(zip(row.keys(), tuple(row), strict=True)) if hasattr(row, "keys") else dict(row)


def article_rows(
    rows: Iterable[Any],
    table_url: str,
    sites: Mapping[str, str],
    lang_arg: str = "",
    snippets: bool = False,
    details: Mapping[tuple, Mapping[str, Any]] | None = None,
) -> markupsafe.Markup:
    """The ``<tr>`` of each article of ``rows`` (sqlite rows or mappings with the articles
    columns, ``snippet`` for a search), with category and author from ``details`` by (site,
    article_id) where the rows lack them."""
    esc = markupsafe.escape
    out = []
    for found in rows:
        row = _as_dict(found)
        extra = (details or {}).get((row.get("site"), row.get("article_id")), {})
        row = {**extra, **row}
        site = row.get("site") or ""
        href = article_url(table_url, site, row.get("article_id"), lang_arg)
        published = row.get("published_at")
        out.append(
            f'<tr><td class="col-date"><time datetime="{esc(published or "")}">'
            f"{local_date(published)}</time></td>"
            f'<td class="col-title"><a href="{esc(href)}">{esc(row.get("title") or "")}</a></td>'
            f'<td class="col-site">{esc(sites.get(site, site))}</td>'
            f'<td class="col-main_category">{esc(row.get("main_category") or "")}</td>'
            f'<td class="col-author">{esc(row.get("author") or "")}</td>'
        )
        if snippets:
            out.append(f'<td class="col-snippet">{snippet_html(row.get("snippet") or "")}</td>')
        out.append("</tr>\n")
    return markupsafe.Markup("".join(out))
