"""The articles table's own search (``?_search=``): the rows of the page and how many match,
each read from the full-text index no further than needed.

Datasette searches a table with ``rowid in (select rowid from <fts> where <fts> match …)``: the
whole match is read before the first row, and counted by looking up every matching article. For
a phrase found in most of 50,000 articles, that is 23 ms for twenty rows and 45 ms for the count.
The archive's search is made here instead (``fts_table`` stays out of ``archive/metadata.yml``):

- a search with no other filter is counted by the index alone, on another of Datasette's
  threads while the rows are read, and reaches Datasette with its own count off (``_nocount``);
  the count is shown on the page (``hdnd_search_total``) and written into the JSON
  (``filtered_table_rows_count``);
- such a search, in the table's own order (newest first) and with the plugin's facets alone,
  reads only the page's matches:
  the index is read newest first from where the page starts (``_next``), one row further than
  the page shows, as Datasette asks for;
- any other search (another filter, another order, a column's search) is Datasette's own
  clause, and Datasette counts it, since only it knows what the other filters select.

Datasette's raw search mode (``_searchmode=raw``) hands the query to FTS5 as typed.
"""

from __future__ import annotations

import asyncio
import re
import urllib.parse
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

from hdnd_crawler.archive.search import COUNT_SQL, Filters

Scope = MutableMapping[str, Any]
App = Callable[[Scope, Callable, Callable], Awaitable[None]]

TABLE = "articles"
FTS_TABLE = "articles_fts"
FTS_COLUMNS = ("title", "summary", "body", "attachments")
SCOPE_KEY = "hdnd_search_count"
RAW_COUNT_SQL = f"select count(*) from {FTS_TABLE} where {FTS_TABLE} match :q"
# Arguments that change neither which articles a search finds nor how many.
_NEUTRAL = re.compile(
    r"_(search|searchmode|nocount|nofacet|nosuggest|next|size|sort|sort_desc|facet\w*|lang|col"
    r"|nocol|fields|format|shape|json|labels|timelimit)"
)
# Datasette leaves the count out of these shapes itself.
_UNCOUNTED_SHAPES = {"array", "object"}
_NO_COUNT = b'"filtered_table_rows_count": null'
_LAST_ROWID = 2**63 - 1
# Facets counted over every match by the plugin (hdnd_crawler/browse/facets.py); Datasette's
# own (``_facet``, ``_facet_array``, ``_facet_date``) count the page's query as it is.
_OWN_FACETS = {"_facet_cached", "_facet_list", "_facet_size"}


def match_clause(raw: bool, column: str | None = None, param: str = "search") -> str:
    """What the index is asked: the query as typed in raw mode, else as the archive reads it."""
    target = escape_sqlite(column) if column else FTS_TABLE
    return f"{target} match {':' + param if raw else f'escape_fts(:{param})'}"


def matching(match: str) -> str:
    """Datasette's own clause for a search: every matching article."""
    return f"rowid in (select rowid from {FTS_TABLE} where {match})"


def newest_matching(match: str, rows: int | str) -> str:
    """The newest ``rows`` matching articles, before the rowid ``:hdnd_before``."""
    return (
        f"rowid in (select rowid from {FTS_TABLE} where {match} and rowid < :hdnd_before"
        f" order by rowid desc limit {rows})"
    )


_SEARCH_CLAUSE = re.compile(
    rf"rowid in \(select rowid from {FTS_TABLE} where (?P<match>{FTS_TABLE} match"
    r" (?:escape_fts\(:search\)|:search))(?: and rowid < :hdnd_before order by rowid desc"
    r" limit \d+)?\)"
)


def with_newest_matches(sql: str, rows: int) -> tuple[str, str | None]:
    """``sql`` of a table page with its search narrowed to the newest ``rows`` matches, and
    the match; ``sql`` itself and None when it holds no search."""
    found = _SEARCH_CLAUSE.search(sql)
    if found is None:
        return sql, None
    narrowed = matching(f"{found['match']} order by rowid desc limit {rows}")
    return sql.replace(found[0], narrowed), found["match"]


def _raw(asked: str | None, datasette: Any, database: str) -> bool:
    """Whether the search is in raw mode: as ``_searchmode`` asked, else as the metadata says."""
    return (asked or datasette.table_metadata(database, TABLE).get("searchmode")) == "raw"


def _page_rows(request: Any, datasette: Any) -> int:
    size = request.args.get("_size")
    if size == "max":
        return datasette.setting("max_returned_rows") + 1
    try:
        return min(int(size), datasette.setting("max_returned_rows")) + 1
    except (TypeError, ValueError):
        return datasette.setting("default_page_size") + 1


def _before(request: Any) -> int:
    """The rowid the page starts below: the first part of Datasette's ``_next`` token (the
    rowid it sorts by)."""
    token = request.args.get("_next")
    try:
        return int(urllib.parse.unquote(token.split(",")[0])) if token else _LAST_ROWID
    except ValueError:
        return _LAST_ROWID


async def filters(
    request: Any, database: str, table: str, datasette: Any
) -> FilterArguments | None:
    """The where clause of ``?_search=`` (and ``?_search_<column>=``) on the articles table."""
    if table != TABLE or not await datasette.get_database(database).table_exists(FTS_TABLE):
        return None
    raw = _raw(request.args.get("_searchmode"), datasette, database)
    search = request.args.get("_search", "")
    clauses, params, described = [], {}, []
    if search:
        in_order = request.args.get("_sort") is None and request.args.get("_sort_desc") in (
            None,
            "rowid",
        )
        facets = {key for key in request.args if key.startswith("_facet")}
        if request.scope.get(SCOPE_KEY) is not None and in_order and facets <= _OWN_FACETS:
            clauses.append(newest_matching(match_clause(raw), _page_rows(request, datasette)))
            params["hdnd_before"] = _before(request)
        else:
            clauses.append(matching(match_clause(raw)))
        params["search"] = search
        described.append(f'search matches "{search}"')
    for column in FTS_COLUMNS:
        value = request.args.get(f"_search_{column}")
        if value:
            param = f"search_{column}"
            clauses.append(matching(match_clause(raw, column, param)))
            params[param] = value
            described.append(f'search {column} matches "{value}"')
    return FilterArguments(
        clauses,
        params,
        described,
        {"supports_search": True, "search": search},
    )


def _counted_search(datasette: Any, scope: Scope) -> tuple[str, str, bool, bool] | None:
    """(database, query, raw mode, JSON) of a search of the articles table with no other
    filter, else None."""
    if scope.get("type") != "http" or scope.get("method") not in ("GET", "HEAD"):
        return None
    parts = scope["path"].split("/")
    if len(parts) != 3 or parts[2] not in (TABLE, f"{TABLE}.json"):
        return None
    database = urllib.parse.unquote(parts[1])
    if database not in datasette.databases:
        return None
    args = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"))
    values = dict(args)
    search = values.get("_search", "").strip()
    if not search or any(not _NEUTRAL.fullmatch(key) for key, _ in args):
        return None
    json = parts[2].endswith(".json") or values.get("_format") == "json"
    if json and values.get("_shape") in _UNCOUNTED_SHAPES:
        return None
    return database, search, _raw(values.get("_searchmode"), datasette, database), json


def counted_searches(datasette: Any, app: App) -> App:
    """``app`` with each search of the articles table with no other filter counted by the
    index alone."""

    async def counted(scope: Scope, receive: Callable, send: Callable) -> None:
        found = _counted_search(datasette, scope)
        if found is not None and not await datasette.get_database(found[0]).table_exists(FTS_TABLE):
            found = None
        if found is None:
            await app(scope, receive, send)
            return
        database, query, raw, json = found
        params: dict[str, Any] = {"q": query}
        if not raw:
            params.update(Filters().params())
        db = datasette.get_database(database)
        task = asyncio.ensure_future(db.execute(RAW_COUNT_SQL if raw else COUNT_SQL, params))
        query_string = scope.get("query_string", b"")
        if b"_nocount=" not in query_string:
            query_string += b"&_nocount=1" if query_string else b"_nocount=1"
        scope = {**scope, "query_string": query_string, SCOPE_KEY: task}
        try:
            await app(scope, receive, _with_count(send, task) if json else send)
        finally:
            if not task.done():
                task.cancel()
            elif not task.cancelled():
                task.exception()  # an invalid raw query fails the page's own query too

    return counted


def _with_count(send: Callable, task: asyncio.Future) -> Callable:
    """``send`` writing the index's count into a JSON table page that Datasette left uncounted."""
    start: dict[str, Any] = {}
    body: list[bytes] = []

    async def patched(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body":
            await send(message)
            return
        body.append(message.get("body", b""))
        if message.get("more_body"):
            return
        payload = b"".join(body)
        if start.get("status") == 200 and _NO_COUNT in payload:
            total = (await task).first()[0]
            payload = payload.replace(_NO_COUNT, _NO_COUNT[:-4] + str(total).encode(), 1)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    return patched


async def search_total(request: Any) -> int | None:
    """The count of the page's search, when it was counted here."""
    task = request.scope.get(SCOPE_KEY) if request is not None else None
    if task is None:
        return None
    return (await task).first()[0]
