"""A plan source that is not the archive, for the test of a crawl that has none.

``KNOWN_ARTICLES`` (ids) are told to the spider as archived; as the spider closes, which of the
archive's modules and sqlite-utils were ever loaded in the process is written to
``SQLITE_REPORT``. (The standard library's sqlite3 is loaded by Scrapy's own scheduler: its
disk queues come from queuelib, which offers a SQLite queue.)
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider
from hdnd_crawler.records import Sighting, Sightings


class KnownFromSettings:
    def __init__(self, crawler: Crawler):
        self.settings = crawler.settings
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KnownFromSettings:
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        assert isinstance(spider, NukeVietSpider)
        ids = self.settings.getlist("KNOWN_ARTICLES")
        known = Sightings(Sighting(int(i), f"{spider.site.base_url}/x-{i}.html") for i in ids)
        spider.plan_with(known, datetime.now(UTC))

    def closed(self) -> None:
        archive = ("sqlite_utils", "hdnd_crawler.archive")
        loaded = sorted(name for name in sys.modules if name.startswith(archive))
        Path(self.settings.get("SQLITE_REPORT")).write_text(" ".join(loaded) or "none")
