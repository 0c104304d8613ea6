"""Serve a captured site (``tests/fixtures/capture.py``) exactly as it was captured.

A capture directory holds ``responses.jsonl`` (one line per request: ``url`` = path and query,
``status``, ``headers``, ``body`` = file under the directory) and the body files. The server
looks a request's path and query up there and answers the stored status, headers and body
bytes; a redirect keeps its status and ``Location``. A URL that was not captured answers the
captured 404 page (the first one recorded) with status 404, or an empty 404 when there is none.

Headers are sent as stored, except those that describe the stored connection rather than the
response (``Transfer-Encoding``, ``Connection``, ``Keep-Alive``): the body is sent whole with
its own ``Content-Length``. The ``Host`` the request names is not looked at: one server serves
one site.

    with replay(Path("tests/fixtures/nukeviet-egov/capture")) as base_url:
        ...  # GET base_url + "/" answers the captured home page

    python -m devtools.testsite.replay tests/fixtures/nukeviet-egov/capture --port 8100
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from devtools.testsite.loopback import serving

HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive", "content-length"}
# As in tests/fixtures/capture.py: characters a request target keeps as they are.
SAFE = "/:@!$&'()*+,;=-._~?"


def request_target(raw: str) -> str:
    """``raw`` (a request target or URL) percent-encoded as the capture tool writes it."""
    parts = urlsplit(raw)
    path = quote(unquote(parts.path) or "/", safe=SAFE)
    if parts.query:
        return f"{path}?{quote(parts.query, safe=SAFE + '%')}"
    return path


@dataclass(frozen=True)
class Recorded:
    status: int
    headers: list[tuple[str, str]]
    body: Path

    def read(self) -> bytes:
        return self.body.read_bytes()


class Capture:
    """The responses of one capture directory, by request target."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.responses: dict[str, Recorded] = {}
        self.not_found: Recorded | None = None
        with (self.directory / "responses.jsonl").open(encoding="utf-8") as file:
            for line in file:
                if not line.strip():
                    continue
                entry = json.loads(line)
                recorded = Recorded(
                    status=int(entry["status"]),
                    headers=[(name, value) for name, value in entry["headers"]],
                    body=self.directory / entry["body"],
                )
                self.responses.setdefault(entry["url"], recorded)
                self.responses.setdefault(request_target(entry["url"]), recorded)
                if recorded.status == 404 and self.not_found is None:
                    self.not_found = recorded

    def lookup(self, target: str) -> Recorded | None:
        return self.responses.get(target) or self.responses.get(request_target(target))


class _Handler(BaseHTTPRequestHandler):
    capture: Capture
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        target = self.path
        if target.startswith(("http://", "https://")):  # absolute form, as proxies are asked
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        recorded = self.capture.lookup(target)
        if recorded is None:
            status, recorded = 404, self.capture.not_found
        else:
            status = recorded.status
        body = recorded.read() if recorded else b""
        headers = recorded.headers if recorded else [("Content-Type", "text/plain")]
        self.send_response_only(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def replay(capture_dir: Path | str, port: int = 0) -> Iterator[str]:
    """Serve ``capture_dir`` on 127.0.0.1 in a background thread; yields the base URL."""
    with serving(
        type("Handler", (_Handler,), {"capture": Capture(Path(capture_dir))}), port
    ) as base_url:
        yield base_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a captured site on 127.0.0.1.")
    parser.add_argument("capture_dir", type=Path)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    with replay(args.capture_dir, args.port) as base_url:
        print(f"serving {args.capture_dir} at {base_url} (Ctrl-C to stop)", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
