"""The user's registry file, edited with tomlkit so that a person's comments and layout stay.

Every change is written to a temporary file beside the registry, loaded as the crawler would
load it, and only then moved over the registry: a change never leaves an unreadable file.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from hdnd_crawler.sites.probe.finding import Finding
from hdnd_crawler.sites.registry import SiteConfigError, registry

# How a confidence reads in words, from the probe's 0–1.
SURENESS = ((0.9, "sure"), (0.6, "fairly sure"), (0.0, "unsure"))
HEADER = (
    "Sites added with `hdnd-crawler sites add`, layered over the built-in registry (see\n"
    "hdnd_crawler/sites/sites.toml for every key and its default). Edit freely: comments stay.\n"
)


def _document(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        document = tomlkit.document()
        for line in HEADER.splitlines():
            document.add(tomlkit.comment(line))
        return document
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise SiteConfigError(f"cannot read site registry {path}: {exc}") from exc


def _add(table: Table, key: str, value: Any, note: str | None) -> None:
    """``key = value``, under a comment line saying how the probe learned it."""
    if note:
        table.add(tomlkit.comment(note))
    table.add(key, value)


def _table(slug: str, finding: Finding, when: date) -> Table:
    table = tomlkit.table()
    sureness = next(word for floor, word in SURENESS if finding.confidence >= floor)
    table.add(tomlkit.comment(f"Added by `hdnd-crawler sites add` on {when.isoformat()};"))
    table.add(
        tomlkit.comment(
            f"the probe's confidence {finding.confidence:.2f} ({sureness}). Check it with"
            f" `hdnd-crawler sites check {slug}`."
        )
    )
    for warning in finding.warnings:
        table.add(tomlkit.comment(f"To check: {warning}"))
    for key, value in finding.entry.items():
        if isinstance(value, dict):
            sub = tomlkit.table()
            sub.add(tomlkit.comment(f"Only what differs from the built-in [{finding.cms}.{key}]."))
            for name, inner in value.items():
                _add(sub, name, inner, finding.notes.get(f"{key}.{name}"))
            table.add(key, sub)
        else:
            _add(table, key, value, finding.notes.get(key))
    return table


def _write(path: Path, document: tomlkit.TOMLDocument) -> None:
    """Write ``document`` to ``path`` once the registry with it loads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".sites-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(tomlkit.dumps(document))
        registry(Path(temporary))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def add_site(path: Path, slug: str, finding: Finding, when: date) -> None:
    """Add the site ``slug`` as ``finding`` describes it; :class:`SiteConfigError` when the
    slug is taken or the result would not load."""
    if slug in registry(path).sites:
        raise SiteConfigError(f"site {slug!r} is already registered; pick another --slug")
    document = _document(path)
    sites = document.get("sites")
    if sites is None:
        sites = tomlkit.table(is_super_table=True)
        document.add("sites", sites)
    sites.add(slug, _table(slug, finding, when))
    _write(path, document)


def remove_site(path: Path, slug: str) -> None:
    """Remove the user's site ``slug`` (comments inside its block go with it)."""
    document = _document(path)
    sites = document.get("sites")
    if sites is None or slug not in sites:
        raise SiteConfigError(f"site {slug!r} is not in {path}")
    del sites[slug]
    if document.get("default") == slug:
        del document["default"]
    _write(path, document)
