"""A worker's plan source: what the archive holds of a site, as the writer published it in Redis.

The writer publishes a site's sightings (every archived article) and stored attachments as it
opens the site's job; the extension reads them back as the spider opens and plans with them at
the clock the writer set for the job, so every worker of the job plans alike. It stands in for
:class:`hdnd_crawler.runs.planning.PlanFromArchive` (the ``PLAN_SOURCE`` seam).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from hdnd_crawler.cluster.jobs import Server, site_key
from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider
from hdnd_crawler.records import Sighting, Sightings


def publish(
    server: Server, slug: str, sightings: Iterable[Sighting], files: Iterable[tuple[int, str]]
) -> int:
    """Replace what Redis knows of ``slug``'s archive; how many articles were published."""
    known, stored = site_key(slug, "known"), site_key(slug, "files")
    count = 0
    with server.pipeline() as pipe:
        pipe.delete(known, stored)
        for seen in sightings:
            pipe.hset(known, str(seen.article_id), json.dumps(list(seen)))
            count += 1
        for article_id, url in files:
            pipe.sadd(stored, json.dumps([article_id, url]))
        pipe.execute()
    return count


def published(server: Server, slug: str) -> Sightings:
    """What the writer published of ``slug``, held in memory as a full run holds it."""
    rows = server.hvals(site_key(slug, "known"))
    files = server.smembers(site_key(slug, "files"))
    return Sightings(
        (Sighting(*json.loads(row)) for row in rows),
        (tuple(json.loads(member)) for member in files),
    )


class PlanFromRedis:
    """Fills ``spider.plan`` from Redis (``REDIS_URL``) at the job's clock
    (``CLUSTER_PLANNED_AT``)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlanFromRedis:
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        if not isinstance(spider, NukeVietSpider):
            return
        settings = self.crawler.settings
        server = redis.Redis.from_url(settings["REDIS_URL"])
        planned = settings.get("CLUSTER_PLANNED_AT")
        now = datetime.fromisoformat(planned) if planned else datetime.now(UTC)
        spider.plan_with(published(server, spider.site.slug), now)
