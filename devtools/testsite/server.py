"""A local stand-in for a NukeViet site: serves a directory tree with NukeViet's URL behaviour.

The tree's file paths are URL paths (``/cat/`` is ``cat/index.html``; articles sit at their
canonical path only). What NukeViet does for every other URL form is done here: 301 from a
secondary-category or wrong-alias article URL to the canonical one, from a page past the last
to the category, from a missing trailing slash, from an unknown first segment to ``/``; the
``index.php?nv=news&op=…`` form answered in place; ``?download=1&id=N`` streaming a file.
Pages change their view counters and clock on every request, as the real site's do.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from itertools import count
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from devtools.testsite.loopback import serving

ARTICLE_PATH = re.compile(r"^/(?P<cat>[^/]+)/(?P<alias>[^/]*?)-(?P<id>\d+)\.html$")
PAGE_PATH = re.compile(r"^/(?P<cat>[^/]+)/page-(?P<page>\d+)/$")
VIEWS = re.compile(rb"(\xc4\x90\xc3\xa3 xem: )\d+")  # "Đã xem: N" in UTF-8
TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".css": "text/css",
    ".js": "application/javascript",
    ".woff2": "font/woff2",
    ".ico": "image/x-icon",
}

STATIC_SUFFIXES = (".css", ".js", ".woff2", ".ico", ".png", ".jpg", ".gif")


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Faults a test can ask for: wait before answering, close the connection without an
    # answer, or announce more bytes (Content-Length) than are sent before closing.
    delay: float = 0.0
    reset: bool = False
    declared_length: int | None = None


@dataclass
class SiteState:
    """What the server serves and what it has been asked; tests change it between crawls."""

    root: Path
    overrides: dict[str, bytes | None] = field(default_factory=dict)  # path → page, None = gone
    requests: list[str] = field(default_factory=list)
    # A hook to answer a request differently (faults, slow pages); None → normal answer.
    intercept: Callable[[str], Reply | None] | None = None
    _hits: Iterator[int] = field(default_factory=lambda: count(1))
    _ids: dict[int, str] | None = None

    def article_paths(self) -> dict[int, str]:
        if self._ids is None:
            ids = {}
            for path in self.root.rglob("*.html"):
                match = ARTICLE_PATH.match("/" + path.relative_to(self.root).as_posix())
                if match:
                    ids[int(match["id"])] = match.group(0)
            # Set once complete: requests are answered on several threads, and one that found
            # the index half built answered 404 for an article the tree holds.
            self._ids = ids
        return self._ids

    def read(self, path: str) -> bytes | None:
        if path in self.overrides:
            return self.overrides[path]
        file = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if path.endswith("/") and not file.exists():
            file = file.with_name("index.xml")
        try:
            resolved = file.resolve()
            resolved.relative_to(self.root.resolve())
            return resolved.read_bytes() if resolved.is_file() else None
        except (OSError, ValueError):
            return None

    def volatile(self, body: bytes) -> bytes:
        """View counters move on every request, as on the real site."""
        hit = next(self._hits)
        return VIEWS.sub(lambda m: m.group(1) + str(1000 + hit).encode(), body)


def _type_of(path: str) -> str:
    if path.endswith("/"):
        return TYPES[".html"]
    return TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def answer(state: SiteState, raw_path: str) -> Reply:
    """NukeViet's answer to a GET of ``raw_path`` (path and query)."""
    parts = urlsplit(raw_path)
    path, query = unquote(parts.path) or "/", dict(parse_qsl(parts.query))
    if path == "/index.php" and query.get("nv") == "news":
        op = query.get("op", "").strip("/")
        inner = f"/{op}.html" if ARTICLE_PATH.match(f"/{op}.html") else (f"/{op}/" if op else "/")
        return answer(state, inner)
    if query.get("download") == "1":
        downloads = json.loads((state.root / "_downloads.json").read_text("utf-8"))
        entry = downloads.get(f"{path}?download=1&id={query.get('id')}")
        if entry:
            body = (state.root / entry["file"]).read_bytes()
            disposition = f"attachment; filename*=UTF-8''{entry['name']}"
            return Reply(
                200,
                body,
                {"Content-Type": _type_of(entry["file"]), "Content-Disposition": disposition},
            )
        return not_found(state)
    body = state.read(path)
    if body is not None:
        return Reply(
            200,
            state.volatile(body) if _type_of(path).startswith("text/html") else body,
            {"Content-Type": _type_of(path)},
        )
    article = ARTICLE_PATH.match(path)
    if article:
        canonical = state.article_paths().get(int(article["id"]))
        if canonical and canonical != path and state.overrides.get(canonical, b"") is not None:
            return redirect(canonical)
        return not_found(state)
    page = PAGE_PATH.match(path)
    if page and state.read(f"/{page['cat']}/") is not None:
        return redirect(f"/{page['cat']}/")
    last = path.rsplit("/", 1)[-1]
    if not path.endswith("/") and "." not in last and state.read(path + "/") is not None:
        return redirect(path + "/")
    first = path.strip("/").split("/")[0]
    # A missing theme or static file is Apache's 404: NukeViet's rewrite spares such paths.
    static = Path(last).suffix.lower() in STATIC_SUFFIXES
    if static or first in ("tag", "uploads", "assets") or state.read(f"/{first}/") is not None:
        return not_found(state)
    return redirect("/")


def redirect(location: str) -> Reply:
    return Reply(301, b"", {"Location": location, "Content-Type": TYPES[".html"]})


def not_found(state: SiteState) -> Reply:
    return Reply(404, state.read("/404.html") or b"Not found", {"Content-Type": TYPES[".html"]})


class _Handler(BaseHTTPRequestHandler):
    state: SiteState
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.state.requests.append(self.path)
        intercept = self.state.intercept
        reply = (intercept(self.path) if intercept else None) or answer(self.state, self.path)
        if reply.delay:
            time.sleep(reply.delay)  # a slow server: this thread answers late
        if reply.reset:
            # Linger 0: closing sends a TCP reset instead of an orderly end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        # A client that gave up waiting (its timeout) has closed the connection: nothing to do.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        length = len(reply.body) if reply.declared_length is None else reply.declared_length
        headers = {
            "Cache-Control": "no-cache, no-store, must-revalidate",
            # Always "a day ago": useless for change detection, exactly like the real site.
            "Last-Modified": formatdate(time.time() - 86400, usegmt=True),
            "Set-Cookie": f"nv4s_sess={len(self.state.requests):08d}; path=/; HttpOnly",
            "Content-Length": str(length),
            **reply.headers,
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)
        if length != len(reply.body):
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve(state: SiteState, port: int = 0) -> Iterator[str]:
    """Serve ``state`` on 127.0.0.1 in a background thread; yields the base URL."""
    with serving(type("Handler", (_Handler,), {"state": state}), port) as base_url:
        yield base_url
