"""One robots.txt fetch per site and job, however many workers crawl it.

Scrapy's :class:`RobotsTxtMiddleware` fetches a host's robots.txt the first time a request
to the host passes, once per process. Across workers that is once per worker: more requests
to the site than a single-process crawl makes. Here the first worker to ask claims the fetch
in Redis and stores the body it got (or that it got none: every page is then allowed, as
Scrapy has it); the others wait for that copy and parse it instead of fetching. A claim held
by a worker that died (its heartbeat key gone) is taken over.
"""

from __future__ import annotations

import asyncio

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred

from hdnd_crawler.cluster import jobs
from hdnd_crawler.cluster.jobs import Server, site_key, worker_key
from hdnd_crawler.cluster.queue import ReliableQueue
from hdnd_crawler.crawl.spiders.nukeviet import crawled_by

# The job's robots.txt bodies (host -> pickled body, or None when the fetch failed) and who
# is fetching one (host -> worker); both are job keys, cleared as the site's next job opens.
BODIES = "robots"
FETCHING = "robots:fetching"

# Drop a claim only if it is still the dead worker's: another may have taken it over since.
_DROP_CLAIM = """
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
    return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0
"""


class SharedRobotsTxt(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fetching through the first worker to ask only."""

    POLL = 0.05

    def __init__(self, crawler: Crawler, server: Server):
        super().__init__(crawler)
        self.server = server
        self._drop_claim = server.register_script(_DROP_CLAIM)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRobotsTxt:
        return cls(crawler, redis.Redis.from_url(crawler.settings["REDIS_URL"]))

    def _key(self, name: str) -> str:
        return site_key(crawled_by(self.crawler).site.slug, name)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc in self._parsers:  # fetched, being fetched, or copied by this worker
            return await super().robot_parser(request)
        # Claim it now, before any await, so that this worker's other requests wait for it.
        waiting: Deferred[RobotParser | None] = Deferred()
        self._parsers[netloc] = waiting
        copy = await self._copy(netloc)
        if copy is None:  # ours to fetch: Scrapy's own way, the result stored as it is parsed
            del self._parsers[netloc]
            parser = await super().robot_parser(request)
        else:
            (body,) = copy
            parser = None if body is None else await self._parse_copy(body, request)
            self._parsers[netloc] = parser
            self._stats.inc_value("robotstxt/shared_count")
        waiting.callback(parser)
        return parser

    async def _copy(self, netloc: str) -> tuple[bytes | None] | None:
        """Another worker's result for ``netloc`` once it has one; None once the fetch is ours."""
        bodies, fetching = self._key(BODIES), self._key(FETCHING)
        while True:
            stored = self.server.hget(bodies, netloc)
            if stored is not None:
                return (jobs.load(stored),)
            if self.server.hsetnx(fetching, netloc, ReliableQueue.worker):
                return None
            holder = self.server.hget(fetching, netloc)
            if holder is not None and not self.server.exists(worker_key(holder.decode())):
                self._drop_claim(keys=[fetching], args=[netloc, holder])
                continue
            await asyncio.sleep(self.POLL)

    async def _parse_copy(self, body: bytes, request: Request) -> RobotParser:
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        return parser

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        self.server.hset(self._key(BODIES), netloc, jobs.dump(response.body))
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self.server.hset(self._key(BODIES), netloc, jobs.dump(None))
        super()._robots_error(exc, netloc)
