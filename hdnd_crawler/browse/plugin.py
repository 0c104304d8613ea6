"""Datasette plugin for the archive: Vietnamese search, snippets, and articles that read as text.

Installed with the package (entry point ``hdnd``), so ``datasette`` run from the project's
environment loads it; ``archive/metadata.yml`` and ``archive/templates/`` do the rest.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache, partial
from typing import Any

import click
import datasette.handle_exception as datasette_errors
import markupsafe
import nh3
from datasette import hookimpl
from datasette.facets import Facet
from datasette.utils import path_with_replaced_args, to_css_class, urlsafe_components

from hdnd_crawler.archive.schema import ArchiveError, NotAnArchive, check_version
from hdnd_crawler.archive.search import MARK_START, register_functions
from hdnd_crawler.browse.errors import error_page
from hdnd_crawler.browse.evidence import file_path, image_path
from hdnd_crawler.browse.facets import COUNTED_FACETS, site_names, sites_archived
from hdnd_crawler.browse.labels import language, number, words_for
from hdnd_crawler.browse.listing import article_rows, local_date, snippet_html
from hdnd_crawler.browse.replay import memento_url
from hdnd_crawler.browse.routes import ROUTES, article_page, diff_path, feed_path
from hdnd_crawler.browse.summary import reading, search_summary
from hdnd_crawler.browse.table_search import counted_searches, filters, search_total
from hdnd_crawler.sites.registry import SiteConfigError, registry, user_registry

# Editor HTML shown only cleaned: no scripts, styles or handlers, and no images either, so that
# reading the archive never fetches from the site (the images column lists them).
SAFE_TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}
ARTICLE_TABLES = ("articles", "article_versions")
SEARCH_QUERIES = ("search", "search_ranked")
MMAP_BYTES = 4 << 30
# APA writes the month's name in English.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def sanitize(html: str) -> markupsafe.Markup:
    """Editor HTML made safe to show: nh3's allow-list, without images."""
    return markupsafe.Markup(nh3.clean(html, tags=SAFE_TAGS))


@lru_cache(maxsize=512)
def _cell_start(column: str, value_type: str) -> str:
    return f'<td class="col-{to_css_class(column)} type-{markupsafe.escape(value_type)}">'


def table_rows(rows: Iterable[Iterable[dict[str, Any]]]) -> markupsafe.Markup:
    """A table page's rows as Datasette's ``_table.html`` writes them, built in one piece.

    Datasette renders templates asynchronously: each piece of output climbs through every
    template the page extends. Written one cell at a time, the 20 rows of the article list
    were half of its request; ``archive/templates/_table.html`` calls this instead.
    """
    out = []
    for row in rows:
        out.append("<tr>")
        for cell in row:
            out.append(_cell_start(cell["column"], cell["value_type"]))
            out.append(markupsafe.escape(cell["value"]))
            out.append("</td>")
        out.append("</tr>\n")
    return markupsafe.Markup("".join(out))


def _check_archive(conn: sqlite3.Connection, path: str) -> None:
    try:
        check_version(conn, path)
    except NotAnArchive:
        return  # another database served alongside: not this plugin's to judge
    except ArchiveError as exc:
        # datasette serve prints it as one line and exits; a test sees the exception.
        raise click.ClickException(str(exc)) from exc


@hookimpl
def startup(datasette: Any) -> Callable[[], Awaitable[None]]:
    """Refuse to serve an archive of another schema version than this code reads; checked on
    Datasette's read-only connections, since serving never migrates (``hdnd-crawler migrate``
    does)."""

    async def inner() -> None:
        for database in datasette.databases.values():
            if not database.is_memory:
                await database.execute_fn(partial(_check_archive, path=database.path))

    # Datasette's own error handler, which runs after this plugin's, prints each error with
    # rich when rich can be imported (it can beside the development tools, which make serve
    # shares), and for an address no route serves it does so outside an except block, where
    # rich raises: the reader got a 500 for a mistyped address. Without it, the handler only
    # builds the page that this plugin's replaces.
    datasette_errors.rich = None
    return inner


@hookimpl
def prepare_jinja2_environment(env: Any) -> None:
    # The words of a page rendered without extra_template_vars: Datasette's own error handler
    # renders error.html so, though the page sent is this plugin's (handle_exception).
    env.globals.update(words_for("vi"))
    env.filters["table_rows"] = table_rows
    env.filters["article_rows"] = article_rows
    env.filters["local_date"] = local_date
    env.filters["number"] = number


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: BaseException) -> Any:
    # Datasette's handler still runs after this one (it logs a 500's traceback); the first
    # response is the one sent. Its JSON errors stay its own.
    if request.path.endswith(".json"):
        return None
    return partial(error_page, datasette, request, exception)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return ROUTES


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    return partial(counted_searches, datasette)


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    # Last, so that its extra context (a search box) wins over Datasette's, which finds no
    # fts_table for the articles table (archive/metadata.yml leaves the search to this plugin).
    return filters(request, database, table, datasette)


@hookimpl
def register_facet_classes() -> list[type[Facet]]:
    return list(COUNTED_FACETS)


@hookimpl(trylast=True)
def prepare_connection(conn: Any) -> None:
    # Runs after Datasette's own hook, so this escape_fts (folded words, abbreviations and long
    # forms alike, quoted phrases) replaces its one (words as typed).
    register_functions(conn)
    # Facets and counts read one row per match; mapped pages are read without a system call
    # each (a third of the time for a phrase found in most of 50,000 articles).
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> markupsafe.Markup | None:
    if column == "body_html" and table in ARTICLE_TABLES and value:
        # A list of a hundred articles would otherwise carry a hundred bodies; an article's
        # page shows its HTML cleaned, and the JSON and CSV exports carry it whole.
        return markupsafe.Markup('<span class="hdnd-html">HTML, {:,} characters</span>').format(
            len(value)
        )
    if column == "snippet" and table is None and isinstance(value, str) and MARK_START in value:
        return snippet_html(value)
    return None


def _publisher(site: str, archive_path: str | None) -> str:
    try:
        # The user's registry, beside the archive, names the sites added to it.
        user_file = user_registry(archive_path) if archive_path else None
        return registry(user_file).get(site).name
    except SiteConfigError:
        return site


def citation(article: dict[str, Any], publisher: str, permalink: str) -> str:
    """APA 7 for a web page, its archived copy named: "Author. (Y, Month D). Title. Site. URL.
    Archived D Month Y at PERMALINK". Without an author the title takes its place."""
    published = article["published_at"] or ""
    try:
        day = datetime.date.fromisoformat(published[:10])
        date = f"{day.year}, {MONTHS[day.month - 1]} {day.day}"
    except ValueError:
        date = "n.d."
    fetched = (article["fetched_at"] or "")[:10]
    try:
        captured = datetime.date.fromisoformat(fetched)
        archived = f"{captured.day} {MONTHS[captured.month - 1]} {captured.year}"
    except ValueError:
        archived = fetched
    title = article["title"].rstrip(".")
    head = (
        f"{article['author'].rstrip('.')}. ({date}). {title}."
        if article["author"]
        else (f"{title}. ({date}).")
    )
    return f"{head} {publisher}. {article['url']}. Archived {archived} at {permalink}"


def _provenance(article: dict[str, Any]) -> str:
    return (
        f"Archived copy fetched {article['fetched_at']} (HTTP {article['http_status']}), WARC file"
        f" {article['warc_file']}, record {article['warc_record_id']}, payload digest"
        f" {article['payload_digest']}."
    )


async def _images(datasette: Any, db: Any, article: dict[str, Any]) -> list[dict[str, Any]]:
    """The article's images, each with our route's path when its capture is archived."""
    images = json.loads(article["images"] or "[]")
    urls = [image["url"] for image in images]
    captured: set[str] = set()
    if urls and await db.table_exists("captures"):
        marks = ", ".join("?" for _ in urls)
        found = await db.execute(f"select distinct url from captures where url in ({marks})", urls)
        captured = {row[0] for row in found.rows}
    return [
        {**image, "src": image_path(datasette, image["url"]) if image["url"] in captured else None}
        for image in images
    ]


async def _article_page(datasette: Any, database: str, request: Any) -> dict[str, Any]:
    keys = urlsafe_components(request.url_vars["pks"])
    if len(keys) != 2:
        return {}
    db = datasette.get_database(database)
    params = {"site": keys[0], "article_id": keys[1]}
    where = "where site = :site and article_id = :article_id"
    rows = (await db.execute(f"select * from articles {where}", params)).rows
    if not rows:
        return {}
    article = dict(rows[0])
    attachments = await db.execute(
        "select url, file_name, media_type, bytes, sha256, path, fetched_at, text,"
        f" length(text) as text_length from attachments {where} order by url",
        params,
    )
    versions = await db.execute(f"select count(*) from article_versions {where}", params)
    permalink = article_page(datasette, request, database, article)
    return {
        "hdnd_article": {
            **article,
            "paragraphs": [p for p in (article["body_text"] or "").split("\n\n") if p.strip()],
            "body_html_clean": sanitize(article["body_html"] or ""),
            "images_list": await _images(datasette, db, article),
            "attachments_list": [
                {**dict(r), "href": file_path(datasette, r["path"]) if r["path"] else None}
                for r in attachments.rows
            ],
            "version_count": versions.first()[0],
            "citation": citation(article, _publisher(article["site"], db.path), permalink),
            "provenance": _provenance(article),
            "memento_url": memento_url(article["url"], article["fetched_at"]),
        }
    }


async def _search_details(datasette: Any, database: str, rows: Any) -> dict[tuple, dict]:
    """Category and author of the articles a search shows, which its query (the command line's
    own, :data:`hdnd_crawler.archive.search.SEARCH_SQL`) does not select."""
    keys = [(r["site"], r["article_id"]) for r in rows or ()]
    if not keys:
        return {}
    db = datasette.get_database(database)
    pairs = " or ".join("(site = ? and article_id = ?)" for _ in keys)
    found = await db.execute(
        f"select site, article_id, main_category, author from articles where {pairs}",
        [v for key in keys for v in key],
    )
    return {(r["site"], r["article_id"]): dict(r) for r in found.rows}


def _links(datasette: Any) -> dict[str, Any]:
    # Templates link the feeds (archive/templates/_feed_links.html) and diffs by these paths.
    return {
        "hdnd_feed_path": partial(feed_path, datasette),
        "hdnd_diff_path": partial(diff_path, datasette),
    }


@hookimpl
def extra_template_vars(
    template: str,
    database: str | None,
    table: str | None,
    columns: list[str] | None,
    view_name: str,
    request: Any,
    datasette: Any,
):
    lang = language(request)
    words = words_for(lang)
    words.update(_links(datasette))
    if request is not None:
        switch = {"_lang": None if lang == "en" else "en"}
        words["other_language_url"] = path_with_replaced_args(request, switch)
    if view_name == "index" and "hdnd" in datasette.databases:

        async def home() -> dict[str, Any]:
            return {**words, "hdnd_archived": await sites_archived(datasette, "hdnd")}

        return home
    if database is None or request is None:
        return words
    if view_name == "row" and table == "articles":

        async def article() -> dict[str, Any]:
            return {**words, **await _article_page(datasette, database, request)}

        return article
    if view_name == "table" and table is not None:
        # A reader has no use for the CREATE TABLE under an empty result.
        words = {**words, "table_definition": None, "view_definition": None}
        if table != "articles":
            return words

        async def article_list() -> dict[str, Any]:
            return {
                **words,
                "hdnd_sites": await site_names(datasette, database),
                "hdnd_search_total": await search_total(request),
                "hdnd_reading": reading(request.args.get("_search", ""), lang),
            }

        return article_list
    # A search: Datasette 0.65 names the canned queries' view "table" too; their columns tell.
    if table is None and columns and {"snippet", "site", "article_id"} <= set(columns):
        ranked = request.path.endswith("/search_ranked")

        async def search_page() -> dict[str, Any]:
            return {
                **words,
                "hdnd_sites": await site_names(datasette, database),
                # Called by the template on its rows: Jinja awaits it (Datasette's is async).
                "hdnd_details": partial(_search_details, datasette, database),
                # Called with the number of rows shown.
                "hdnd_summary": partial(
                    search_summary, datasette, database, request, lang, ranked=ranked
                ),
            }

        return search_page
    return words
