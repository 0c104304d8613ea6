"""What crawling and the archive hand each other: the records a crawl emits, and what a crawl
knows of the archive (its sightings).

Both sides import this module, so it imports nothing but the standard library.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

# What "the article changed" means: what its editors wrote, never counters, clocks or tokens.
CONTENT_FIELDS = (
    "title",
    "published_at",
    "author",
    "source",
    "summary",
    "body_text",
    "images",
    "attachments",
    "tags",
)


@dataclass
class Article:
    """One article as archived; ``images``/``attachments`` are lists of dicts, times ISO 8601."""

    site: str
    article_id: int
    url: str
    title: str = ""
    published_at: str | None = None
    updated_at: str | None = None
    main_category: str = ""
    categories: list[str] = field(default_factory=list)
    author: str = ""
    source: str = ""
    summary: str = ""
    body_text: str = ""
    body_html: str = ""
    images: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    # Which extraction method produced the fields: the extractor's name (its kind of CMS).
    extracted_by: str = ""
    # Where this content was read from: keys of ``archive.store.CAPTURE_FIELDS``, when recorded.
    capture: dict[str, Any] = field(default_factory=dict)


@dataclass
class CategoryMembership:
    """A category's listing links to an article: the only evidence of secondary categories."""

    site: str
    article_id: int
    category: str


def content_hash(record: dict) -> str:
    """sha256 over the content fields of an article record (dict or dataclass fields)."""
    content = {name: record.get(name) for name in CONTENT_FIELDS}
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class Withdrawal:
    """A re-check found an archived article gone: ``status`` is 404, 410 or a redirect away."""

    site: str
    article_id: int
    status: int


@dataclass
class AttachmentFile:
    """A file downloaded from an article's attachment link, and what became of it."""

    site: str
    article_id: int
    url: str  # the canonical link, as the article names it
    file_name: str
    media_type: str
    body: bytes = field(repr=False)
    capture: dict[str, Any] = field(default_factory=dict)
    # Set when stored: content address, size, path under FILES_DIR, text read from it.
    sha256: str = ""
    bytes: int = 0
    path: str = ""
    text: str | None = None


@dataclass
class ImageCapture:
    """An article's image as fetched: where its response lies in the WARC files.

    The bytes stay in the WARC file; the archive keeps the pointer, so that its readers show
    the image from the capture and never from the site.
    """

    site: str
    article_id: int
    url: str  # the canonical URL, as the article names it
    content_type: str
    capture: dict[str, Any] = field(default_factory=dict)


class Sighting(NamedTuple):
    """An archived article as a crawl plans with it (times are ISO 8601 with an offset).

    A tuple: a full crawl of a 50,000-article archive makes one for each before its first
    request.
    """

    article_id: int
    url: str
    published_at: str | None = None
    last_seen_at: str | None = None
    gone_at: str | None = None


class Known(Protocol):
    """What a crawl knows of a site's archived articles and attachments, wherever it is kept:
    the archive file in a single-process crawl, elsewhere for a worker that has none."""

    def get(self, article_id: int) -> Sighting | None: ...

    def all(self) -> Iterable[Sighting]: ...

    def published_since(self, when: datetime) -> Iterable[Sighting]:
        """Those published at ``when`` or later, and maybe others: callers check each."""
        ...

    def has_attachment(self, article_id: int, url: str) -> bool: ...

    def __len__(self) -> int: ...


class Sightings:
    """A site's archived articles held in memory: a full run meets every one of them."""

    def __init__(
        self, sightings: Iterable[Sighting] = (), attachments: Iterable[tuple[int, str]] = ()
    ) -> None:
        self._by_id = {seen.article_id: seen for seen in sightings}
        self._attachments = set(attachments)

    def get(self, article_id: int) -> Sighting | None:
        return self._by_id.get(article_id)

    def all(self) -> Iterable[Sighting]:
        return self._by_id.values()

    def published_since(self, when: datetime) -> Iterable[Sighting]:
        return self.all()

    def has_attachment(self, article_id: int, url: str) -> bool:
        return (article_id, url) in self._attachments

    def __len__(self) -> int:
        return len(self._by_id)
