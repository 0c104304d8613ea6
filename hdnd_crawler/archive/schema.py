"""The archive's schema version: read, checked by readers, brought up to date by writers.

The schema itself is the sum of :mod:`hdnd_crawler.archive.migrations`; this module applies
them and says, in one line naming what to do, why a file cannot be used as it is.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.readings import aliases_fingerprint

LATEST = len(MIGRATIONS)
# The list of abbreviations the search index was built with (migration 9's table).
ALIASES_BUILT_SQL = "select value from search_index where name = 'aliases'"

# Created with the first migration, as sqlite-utils wrote it then.
SCHEMA_MIGRATIONS_TABLE = (
    'CREATE TABLE "schema_migrations" (\n'
    '   "version" INTEGER PRIMARY KEY,\n'
    '   "name" TEXT,\n'
    '   "applied_at" TEXT\n'
    ")"
)


class ArchiveError(Exception):
    """An archive file this hdnd-crawler cannot use as asked; the message says what to do."""


class NotAnArchive(ArchiveError):
    """A file that is no hdnd-crawler archive: another SQLite database, or not SQLite at all."""


NOT_AN_ARCHIVE = (
    "{path} is not an hdnd-crawler archive (it has no schema_migrations and articles tables)"
)


def schema_version(conn: sqlite3.Connection) -> int | None:
    """The schema version of the database open on ``conn``: 0 when it holds no table at all,
    None when it is some other database. Raises ``sqlite3.DatabaseError`` for a file that is
    not SQLite."""
    found = conn.execute("select name from sqlite_master where type = 'table'").fetchall()
    tables = {name for (name,) in found}
    if not tables:
        return 0
    if another_database(tables):
        return None
    (version,) = conn.execute("select max(version) from schema_migrations").fetchone()
    return version if isinstance(version, int) else None


def another_database(tables: set[str]) -> bool:
    """Whether a database with these tables is some other database: neither empty nor an
    archive."""
    return bool(tables) and not {"schema_migrations", "articles"} <= tables


def _known_version(conn: sqlite3.Connection, path: str | Path) -> int:
    """The schema version of the file at ``path``, if this code knows it (0: empty)."""
    try:
        version = schema_version(conn)
    except sqlite3.OperationalError:
        raise  # locked, unreadable…: SQLite's own message says it
    except sqlite3.DatabaseError as exc:
        raise NotAnArchive(f"{path} is not an SQLite database ({exc})") from exc
    if version is None:
        raise NotAnArchive(NOT_AN_ARCHIVE.format(path=path))
    if version > LATEST:
        raise ArchiveError(
            f"{path} is at schema version {version}, written by a newer hdnd-crawler (this one"
            f" knows versions up to {LATEST}): upgrade hdnd-crawler to use it"
        )
    return version


def check_version(conn: sqlite3.Connection, path: str | Path) -> int:
    """:data:`LATEST`, the schema this code reads, if the file at ``path`` (open on ``conn``) is
    an archive at that version; :class:`ArchiveError` otherwise. Checking writes nothing."""
    version = _known_version(conn, path)
    if version == 0:
        raise NotAnArchive(f"{path} is not an hdnd-crawler archive (it is empty)")
    if version < LATEST:
        raise ArchiveError(
            f"{path} is at schema version {version}, this hdnd-crawler needs {LATEST}:"
            f" run 'hdnd-crawler migrate --db {path}' (or any crawl) to upgrade it"
        )
    built = conn.execute(ALIASES_BUILT_SQL).fetchone()
    if built is None or built[0] != aliases_fingerprint():
        raise ArchiveError(
            f"{path}: its search index was built with another list of abbreviations than this"
            f" hdnd-crawler's: run 'hdnd-crawler migrate --db {path}' (or any crawl) to build it"
            " again"
        )
    return version


def migrate(conn: sqlite3.Connection, path: str | Path) -> tuple[int, int]:
    """Apply the migrations the archive at ``path`` (open on ``conn``) lacks; an empty database
    becomes an archive. Returns the version found and the version now.

    Each migration is one transaction that takes the write lock first: a killed upgrade leaves
    the archive at the version before it, and two processes never apply the same one.
    Raises :class:`ArchiveError` for another database or a newer archive, before any write.
    """
    version = found = _known_version(conn, path)
    for number, migration in enumerate(MIGRATIONS[found:], start=found + 1):
        conn.execute("begin immediate")
        with conn:
            # Another process may have applied it since the version was read.
            if _known_version(conn, path) < number:
                _apply(conn, number, migration)
        version = number
    return found, version


def _apply(conn: sqlite3.Connection, number: int, migration: ModuleType) -> None:
    if number == 1:
        conn.execute(SCHEMA_MIGRATIONS_TABLE)
    for statement in migration.STATEMENTS:
        conn.execute(statement)
    if hasattr(migration, "transform"):
        migration.transform(conn)
    conn.execute(
        "insert into schema_migrations (version, name, applied_at) values (?, ?, ?)",
        [number, migration.NAME, datetime.now(UTC).isoformat(timespec="seconds")],
    )
