"""What a page says about itself in machine-readable form: JSON-LD, Open Graph, ``article:*``.

SEO plugins (Yoast, Rank Math) and many portals print these; a stock WordPress theme does not,
so each field falls back to the visible markup in :mod:`.article`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from hdnd_crawler.extract.html import clean_text

ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "ReportageNews"})


@dataclass
class Metadata:
    title: str = ""  # JSON-LD's headline: the title alone (og:title often adds the site name)
    og_title: str = ""
    published: str = ""
    modified: str = ""
    author: str = ""
    description: str = ""
    sections: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    # Other <meta name=…> values (``author``), first of each.
    names: dict[str, str] = field(default_factory=dict)


def _objects(value: Any):
    """Every JSON object in a JSON-LD document, ``@graph`` members included."""
    if isinstance(value, list):
        for item in value:
            yield from _objects(item)
    elif isinstance(value, dict):
        yield value
        yield from _objects(value.get("@graph"))


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    return set(kind) if isinstance(kind, list) else {kind} if isinstance(kind, str) else set()


def _names(value: Any) -> list[str]:
    """Names from a string, a list, a comma-separated string or objects with ``name``."""
    if isinstance(value, str):
        return [clean_text(v) for v in value.split(",") if clean_text(v)]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _json_ld_article(tree: lxml.html.HtmlElement) -> dict:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            document = json.loads(script.text or "")
        except ValueError:
            continue
        for obj in _objects(document):
            if _types(obj) & ARTICLE_TYPES:
                return obj
    return {}


def _meta(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or "").strip().lower()
        content = clean_text(node.get("content"))
        if key and content:
            found.setdefault(key, []).append(content)
    return found


def read_metadata(tree: lxml.html.HtmlElement) -> Metadata:
    """JSON-LD's Article first, then Open Graph and ``article:*`` meta tags."""
    ld = _json_ld_article(tree)
    meta = _meta(tree)

    def first(*keys: str) -> str:
        return next((meta[k][0] for k in keys if k in meta), "")

    authors = _names(ld.get("author"))
    return Metadata(
        title=_text(ld.get("headline")),
        og_title=first("og:title"),
        published=str(ld.get("datePublished") or "") or first("article:published_time"),
        modified=str(ld.get("dateModified") or "") or first("article:modified_time"),
        author=authors[0] if authors else "",
        description=_text(ld.get("description")) or first("og:description", "description"),
        sections=_names(ld.get("articleSection")) or meta.get("article:section", []),
        keywords=_names(ld.get("keywords")) or meta.get("article:tag", []),
        names={"author": first("author")},
    )


def _text(value: Any) -> str:
    return clean_text(value) if isinstance(value, str) else ""
