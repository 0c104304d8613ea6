"""The archive's articles as JSON Lines or CSV, streamed one article at a time, oldest first."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import Any, TextIO

from hdnd_crawler.archive.store import Archive

FORMATS = ("jsonl", "csv")


def _csv_value(value: Any) -> Any:
    # Lists (categories, tags, images, attachments) stay JSON inside their cell.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def export(
    archive: Archive,
    out: TextIO,
    fmt: str,
    site: str | None = None,
    since: str | None = None,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Write every article (of ``site``, published on or after ``since``) to ``out``; the count.

    ``since`` is a date or time in ISO 8601, compared with the publication time as written
    (local time of the site).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    writer: csv.DictWriter | None = None
    count = 0
    for row in archive.iter_articles(site=site, since=since):
        if fmt == "jsonl":
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
        if on_row is not None:
            on_row()
    return count
