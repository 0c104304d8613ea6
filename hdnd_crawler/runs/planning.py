"""The single-process crawl's plan source: what the archive file knows, handed to the spider.

A component the ``PLAN_SOURCE`` setting names, which the spider builds: as the spider opens,
it reads the site's sightings from the archive and sets ``spider.plan``. The spider itself never
opens the archive, so a crawl elsewhere (a worker with no archive) names another source and runs
the same spider.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider
from hdnd_crawler.records import Known

logger = logging.getLogger(__name__)


class PlanFromArchive:
    """Fills ``spider.plan`` from the archive named by ``ARCHIVE_DB``.

    A full run meets every archived article, so their sightings are read at once and the file
    closed; an incremental run asks after a few, read as asked from the archive kept open
    until the spider closes.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.archive: Archive | None = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlanFromArchive:
        return cls(crawler)

    def _known(self, slug: str, mode: str) -> Known:
        archive = Archive(self.crawler.settings.get("ARCHIVE_DB"))
        if mode == "incremental":
            self.archive = archive
            return archive.sightings_on_demand(slug)
        try:
            return archive.sightings(slug)
        finally:
            archive.close()

    def opened(self, spider: Spider) -> None:
        if isinstance(spider, NukeVietSpider):
            spider.plan_with(self._known(spider.site.slug, spider.mode), datetime.now(UTC))

    def closed(self) -> None:
        if self.archive is not None:
            self.archive.close()
            self.archive = None
