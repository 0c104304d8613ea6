"""The pages the plugin adds to Datasette: feeds (:mod:`.feeds`), version diffs (:mod:`.diff`),
images and attachments from the archive (:mod:`.evidence`)."""

from __future__ import annotations

import urllib.parse
from typing import Any

from datasette.utils import path_from_row_pks
from datasette.utils.asgi import NotFound, Response

from hdnd_crawler.browse import diff, evidence, feeds

ARTICLE_KEYS = ["site", "article_id"]


async def archive_database(datasette: Any) -> Any:
    """The database served that is an archive (the one with ``articles``)."""
    for database in datasette.databases.values():
        if not database.is_memory and await database.table_exists("articles"):
            return database
    raise NotFound("Không có kho lưu trữ nào được phục vụ")


def article_page(datasette: Any, request: Any, database: str, row: dict[str, Any]) -> str:
    path = datasette.urls.row(database, "articles", path_from_row_pks(row, ARTICLE_KEYS, False))
    return datasette.absolute_url(request, path)


def _site(request: Any) -> str | None:
    return request.args.get("site") or None


async def _feed(datasette: Any, request: Any, title: str, rows: list[dict[str, Any]]) -> Response:
    db = await archive_database(datasette)
    entries = [{**row, "page_url": article_page(datasette, request, db.name, row)} for row in rows]
    feed_url = datasette.absolute_url(request, request.full_path)
    body = feeds.atom(title, feed_url, datasette.absolute_url(request, "/"), entries)
    return Response(body, content_type=feeds.MEDIA_TYPE)


async def new_articles(datasette: Any, request: Any) -> Response:
    db = await archive_database(datasette)
    site = _site(request)
    title = "Bài mới" + (f" — {site}" if site else "")
    return await _feed(datasette, request, title, await feeds.newest(db, site))


async def search_feed(datasette: Any, request: Any) -> Response:
    query = (request.args.get("q") or "").strip()
    if not query:
        return Response.text("Thiếu từ khóa tìm kiếm: ?q=…", status=400)
    db = await archive_database(datasette)
    site = _site(request)
    title = f"Tìm kiếm: {query}" + (f" — {site}" if site else "")
    return await _feed(datasette, request, title, await feeds.found(db, query, site))


async def article_diff(datasette: Any, request: Any) -> Response:
    site = request.url_vars["site"]
    try:
        article_id = int(request.url_vars["article_id"])
    except ValueError as exc:
        raise NotFound("Không có bài này") from exc
    db = await archive_database(datasette)
    versions = await diff.article_versions(db, site, article_id)
    if not versions:
        raise NotFound("Không có bài này")
    current = {**versions[-1], "site": site, "article_id": article_id}
    context = {
        "site": site,
        "article_id": article_id,
        "title": current["title"],
        "article_url": datasette.urls.row(
            db.name, "articles", path_from_row_pks(current, ARTICLE_KEYS, False)
        ),
        # Newest change first: what a reader coming from the article wants to see first.
        "changes": list(reversed(diff.changes(versions))),
    }
    html = await datasette.render_template("hdnd_diff.html", context, request=request)
    return Response.html(html)


async def captured_image(datasette: Any, request: Any) -> Response:
    db = await archive_database(datasette)
    return await evidence.captured_image(datasette, request, db)


async def stored_file(datasette: Any, request: Any) -> Response:
    db = await archive_database(datasette)
    return await evidence.stored_file(datasette, request, db)


def feed_path(datasette: Any, query: str | None = None, site: str | None = None) -> str:
    """The path of the feed of new articles, or of ``query``'s matches."""
    params = {k: v for k, v in {"q": query, "site": site}.items() if v}
    name = "search.atom" if query else "new.atom"
    suffix = f"?{urllib.parse.urlencode(params)}" if params else ""
    return datasette.urls.path(f"/-/feeds/{name}{suffix}")


def diff_path(datasette: Any, site: str, article_id: int) -> str:
    """The path of the page showing what changed between an article's versions."""
    return datasette.urls.path(f"/-/diff/{urllib.parse.quote(site, safe='')}/{article_id}")


ROUTES = [
    (r"^/-/feeds/new\.atom$", new_articles),
    (r"^/-/feeds/search\.atom$", search_feed),
    (r"^/-/diff/(?P<site>[^/]+)/(?P<article_id>[^/]+)$", article_diff),
    (r"^/-/capture/image$", captured_image),
    (r"^/-/files/(?P<path>.+)$", stored_file),
]
