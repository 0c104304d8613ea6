"""One crawl of a site at a time: an exclusive, non-blocking lock file beside the archive."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path


class LockHeld(RuntimeError):
    """Another process holds the lock."""


def lock_path(archive_db: str | Path, site: str) -> Path:
    """The lock of the crawls of ``site`` into ``archive_db``: one at a time per site, several
    sites at once (SQLite serialises their writes, each article its own transaction)."""
    return Path(f"{archive_db}.{site}.lock")


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold ``path`` locked for the block; :class:`LockHeld` at once if someone else does.

    The kernel drops the lock when its holder dies, SIGKILL included, so a crash never leaves
    the archive locked; the file stays (removing it would race with the next run).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "unknown process"
            raise LockHeld(f"another crawl holds {path} ({holder})") from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()}, since {started}\n".encode())
        yield
    finally:
        os.close(fd)
