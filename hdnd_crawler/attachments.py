"""Files attached to articles: named, typed, stored once by content, and read for their text.

Text is read from PDF (pypdf) and DOCX (python-docx). Other documents (DOC, XLS/XLSX, ODT,
archives) are stored and listed with no text.
"""

from __future__ import annotations

import contextlib
import email.message
import hashlib
import io
import logging
import mimetypes
import os
import re
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import docx
import pypdf

from hdnd_crawler.records import AttachmentFile

logger = logging.getLogger(__name__)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
OCTET_STREAM = "application/octet-stream"
EXTENSIONS = {
    PDF: ".pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
    ODT: ".odt",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "application/zip": ".zip",
}
_SAFE_EXTENSION = re.compile(r"^\.[a-z0-9]{1,8}$")


def files_dir(settings: Any) -> Path:
    """``FILES_DIR``, or a ``files`` directory beside the archive database."""
    return Path(settings.get("FILES_DIR") or Path(settings.get("ARCHIVE_DB")).parent / "files")


def file_name_of(content_disposition: str | None, link_name: str, url: str) -> str:
    """The name the server gives the file (RFC 6266/5987), else the link's, else the URL's."""
    if content_disposition:
        # A raw UTF-8 ``filename="…"`` arrives as Latin-1 text; the original bytes decide.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            content_disposition = content_disposition.encode("latin-1").decode("utf-8")
        message = email.message.Message()
        message["Content-Disposition"] = content_disposition
        name = message.get_filename()
        if name and name.strip():
            return unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name.strip())
    if link_name.strip():
        return link_name.strip()
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "attachment"


def attachment_file(
    about: dict[str, Any],
    body: bytes,
    content_type: str | None,
    content_disposition: str | None,
    capture: dict[str, Any],
) -> AttachmentFile:
    """The download of the link ``about`` (site, article_id, url, name), named and typed."""
    file_name = file_name_of(content_disposition, about.get("name", ""), about["url"])
    return AttachmentFile(
        site=about["site"],
        article_id=about["article_id"],
        url=about["url"],
        file_name=file_name,
        media_type=media_type_of(body, content_type, file_name),
        body=body,
        capture=capture,
    )


def _zip_type(body: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "xl/workbook.xml" in names:
                return XLSX
            if "mimetype" in names:
                return archive.read("mimetype").decode("ascii", "replace").strip() or None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return "application/zip"


def media_type_of(body: bytes, declared: str | None, file_name: str) -> str:
    """What the file is: its first bytes when they tell, else the server's word, else its name."""
    if body.startswith(b"%PDF-"):
        return PDF
    if body.startswith(b"PK\x03\x04"):
        sniffed = _zip_type(body)
        if sniffed:
            return sniffed
    declared = (declared or "").split(";")[0].strip().lower()
    if declared and declared != OCTET_STREAM and not declared.startswith("text/html"):
        return declared
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed or declared or OCTET_STREAM


def _extension(media_type: str, file_name: str) -> str:
    if media_type in EXTENSIONS:
        return EXTENSIONS[media_type]
    suffix = Path(file_name).suffix.lower()
    return suffix if _SAFE_EXTENSION.match(suffix) else ""


def store(body: bytes, directory: Path, media_type: str, file_name: str) -> tuple[str, str]:
    """Keep ``body`` once under ``directory`` by its sha256; (sha256, path relative to it)."""
    digest = hashlib.sha256(body).hexdigest()
    folder = directory / digest[:2]
    existing = next(folder.glob(f"{digest}*"), None) if folder.is_dir() else None
    if existing is not None:
        return digest, existing.relative_to(directory).as_posix()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}{_extension(media_type, file_name)}"
    # Written aside then renamed: a killed crawl never leaves half a file under its address.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, target)
    return digest, target.relative_to(directory).as_posix()


def _pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(body: bytes) -> str:
    document = docx.Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


READERS = {PDF: _pdf_text, DOCX: _docx_text}


def extract_text(body: bytes, media_type: str, url: str = "") -> str | None:
    """The text of a PDF or DOCX file in NFC, None for other types and for unreadable files."""
    reader = READERS.get(media_type)
    if reader is None:
        return None
    try:
        text = reader(body)
    except Exception as exc:  # noqa: BLE001 - third-party parsers of untrusted files raise anything
        logger.warning("No text read from attachment %s (%s): %s", url, media_type, exc)
        return None
    lines = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None


def keep(item: AttachmentFile, directory: Path) -> AttachmentFile:
    """Store the downloaded file and read its text into ``item``."""
    item.sha256, item.path = store(item.body, directory, item.media_type, item.file_name)
    item.bytes = len(item.body)
    item.text = extract_text(item.body, item.media_type, item.url)
    return item
