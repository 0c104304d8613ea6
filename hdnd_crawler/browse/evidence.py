"""An article's evidence served from the archive itself, never from the site: its images as
captured in the WARC files (through the ``captures`` table) and its stored attachment files.

Both are read beside the archive database, where a crawl writes them by default: ``warc/``
and ``files/``.
"""

from __future__ import annotations

import asyncio
import io
import urllib.parse
from pathlib import Path
from typing import Any

from datasette.utils.asgi import NotFound, Response
from warcio.archiveiterator import ArchiveIterator

# An archived capture never changes: a browser may keep it.
CACHED = {"Cache-Control": "public, max-age=31536000, immutable"}


def image_path(datasette: Any, url: str) -> str:
    """The path of our route that shows the captured image of ``url``."""
    return datasette.urls.path(f"/-/capture/image?{urllib.parse.urlencode({'url': url})}")


def file_path(datasette: Any, path: str) -> str:
    """The path of our route that serves the stored attachment at ``files/<path>``."""
    return datasette.urls.path(f"/-/files/{urllib.parse.quote(path)}")


def _payload(warc: Path, offset: int, length: int) -> bytes:
    """The HTTP body of the response record at ``offset`` (one gzip member of ``length``)."""
    with open(warc, "rb") as stream:
        stream.seek(offset)
        member = stream.read(length)
    for record in ArchiveIterator(io.BytesIO(member)):
        return record.content_stream().read()
    raise NotFound("Bản lưu không đọc được")


async def captured_image(datasette: Any, request: Any, db: Any) -> Response:
    url = request.args.get("url") or ""
    found = await db.execute(
        "select warc_file, offset, length, content_type from captures where url = ?"
        " order by fetched_at desc limit 1",
        [url],
    )
    row = found.first()
    if row is None:
        raise NotFound("Ảnh này chưa được lưu")
    warc = Path(db.path).parent / "warc" / row["warc_file"]
    if not warc.is_file():
        raise NotFound(f"Thiếu tệp WARC {row['warc_file']}")
    body = await asyncio.to_thread(_payload, warc, row["offset"], row["length"])
    return Response(
        body, content_type=row["content_type"] or "application/octet-stream", headers=CACHED
    )


async def stored_file(datasette: Any, request: Any, db: Any) -> Response:
    path = request.url_vars["path"]
    # Only a path the archive recorded is served: no other file under the directory, ever.
    found = await db.execute(
        "select media_type, file_name from attachments where path = ? limit 1", [path]
    )
    row = found.first()
    if row is None:
        raise NotFound("Không có tệp đính kèm này")
    stored = Path(db.path).parent / "files" / path
    if not stored.is_file():
        raise NotFound(f"Thiếu tệp files/{path}")
    name = urllib.parse.quote(row["file_name"] or stored.name)
    headers = {**CACHED, "Content-Disposition": f"inline; filename*=UTF-8''{name}"}
    body = await asyncio.to_thread(stored.read_bytes)
    return Response(
        body, content_type=row["media_type"] or "application/octet-stream", headers=headers
    )
