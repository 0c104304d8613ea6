"""The records the crawler emits."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

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
    # Where this content was read from: keys of ``archive.CAPTURE_FIELDS``, when recorded.
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
