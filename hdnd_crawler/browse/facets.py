"""Datasette facets for a large, read-mostly archive: counted together, once per change.

A facet counts one column over every row the page shows: at 50,000 articles each costs a few
milliseconds, and the five of the article list cost more than the rest of the page. The whole
article list reads the counts the archive keeps up to date as it is written
(:data:`hdnd_crawler.archive.store.FACET_COUNTS`). Any other page counts all its facets, of every
type here, in one query over its rows, which can cost more to find than to count (a search
runs its match again for every query), and keeps what it counted: the archive changes when a
crawl writes to it, a few times a day, and between two writes the same page gives the same
counts. Counts are kept keyed by the query and by the size and modification time of the
database file and its write-ahead log, which every committed write changes.

A search of the articles table counts its facets over its newest :data:`SEARCH_FACET_ROWS`
matches only: FTS5 reads a match newest first and stops there, where grouping every match of a
phrase found in most articles took 120 ms at 50,000 articles. Each facet then says how many
matches it counted (``counted_in``), and the page says so.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from typing import Any
from weakref import WeakKeyDictionary

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from hdnd_crawler.archive.store import FACET_COLUMNS, FACET_COUNTS, FACET_LISTS
from hdnd_crawler.browse.table_search import with_newest_matches

CACHED_QUERIES = 512
SEARCH_FACET_ROWS = 1000
# Where the page's facets keep whether they counted only the newest matches of its search.
_BOUNDED = ("", "bounded")
_counts: OrderedDict[tuple, list[tuple]] = OrderedDict()
# The counting of each request's facets, shared by its facet types (Datasette makes one per type).
_pages: WeakKeyDictionary[Any, asyncio.Future] = WeakKeyDictionary()


def file_state(path: str | None) -> tuple | None:
    """What changes whenever a write is committed to the SQLite file at ``path``."""
    if not path:
        return None
    state: list[tuple[int, int, int] | None] = []
    for name in (path, path + "-wal"):
        try:
            stat = os.stat(name)
        except FileNotFoundError:
            state.append(None)
            continue
        state.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return tuple(state)


async def site_names(datasette: Any, database: str) -> dict[str, str]:
    """Each site's name by slug, as its crawls recorded it: facets and lists show names."""
    db = datasette.get_database(database)
    if not await db.table_exists("sites"):
        return {}
    return dict((await db.execute("select slug, name from sites")).rows)


async def sites_archived(datasette: Any, database: str) -> list[dict[str, Any]]:
    """Each site of the archive: its name, address and how many articles it holds (as the
    article list's site facet counts them)."""
    db = datasette.get_database(database)
    if not await db.table_exists("sites") or not await db.table_exists(FACET_COUNTS):
        return []
    rows = await db.execute(
        "select sites.name, sites.base_url, coalesce(counts.count, 0) as articles from sites"
        f" left join {FACET_COUNTS} as counts on counts.facet = 'site'"
        " and counts.value = sites.slug order by sites.name"
    )
    return [dict(row) for row in rows.rows]


class _CountedFacet(Facet):
    """A type of facet counted together with the page's other counted facets, by one query."""

    # The query-string argument that filters on a value, and the one that adds the facet.
    filter_suffix = ""
    # The articles columns whose counts, as this facet counts them, the archive keeps.
    kept: tuple[str, ...] = ()

    def _sql(self, column: str, limit: int) -> str:
        """The first ``limit`` (value, count) of ``column``, most frequent first, from ``shown``:
        the number of ``rows`` of the page with each distinct combination of facet values."""
        raise NotImplementedError

    def _columns(self) -> list[str]:
        configs = self.get_configs()
        return list(
            dict.fromkeys(c["config"].get("column") or c["config"]["simple"] for c in configs)
        )

    async def _lists_every_article(self) -> bool:
        """Whether the page is the whole article list, whose counts the archive keeps."""
        if self.table != "articles" or self.params:
            return False
        db = self.ds.get_database(self.database)
        # The query Datasette builds for a table page without filter, search or next page.
        names = ", ".join(escape_sqlite(c) for c in await db.table_columns(self.table))
        if self.sql != f"select {names} from {escape_sqlite(self.table)} ":
            return False
        return await db.table_exists(FACET_COUNTS)  # not before the archive is migrated

    async def _rows(self, limit: int) -> dict[str, list[tuple]]:
        """The first ``limit`` (value, count) of each of this type's columns.

        The page's counted facets of every type are counted once, by the first to ask.
        """
        page = _pages.get(self.request)
        if page is None:
            page = _pages[self.request] = asyncio.ensure_future(self._count_page(limit))
        counts = await page
        return {
            **{column: counts[self.type, column] for column in self._columns()},
            "": counts[_BOUNDED],
        }

    def _page_facets(self) -> dict[tuple[str, str], _CountedFacet]:
        """Every counted facet of the page, by (type, column), with its type's instance."""
        facets = [self] + [
            kind(
                self.ds,
                self.request,
                self.database,
                sql=self.sql,
                params=self.params,
                table=self.table,
                metadata=self.metadata,
                row_count=self.row_count,
            )
            for kind in COUNTED_FACETS
            if kind is not type(self)
        ]
        return {(facet.type, column): facet for facet in facets for column in facet._columns()}

    async def _count_page(self, limit: int) -> dict[tuple[str, str], list[tuple]]:
        """Counts of the page's counted facets, by (type, column): read where the archive keeps
        them, kept until the file changes otherwise."""
        wanted: dict[tuple[str, str], _CountedFacet | None] = dict(self._page_facets())
        counts = await self._kept_counts(wanted, limit)
        wanted[_BOUNDED] = None
        params = self.params.items() if isinstance(self.params, dict) else enumerate(self.params)
        state = file_state(self.ds.get_database(self.database).path)
        arguments = tuple(sorted((str(k), str(v)) for k, v in params))
        query = (self.database, state, self.sql, limit, arguments)
        kept = set(counts)
        for key in wanted:
            if state is not None and key not in counts and (*query, *key) in _counts:
                _counts.move_to_end((*query, *key))
                counts[key] = _counts[(*query, *key)]
        # Whatever is missing is counted again with everything not kept in the archive, so that
        # a query never counts the bound of a search alone.
        missing = {key: facet for key, facet in wanted.items() if key not in kept}
        if any(key not in counts for key in wanted):
            counted = await self._counted(missing, limit)
            counts.update(counted)
            if state is not None:
                _counts.update(((*query, *key), rows) for key, rows in counted.items())
                while len(_counts) > CACHED_QUERIES:
                    _counts.popitem(last=False)
        return counts

    async def _kept_counts(
        self, wanted: dict[tuple[str, str], _CountedFacet | None], limit: int
    ) -> dict[tuple[str, str], list[tuple]]:
        # A column is kept as one type of facet only (FACET_COLUMNS and FACET_LISTS are apart).
        kept = {key[1]: key for key, facet in wanted.items() if facet and key[1] in facet.kept}
        if not kept or not await self._lists_every_article():
            return {}
        results = await self.ds.get_database(self.database).execute(
            f"select facet, value, count from {FACET_COUNTS} where facet in"
            f" ({', '.join('?' for _ in kept)}) order by facet, count desc, value",
            list(kept),
        )
        counts: dict[tuple[str, str], list[tuple]] = {key: [] for key in kept.values()}
        counts[_BOUNDED] = []
        for column, value, count in results.rows:
            if len(counts[kept[column]]) < limit:
                counts[kept[column]].append((value, count))
        return counts

    async def _counted(
        self, wanted: dict[tuple[str, str], _CountedFacet | None], limit: int
    ) -> dict[tuple[str, str], list[tuple]]:
        """Counts over the page's rows in one query: finding the rows can cost more than counting
        them (a search runs its match again for each query). The rows are read once, grouped by
        their combination of facet values (a few hundred at most for the article list's).
        A search's rows are its newest matches only (:data:`SEARCH_FACET_ROWS`); a last branch
        tells whether there were more (``_BOUNDED`` holds a row then)."""
        facets = {key: facet for key, facet in wanted.items() if facet is not None}
        keys = list(facets)
        columns = ", ".join(escape_sqlite(c) for c in dict.fromkeys(c for _, c in keys))
        branches = " union all ".join(
            f"select {n} as facet, value, count from ({facet._sql(escape_sqlite(column), limit)})"
            for n, ((_, column), facet) in enumerate(facets.items())
        )
        sql, match = self.sql, None
        if self.table == "articles":
            sql, match = with_newest_matches(self.sql, SEARCH_FACET_ROWS)
        if match:
            # More matches than counted: the same match, stopped one row further.
            branches += (
                f" union all select {len(keys)}, null, count(*) from (select rowid from"
                f" articles_fts where {match} limit {SEARCH_FACET_ROWS + 1})"
                f" having count(*) > {SEARCH_FACET_ROWS}"
            )
        results = await self.ds.execute(
            self.database,
            f"with shown as materialized (select {columns}, count(*) as rows from ({sql})"
            f" group by {columns}) {branches} order by facet, count desc, value",
            self.params,
            truncate=False,
            custom_time_limit=self.ds.setting("facet_time_limit_ms"),
        )
        counts: dict[tuple[str, str], list[tuple]] = {key: [] for key in [*keys, _BOUNDED]}
        for n, value, count in results.rows:
            counts[keys[n] if n < len(keys) else _BOUNDED].append((value, count))
        return counts

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results = []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        configs = [
            (config, config["config"].get("column") or config["config"]["simple"])
            for config in self.get_configs()
        ]
        if not configs:
            return [], []
        try:
            counts = await self._rows(size + 1)
        except QueryInterrupted:
            return [], self._columns()
        # How many matches of a search the counts cover, when it found more.
        counted_in = SEARCH_FACET_ROWS if counts[""] else None
        wants_names = any(c == "site" for _, c in configs)
        names = await site_names(self.ds, self.database) if wants_names else {}
        for config, column in configs:
            rows = counts[column]
            values = []
            labels = names if column == "site" else {}
            for value, count in rows[:size]:
                arg = {f"{column}{self.filter_suffix}": str(value)}
                selected = next(iter(arg.items())) in pairs
                change = path_with_removed_args if selected else path_with_added_args
                values.append(
                    {
                        "value": value,
                        "label": labels.get(value, value),
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
                    "counted_in": counted_in,
                }
            )
        return results, []


class CachedFacet(_CountedFacet):
    """Datasette's column facet, counted once per change: ``facets: [{cached: author}]``."""

    type = "cached"
    kept = FACET_COLUMNS

    def _sql(self, column: str, limit: int) -> str:
        return (
            f"select {column} as value, sum(rows) as count from shown"
            f" where {column} is not null group by {column}"
            f" order by count desc, value limit {limit}"
        )


class ListFacet(_CountedFacet):
    """Counts the values of a column holding JSON lists in which a value appears once (nulls
    are not counted, as in the column facet).

    Datasette's own array facet deduplicates by joining every whole row (bodies included) to
    its values: seconds for the archive's categories. Lists whose values are unique need no
    deduplication, and few distinct lists recur over thousands of rows: this adds up the rows
    of each distinct list per value. Metadata:
    ``facets: [{list: categories}]``; choosing a value filters with
    ``categories__arraycontains``, as the array facet does.
    """

    type = "list"
    filter_suffix = "__arraycontains"
    kept = FACET_LISTS

    def _sql(self, column: str, limit: int) -> str:
        return (
            "select item.value as value, sum(lists.rows) as count from"
            f" (select {column} as list, sum(rows) as rows from shown"
            f" group by {column} having json_valid({column}))"
            " as lists, json_each(lists.list) as item where item.value is not null"
            f" group by item.value order by count desc, value limit {limit}"
        )


# Counted together on a page.
COUNTED_FACETS: tuple[type[_CountedFacet], ...] = (CachedFacet, ListFacet)
