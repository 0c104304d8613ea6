"""The archive as one WACZ file (Web Archive Collection Zipped 1.1.1), which ReplayWeb.page opens.

A ZIP holding the crawls' WARC files as they are (``archive/``), their CDXJ index
(``indexes/index.cdx``), the archived articles as the collection's pages (``pages/pages.jsonl``:
each article's URL, capture time and title) and ``datapackage.json``, which names every file with
its size and sha256, itself hashed in ``datapackage-digest.json``.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hdnd_crawler import __version__
from hdnd_crawler.archive.store import Archive

WACZ_VERSION = "1.1.1"


def write_index(warc_dir: Path, out: Path) -> int:
    """A sorted CDXJ index of every ``*.warc.gz`` in ``warc_dir``, naming each file by its name
    within the directory; returns how many files were indexed."""
    from cdxj_indexer.main import CDXJIndexer  # only the replay launcher and this export index

    files = sorted(str(p) for p in Path(warc_dir).glob("*.warc.gz"))
    with open(out, "w", encoding="utf-8") as stream:
        if files:
            CDXJIndexer(stream, files, sort=True, dir_root=str(warc_dir)).process_all()
    return len(files)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _resource(name: str, path: Path) -> dict[str, Any]:
    return {
        "name": Path(name).name,
        "path": name,
        "hash": f"sha256:{_sha256(path)}",
        "bytes": path.stat().st_size,
    }


def _pages(archive: Archive, site: str | None) -> list[dict[str, Any]]:
    header: dict[str, Any] = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
    pages = [header]
    for row in archive.iter_articles(site=site):
        if row.get("fetched_at"):
            pages.append(
                {
                    "id": f"{row['site']}-{row['article_id']}",
                    "url": row["url"],
                    "ts": row["fetched_at"],
                    "title": row["title"],
                }
            )
    return pages


def write_wacz(archive: Archive, warc_dir: Path, out: Path, site: str | None = None) -> int:
    """Write the WACZ of ``archive`` and the WARC files in ``warc_dir`` to ``out``; the number of
    pages (archived articles with a capture, of ``site`` or of every site)."""
    warcs = sorted(Path(warc_dir).glob("*.warc.gz"))
    pages = _pages(archive, site)
    with tempfile.TemporaryDirectory(prefix="hdnd-wacz-") as work:
        files: dict[str, Path] = {f"archive/{warc.name}": warc for warc in warcs}
        index = Path(work) / "index.cdx"
        write_index(Path(warc_dir), index)
        files["indexes/index.cdx"] = index
        listed = Path(work) / "pages.jsonl"
        listed.write_text(
            "".join(json.dumps(page, ensure_ascii=False) + "\n" for page in pages), "utf-8"
        )
        files["pages/pages.jsonl"] = listed
        package = {
            "profile": "data-package",
            "wacz_version": WACZ_VERSION,
            "title": f"hdnd-crawler archive{f' of {site}' if site else ''}",
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "software": f"hdnd-crawler {__version__}",
            "resources": [_resource(name, path) for name, path in files.items()],
        }
        described = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        digest = {
            "path": "datapackage.json",
            "hash": f"sha256:{hashlib.sha256(described).hexdigest()}",
        }
        with zipfile.ZipFile(out, "w") as wacz:
            for name, path in files.items():
                # WARC files are gzipped already; replay reads them from the ZIP at offsets.
                stored = zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
                wacz.write(path, name, compress_type=stored)
            wacz.writestr("datapackage.json", described)
            wacz.writestr("datapackage-digest.json", json.dumps(digest))
    return len(pages) - 1
