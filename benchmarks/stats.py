"""A Scrapy extension that writes the crawl's stats to ``BENCH_STATS_FILE`` as JSON at close.

Benchmark crawls run with ``LOG_LEVEL=WARNING``, where Scrapy's own stats dump is not logged.
"""

from __future__ import annotations

import json
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class StatsFile:
    def __init__(self, crawler: Crawler, path: Path):
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("BENCH_STATS_FILE")
        if not path:
            raise NotConfigured("BENCH_STATS_FILE is not set")
        extension = cls(crawler, Path(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        self.path.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True), "utf-8")
