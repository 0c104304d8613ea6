"""Datasette facets for a large, read-mostly archive: counted once per change of the file.

A facet counts one column over every row the page shows: at 50,000 articles each costs a few
milliseconds, and the five of the article list cost more than the rest of the page. The archive
changes when a crawl writes to it, a few times a day; between two writes the same page gives
the same counts. So counts are kept, keyed by the query and by the size and modification time
of the database file and its write-ahead log, which every committed write changes.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

CACHED_QUERIES = 512
_counts: OrderedDict[tuple, list[tuple[Any, int]]] = OrderedDict()


def file_state(path: str | None) -> tuple | None:
    """What changes whenever a write is committed to the SQLite file at ``path``."""
    if not path:
        return None
    state = []
    for name in (path, path + "-wal"):
        try:
            stat = os.stat(name)
        except FileNotFoundError:
            state.append(None)
            continue
        state.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return tuple(state)


class _CountedFacet(Facet):
    """A facet whose value counts come from :meth:`_sql`, kept until the file changes."""

    # The query-string argument that filters on a value, and the one that adds the facet.
    filter_suffix = ""

    def _sql(self, column: str, limit: int) -> str:
        raise NotImplementedError

    async def _rows(self, column: str, limit: int) -> list[tuple[Any, int]]:
        sql = self._sql(escape_sqlite(column), limit)
        params = self.params.items() if isinstance(self.params, dict) else enumerate(self.params)
        state = file_state(self.ds.get_database(self.database).path)
        key = (self.database, state, sql, tuple(sorted((str(k), str(v)) for k, v in params)))
        if state is not None and key in _counts:
            _counts.move_to_end(key)
            return _counts[key]
        results = await self.ds.execute(
            self.database,
            sql,
            self.params,
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )
        rows = [(row["value"], row["count"]) for row in results.rows]
        if state is not None:
            _counts[key] = rows
            while len(_counts) > CACHED_QUERIES:
                _counts.popitem(last=False)
        return rows

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results, timed_out = [], []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for config in self.get_configs():
            column = config["config"].get("column") or config["config"]["simple"]
            try:
                rows = await self._rows(column, size + 1)
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for value, count in rows[:size]:
                arg = {f"{column}{self.filter_suffix}": str(value)}
                selected = next(iter(arg.items())) in pairs
                change = path_with_removed_args if selected else path_with_added_args
                values.append(
                    {
                        "value": value,
                        "label": value,
                        "count": count,
                        "toggle_url": self.ds.absolute_url(self.request, change(self.request, arg)),
                        "selected": selected,
                    }
                )
            hide = {f"_facet_{self.type}": column}
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, hide)),
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


class CachedFacet(_CountedFacet):
    """Datasette's column facet, counted once per change: ``facets: [{cached: author}]``."""

    type = "cached"

    def _sql(self, column: str, limit: int) -> str:
        return (
            f"select {column} as value, count(*) as count from ({self.sql})"
            f" where {column} is not null group by {column}"
            f" order by count desc, value limit {limit}"
        )


class ListFacet(_CountedFacet):
    """Counts the values of a column holding JSON lists in which a value appears once.

    Datasette's own array facet deduplicates by joining every whole row (bodies included) to
    its values: seconds for the archive's categories. Lists whose values are unique need no
    deduplication, and few distinct lists recur over thousands of rows: this counts rows per
    distinct list from an index, then adds the counts up per value. Metadata:
    ``facets: [{list: categories}]``; choosing a value filters with
    ``categories__arraycontains``, as the array facet does.
    """

    type = "list"
    filter_suffix = "__arraycontains"

    def _sql(self, column: str, limit: int) -> str:
        return (
            "select item.value as value, sum(lists.rows) as count from"
            f" (select {column} as list, count(*) as rows from ({self.sql})"
            f" group by {column} having json_valid({column}))"
            " as lists, json_each(lists.list) as item"
            f" group by item.value order by count desc, value limit {limit}"
        )
