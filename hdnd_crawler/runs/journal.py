"""The run's own lines (its start, its summary, the search index merge) kept in a quiet log.

A crawl started by cron logs at WARNING: Scrapy's INFO lines and one line per archived article
would fill a mail a day. The few INFO lines that say what a run did still belong in that log,
written by Scrapy's own handler (same file or stream, same format) when its level drops them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.utils.log import get_scrapy_root_handler

# The loggers whose INFO lines make a run's journal.
JOURNAL_LOGGERS = frozenset({"hdnd_crawler.runs.runner", "hdnd_crawler.archive.store"})


class _Journal(logging.Handler):
    """Passes the journal's INFO lines that ``target``'s level drops on to ``target``."""

    def __init__(self, target: logging.Handler) -> None:
        super().__init__(logging.INFO)
        self.target = target

    def emit(self, record: logging.LogRecord) -> None:
        # Lines at the target's level or above reach it directly: never twice.
        if record.name in JOURNAL_LOGGERS and record.levelno < self.target.level:
            self.target.handle(record)


@contextmanager
def journal_kept() -> Iterator[None]:
    """While open, the journal's INFO lines reach Scrapy's log even at a level above INFO."""
    target = get_scrapy_root_handler()
    if target is None or target.level <= logging.INFO:
        yield
        return
    journal = _Journal(target)
    logging.root.addHandler(journal)
    try:
        yield
    finally:
        logging.root.removeHandler(journal)
