"""A live one-line count on a terminal; under cron the crawl logs plain lines instead."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from twisted.internet import task


def progress_line(stats: Mapping[str, Any]) -> str:
    errors = sum(v for k, v in stats.items() if k.startswith("hdnd/errors/"))
    return (
        f"{stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('hdnd/articles/new', 0)} new, "
        f"{stats.get('hdnd/articles/updated', 0)} updated, "
        f"{stats.get('hdnd/articles/unchanged', 0)} unchanged, "
        f"{stats.get('retry/count', 0)} retries, {errors} errors"
    )


class ProgressLine:
    """Scrapy extension: redraws :func:`progress_line` on stderr twice a second."""

    def __init__(self, crawler: Crawler, stream: TextIO = sys.stderr, interval: float = 0.5):
        self.crawler = crawler
        self.stream = stream
        self.interval = interval
        self.loop = task.LoopingCall(self.draw)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressLine:
        return cls(crawler)

    def draw(self) -> None:
        self.stream.write(f"\r\x1b[K{progress_line(self.crawler.stats.get_stats())}")
        self.stream.flush()

    def opened(self) -> None:
        self.loop.start(self.interval)

    def closed(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.draw()
        self.stream.write("\n")
        self.stream.flush()
