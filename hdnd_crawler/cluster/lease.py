"""Politeness across workers: at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests in flight to
a site, however many workers crawl it.

Each request holds a lease in the site's sorted set in Redis (member: the request, score: when
the lease lapses) from just before it is sent until its response or failure comes back. A
worker that dies holding leases lets them lapse after ``CLUSTER_LEASE_SECONDS``; the others
wait for a free lease, polling. A dead worker's leases are dropped sooner, by the reaper
that gives back its requests (:func:`hdnd_crawler.cluster.queue.reap`).
"""

from __future__ import annotations

import asyncio
import time
import uuid

import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from hdnd_crawler.cluster.jobs import Server, site_key
from hdnd_crawler.cluster.queue import ReliableQueue
from hdnd_crawler.crawl.spiders.nukeviet import crawled_by

# Drop lapsed leases, then take one if fewer than the limit are held: atomic in Redis.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
    return 1
end
return 0
"""

LEASE = "cluster_lease"  # the request's lease, in its meta while it is in flight


class SiteLeases:
    """The leases of one site in Redis."""

    def __init__(self, server: Server, slug: str, limit: int, seconds: float):
        self.key = site_key(slug, "lease")
        self.limit = limit
        self.seconds = seconds
        self._acquire = server.register_script(_ACQUIRE)
        self.server = server

    def try_acquire(self, token: str) -> bool:
        now = time.time()
        args = [now, self.limit, now + self.seconds, token]
        return bool(self._acquire(keys=[self.key], args=args))

    def release(self, token: str) -> None:
        self.server.zrem(self.key, token)


class SiteLeaseMiddleware:
    """Downloader middleware, just before the WARC one: nearest the network but for it."""

    POLL = 0.05

    def __init__(self, crawler: Crawler, server: Server):
        self.crawler = crawler
        self.server = server
        self.leases: SiteLeases | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteLeaseMiddleware:
        return cls(crawler, redis.Redis.from_url(crawler.settings["REDIS_URL"]))

    def _leases(self) -> SiteLeases:
        if self.leases is None:
            settings = self.crawler.settings
            self.leases = SiteLeases(
                self.server,
                crawled_by(self.crawler).site.slug,
                settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
                settings.getfloat("CLUSTER_LEASE_SECONDS"),
            )
        return self.leases

    async def process_request(self, request: Request) -> None:
        token = f"{ReliableQueue.worker}|{uuid.uuid4().hex}"  # the reaper knows whose
        leases = self._leases()
        while not leases.try_acquire(token):
            await asyncio.sleep(self.POLL)
        request.meta[LEASE] = token

    def _release(self, request: Request) -> None:
        token = request.meta.pop(LEASE, None)
        if token is not None:
            self._leases().release(token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)
