"""A crawl worker: takes site jobs from Redis and crawls them with the site's own spider.

The spider is the single-process crawl's (``spider_class(site)``) with the little a shared
crawl needs on top (:class:`SharedCrawl`): the articles met and asked for are sets in Redis,
and the end of the crawl is the job's, not the worker's: a worker with nothing left to do waits
while others still hold requests that may lead to more, and one of them, once, re-checks the
archived articles no worker met (a full run). Everything it makes goes to Redis for the writer:
items (:class:`ResultsPipeline`), WARC records (:class:`WarcToResults`) and the job's counters
(:class:`JobStats`). Workers never open the archive.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import redis
from scrapy import Request
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from warcio.warcwriter import WARCWriter

from hdnd_crawler.cluster import jobs
from hdnd_crawler.cluster.jobs import RESULTS, Job, Server, active_jobs, site_key, worker_key
from hdnd_crawler.cluster.queue import ReliableQueue, ReliableScheduler, reap, taken_key
from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider, crawled_by
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.crawl.warc import WarcFiles, WarcMiddleware
from hdnd_crawler.sites.registry import Site

logger = logging.getLogger(__name__)

HERE = __name__
# What a worker's crawl changes in the project's settings (the rest stays as configured).
WORKER_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "hdnd_crawler.cluster.queue.ReliableScheduler",
    "SCHEDULER_QUEUE_CLASS": "hdnd_crawler.cluster.queue.ReliableQueue",
    "SCHEDULER_QUEUE_KEY": jobs.SCHEDULER_QUEUE_KEY,
    "SCHEDULER_DUPEFILTER_KEY": jobs.SCHEDULER_DUPEFILTER_KEY,
    "DUPEFILTER_CLASS": f"{HERE}.SharedDupeFilter",
    "STATS_CLASS": f"{HERE}.JobStats",
    "ITEM_PIPELINES": {f"{HERE}.ResultsPipeline": 100},
}
# Counters the writer adds to its own (the pipelines') to judge the run, as the crawl's are.
SHARED_STATS = ("downloader/request_count", "retry/count", "robotstxt/request_count")


def worker_settings(redis_url: str, overrides: dict[str, str] | None = None) -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "hdnd_crawler.crawl.settings")
    settings = get_project_settings()
    settings.setdict(dict(overrides or {}), priority="cmdline")
    settings.setdict({**WORKER_SETTINGS, "REDIS_URL": redis_url}, priority="cmdline")
    settings.set("PLAN_SOURCE", "hdnd_crawler.cluster.plan_source.PlanFromRedis", "cmdline")
    downloader = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader["hdnd_crawler.crawl.warc.WarcMiddleware"] = None
    downloader["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"] = None
    downloader["hdnd_crawler.cluster.robots.SharedRobotsTxt"] = 100  # where Scrapy's sits
    downloader[f"{HERE}.WarcToResults"] = 950
    downloader["hdnd_crawler.cluster.lease.SiteLeaseMiddleware"] = 940
    downloader[f"{HERE}.SettleFailures"] = 1
    settings.set("DOWNLOADER_MIDDLEWARES", downloader, priority="cmdline")
    spider_mw = dict(settings.getdict("SPIDER_MIDDLEWARES"))
    spider_mw[f"{HERE}.SettleResponses"] = 1
    settings.set("SPIDER_MIDDLEWARES", spider_mw, priority="cmdline")
    return settings


def _server(crawler: Crawler) -> Server:
    return redis.Redis.from_url(crawler.settings["REDIS_URL"])


def _push(server: Server, *message: Any) -> None:
    server.lpush(RESULTS, jobs.dump(message))


class RedisIds:
    """A set of article ids in Redis, as much of a set as the spider uses."""

    def __init__(self, server: Server, key: str):
        self.server = server
        self.key = key

    def add(self, article_id: int) -> None:
        self.server.sadd(self.key, article_id)

    def __contains__(self, article_id: object) -> bool:
        return bool(self.server.sismember(self.key, str(article_id)))

    def ids(self) -> set[int]:
        return {int(member) for member in self.server.smembers(self.key)}

    def __or__(self, other: RedisIds | set[int]) -> set[int]:
        return self.ids() | (other.ids() if isinstance(other, RedisIds) else set(other))


class SharedCrawl(NukeVietSpider):
    """What a site spider needs to share one crawl with other workers (mixed in first)."""

    job: Job
    worker: str
    server: Server

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SharedCrawl:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, SharedCrawl)
        spider.server = _server(crawler)
        slug = spider.site.slug
        spider.met = RedisIds(spider.server, site_key(slug, "met"))  # type: ignore[assignment]
        spider.fetching = RedisIds(spider.server, site_key(slug, "fetching"))  # type: ignore[assignment]
        spider.server.sadd(site_key(slug, "crawling"), spider.worker)
        return spider

    def _key(self, name: str) -> str:
        return site_key(self.site.slug, name)

    def _busy(self) -> bool:
        """Whether any worker still has or holds requests of this job."""
        slug = self.site.slug
        reap(self.server, slug)
        if self.server.llen(self._key("requests")):
            return True
        return any(
            self.server.llen(taken_key(slug, member.decode()))
            for member in self.server.smembers(self._key("takers"))
        )

    def on_idle(self) -> None:
        # Idle here: whatever this worker took is done, answered or given up.
        self.server.delete(taken_key(self.site.slug, self.worker))
        if self.server.exists(self._key("done")):
            return
        if self._busy():
            raise DontCloseSpider
        if self.mode == "full":
            state = self.server.get(self._key("recheck"))
            if state is None and self.server.set(self._key("recheck"), "queuing", nx=True):
                try:
                    super().on_idle()  # raises DontCloseSpider once it queued re-checks
                finally:
                    self.server.set(self._key("recheck"), "queued")
            elif state != b"queued":
                raise DontCloseSpider
        if self.server.set(self._key("done"), "1", nx=True):
            logger.info("%s: the job is done", self.site.slug)
            _push(self.server, "done", self.site.slug, self.job.run_id, None)


def shared_spider(site: Site) -> type[SharedCrawl]:
    base = spider_class(site)
    return type(base.__name__, (SharedCrawl, base), {"__module__": __name__})


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter (one per site, in Redis), following every redirect as
    the single-process crawl's does (:mod:`hdnd_crawler.crawl.dupefilter`)."""

    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_times"):
            return False
        return super().request_seen(request)


class JobStats(MemoryStatsCollector):
    """The crawl's own counters (``hdnd/…``) are the job's, in Redis: a spider asking after
    them (listing pages seen, empty categories) learns what every worker saw. The request
    counts go there as the worker's crawl closes."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.crawler = crawler
        self.server = _server(crawler)

    def _hash(self) -> str | None:
        spider = self.crawler.spider
        return site_key(spider.site.slug, "stats") if isinstance(spider, SharedCrawl) else None

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        shared = self._hash()
        if shared and key.startswith("hdnd/"):
            self.server.hincrby(shared, key, count)
        else:
            super().inc_value(key, count, start)

    def get_value(self, key: str, default: Any = None, spider: Any = None) -> Any:
        shared = self._hash()
        if shared and key.startswith("hdnd/"):
            value = self.server.hget(shared, key)
            return int(value) if value is not None else default
        return super().get_value(key, default)

    def close_spider(self, spider: Any = None, reason: str | None = None) -> None:
        shared = self._hash()
        if shared:
            assert isinstance(spider := self.crawler.spider, SharedCrawl)
            with self.server.pipeline() as pipe:
                for key in SHARED_STATS:
                    if value := super().get_value(key):
                        pipe.hincrby(shared, key, value)
                pipe.srem(site_key(spider.site.slug, "crawling"), spider.worker)
                pipe.execute()
        super().close_spider(spider, reason)


class ResultsPipeline:
    """The worker's only pipeline: every item to the writer, as made."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.server = _server(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResultsPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider = crawled_by(self.crawler)
        assert isinstance(spider, SharedCrawl)
        _push(self.server, "item", spider.site.slug, spider.job.run_id, item)
        return item


class RecordBuffer(WarcFiles):
    """WARC records written to memory, each exchange handed on as gzip members."""

    def __init__(self, info: dict[str, str], hand_on: Callable[[bytes, str | None], None]):
        super().__init__(Path(), 0, info)
        self.hand_on = hand_on
        self.buffer = io.BytesIO()

    def _open(self) -> WARCWriter:
        if self.writer is None:
            self.buffer = io.BytesIO()
            self.writer = WARCWriter(self.buffer, gzip=True)
        return self.writer

    def write_exchange(self, request: Request, response: Response) -> dict:
        capture = super().write_exchange(request, response)
        self._hand_on(capture["warc_record_id"])
        return capture

    def write_failure(self, request: Request, reason: str) -> None:
        super().write_failure(request, reason)
        self._hand_on(None)

    def _rotate_if_full(self) -> None:
        pass  # the writer's files rotate, not these buffers

    def _hand_on(self, record_id: str | None) -> None:
        data = self.buffer.getvalue()
        self.writer = None
        self.hand_on(data, record_id)


class WarcToResults(WarcMiddleware):
    """The WARC middleware, writing to the writer through Redis instead of to files: the
    capture pointer's ``warc_file`` is left for the writer to fill in as it appends them."""

    def _files(self) -> WarcFiles:
        if self.files is None:
            spider = crawled_by(self.crawler)
            assert isinstance(spider, SharedCrawl)
            server = _server(self.crawler)
            info = self.info()
            slug, run_id = spider.site.slug, spider.job.run_id

            def hand_on(data: bytes, record_id: str | None) -> None:
                key = record_id or uuid.uuid4().urn
                _push(server, "warc", slug, run_id, (key, data, info))

            self.files = RecordBuffer(info, hand_on)
        return self.files


def _settle(crawler: Crawler, request: Request) -> None:
    scheduler = crawler.engine._slot.scheduler if crawler.engine._slot else None  # noqa: SLF001
    if isinstance(scheduler, ReliableScheduler):
        scheduler.done(request)


class SettleResponses:
    """Spider middleware, outermost: a request is done once what its response made is queued
    and handed on."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SettleResponses:
        return cls(crawler)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        if response.request is not None:
            _settle(self.crawler, response.request)

    def process_spider_exception(self, response: Response, exception: Exception) -> None:
        if response.request is not None:
            _settle(self.crawler, response.request)


class SettleFailures:
    """Downloader middleware, outermost: a request that failed for good is done."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SettleFailures:
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        _settle(self.crawler, request)


class Worker:
    """One worker process: its id, its heartbeat, its loop over jobs."""

    def __init__(self, redis_url: str, settings: Settings, idle_exit: float | None):
        self.server = redis.Redis.from_url(redis_url)
        self.settings = settings
        self.idle_exit = idle_exit
        self.id = f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.heartbeat = settings.getfloat("CLUSTER_HEARTBEAT_SECONDS")
        self.crawled: list[str] = []

    def beat(self) -> None:
        self.server.set(worker_key(self.id), "1", px=int(self.heartbeat * 3000))

    async def beating(self) -> None:
        while True:
            self.beat()
            for slug in active_jobs(self.server):
                reap(self.server, slug)
            await asyncio.sleep(self.heartbeat)

    def choose(self) -> Job | None:
        """The open job with the fewest workers on it."""
        open_jobs = [
            job
            for slug, job in active_jobs(self.server).items()
            if not self.server.exists(site_key(slug, "done"))
        ]
        if not open_jobs:
            return None
        return min(
            open_jobs, key=lambda job: self.server.scard(site_key(job.site.slug, "crawling"))
        )

    async def loop(self, process: AsyncCrawlerProcess) -> None:
        beating = asyncio.ensure_future(self.beating())
        idle_since = time.monotonic()
        try:
            while True:
                job = self.choose()
                if job is None:
                    if (
                        self.idle_exit is not None
                        and time.monotonic() - idle_since > self.idle_exit
                    ):
                        return
                    await asyncio.sleep(min(0.5, self.heartbeat))
                    continue
                await self.crawl(process, job)
                idle_since = time.monotonic()
        finally:
            beating.cancel()
            self.server.delete(worker_key(self.id))

    async def crawl(self, process: AsyncCrawlerProcess, job: Job) -> None:
        logger.info("Worker %s joins %s run #%s", self.id, job.site.slug, job.run_id)
        spider = type(
            shared_spider(job.site).__name__,
            (shared_spider(job.site),),
            {"job": job, "worker": self.id, "__module__": __name__},
        )
        crawler = process.create_crawler(spider)
        crawler.settings.set("CLUSTER_PLANNED_AT", job.planned_at, priority="cmdline")
        await process.crawl(crawler, site=job.site, mode=job.mode, resume_from=job.resume_from)
        self.crawled.append(job.site.slug)


def work(redis_url: str, settings: Settings, idle_exit: float | None = None) -> list[str]:
    """Run a worker until it has been without a job for ``idle_exit`` seconds (None: forever);
    the slugs of the jobs it took part in."""
    worker = Worker(redis_url, settings, idle_exit)
    worker.beat()
    ReliableQueue.worker = worker.id
    # A worker waiting for the others looks for new requests at this pace, not every 5 s.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = min(0.5, worker.heartbeat)  # noqa: SLF001
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    def main() -> None:
        done = Deferred.fromFuture(asyncio.ensure_future(worker.loop(process)))
        done.addErrback(lambda failure: logger.error("Worker failed: %s", failure.value))
        done.addBoth(lambda _: reactor.stop())  # type: ignore[misc,call-overload]

    reactor.callWhenRunning(main)
    process.start(stop_after_crawl=False)
    return worker.crawled
