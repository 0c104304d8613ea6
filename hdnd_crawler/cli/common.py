"""What the commands share: settings from the command line, archives opened with one clear error."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from hdnd_crawler.archive.store import Archive

# An archive given on the command line; open_archive says in one line why one is unusable.
ARCHIVE_FILE = click.Path(path_type=Path)


class ArchiveUnusable(click.ClickException):
    """An archive file the command cannot use as it is: one line saying why and what to do."""

    exit_code = 2


class BadOption(click.ClickException):
    """An option's value that cannot be used (a typo, a wrong type): one line, exit status 2."""

    exit_code = 2


def open_archive(db: Path, readonly: bool) -> Archive:
    """The archive at ``db``, which must exist (readers never create one, nor does migrate);
    :class:`ArchiveUnusable` saying why not."""
    from hdnd_crawler.archive.schema import ArchiveError
    from hdnd_crawler.archive.store import Archive

    if not db.exists():
        raise ArchiveUnusable(f"{db}: no such file (give the archive with --db)")
    if db.is_dir():
        raise ArchiveUnusable(f"{db} is a directory: give the archive file with --db")
    try:
        return Archive(db, readonly=readonly)
    except ArchiveError as exc:
        raise ArchiveUnusable(str(exc)) from exc
    except sqlite3.OperationalError as exc:  # unreadable, locked…
        raise ArchiveUnusable(f"{db}: {exc}") from exc


def check_site(archive: Archive, slug: str | None) -> None:
    """:class:`BadOption` unless ``slug`` is a site the archive's sites table or the registry
    (with the user's sites.toml beside the archive) knows; a typo would match nothing."""
    from hdnd_crawler.sites.registry import SiteConfigError, registry, user_registry

    if slug is None:
        return
    known = set(archive.sites())
    try:
        known |= set(registry(user_registry(archive.path)).sites)
    except SiteConfigError:  # a broken sites.toml is the crawl's concern, not a reader's
        known |= set(registry().sites)
    if slug not in known:
        raise BadOption(f"unknown site {slug!r} (known: {', '.join(sorted(known))})")


def setting(value: str) -> tuple[str, str]:
    """``NAME=VALUE`` of a ``--set`` option."""
    name, sep, setting = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="--set")
    return name.strip(), setting
