"""What the commands share: settings from the command line, archives opened with one clear error."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from hdnd_crawler.archive.store import Archive

# An archive given on the command line to read: it must exist.
ARCHIVE_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


class ArchiveUnusable(click.ClickException):
    """An archive file the command cannot use as it is: one line saying why and what to do."""

    exit_code = 2


class BadOption(click.ClickException):
    """An option's value that cannot be used (a typo, a wrong type): one line, exit status 2."""

    exit_code = 2


def open_archive(db: Path, readonly: bool) -> Archive:
    from hdnd_crawler.archive.schema import ArchiveError
    from hdnd_crawler.archive.store import Archive

    try:
        return Archive(db, readonly=readonly)
    except ArchiveError as exc:
        raise ArchiveUnusable(str(exc)) from exc
    except sqlite3.OperationalError as exc:  # unreadable, locked…
        raise ArchiveUnusable(f"{db}: {exc}") from exc


def setting(value: str) -> tuple[str, str]:
    """``NAME=VALUE`` of a ``--set`` option."""
    name, sep, setting = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="--set")
    return name.strip(), setting
