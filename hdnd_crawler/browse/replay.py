"""Pages as they were captured: pywb replaying the crawl's WARC files beside Datasette.

pywb runs in replay-only mode over one collection, ``hdnd``, whose archive is the WARC directory
itself (no copy, unlike ``wb-manager add``) and whose CDXJ index is built afresh at each start
into a working directory: a crawl between two starts only adds files, and indexing the archive's
WARCs takes seconds. The configuration names no live collection, no recording and no proxy, so
nothing replayed ever reaches the site: a capture missing from the WARCs is a 404.

pywb pins ``redis<3`` while the crawl cluster needs redis 8, so it lives in a venv of its own
(``.venv/pywb``, made by the Makefile); :func:`wayback_command` finds it there or on ``HDND_PYWB``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from hdnd_crawler.archive.wacz import write_index

COLLECTION = "hdnd"
# Where make serve's pywb answers; a public deployment sets HDND_REPLAY_URL to its own.
DEFAULT_REPLAY_URL = f"http://127.0.0.1:8002/{COLLECTION}/"


def replay_url() -> str:
    """The base of memento links: ``HDND_REPLAY_URL`` or the local pywb, ending in ``/``."""
    return (os.environ.get("HDND_REPLAY_URL") or DEFAULT_REPLAY_URL).rstrip("/") + "/"


def memento_url(url: str, fetched_at: str | None, base: str | None = None) -> str | None:
    """pywb's address of ``url`` as captured at ``fetched_at`` (ISO 8601, UTC):
    ``<base><14-digit timestamp>/<url>``; None for a row that was never fetched."""
    if not url or not fetched_at:
        return None
    moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    return f"{base or replay_url()}{moment.strftime('%Y%m%d%H%M%S')}/{url}"


def write_config(work_dir: Path, warc_dir: Path) -> Path:
    """pywb's ``config.yaml`` in ``work_dir`` (with its ``indexes/index.cdxj``): replay only."""
    indexes = work_dir / "indexes"
    indexes.mkdir(parents=True, exist_ok=True)
    write_index(warc_dir, indexes / "index.cdxj")
    config = work_dir / "config.yaml"
    # JSON strings are YAML strings: paths with any character stay one scalar.
    config.write_text(
        "# Written by hdnd-crawler replay at each start; replay only: no live, record or proxy.\n"
        "collections:\n"
        f"  {COLLECTION}:\n"
        f"    index_paths: {_quoted(str(indexes) + '/')}\n"
        f"    archive_paths: {_quoted(str(Path(warc_dir).resolve()) + '/')}\n"
        # The memento URL answers the page itself, not a frame around it.
        "framed_replay: false\n"
        "enable_memento: true\n",
        encoding="utf-8",
    )
    return config


def _quoted(text: str) -> str:
    import json

    return json.dumps(text)


def wayback_command() -> list[str]:
    """pywb's ``wayback`` server: ``HDND_PYWB``, else ``pywb/bin/wayback`` in this venv."""
    found = os.environ.get("HDND_PYWB") or str(Path(sys.prefix) / "pywb" / "bin" / "wayback")
    if not Path(found).exists():
        raise FileNotFoundError(
            f"pywb's wayback not found at {found}: make serve installs it in .venv/pywb"
            " (or set HDND_PYWB to a wayback executable)"
        )
    return [found]


def start(
    work_dir: Path, warc_dir: Path, port: int, host: str = "127.0.0.1", log: int | None = None
) -> subprocess.Popen:
    """pywb serving ``warc_dir`` on ``host:port`` from ``work_dir`` (configured by
    :func:`write_config`), its log to ``log`` (a ``subprocess`` stream); the caller stops it."""
    write_config(work_dir, warc_dir)
    return subprocess.Popen(
        [*wayback_command(), "--port", str(port), "--bind", host],
        cwd=work_dir,
        env={**os.environ, "PYWB_CONFIG_FILE": str(work_dir / "config.yaml")},
        stderr=log,
        text=True,
    )
