"""Reliable Redis lists: what a process takes is moved, not popped, until it is done with it.

A worker takes a request from a site's queue into its own list of taken requests
(``LMOVE``); the request leaves that list once its response has been handled, or when a
retry or redirect made from it is queued in its place. A worker that dies leaves its list
behind with its heartbeat key expiring: any process reaps it, moving the requests back to the
front of the queue, and another worker carries on. The writer takes results the same way.

The scheduler and the queue are scrapy-redis's, subclassed: its queue pops (a request taken by
a worker that then dies would be lost), and it clears the shared queue when a worker closes
unless told to persist.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy_redis.queue import FifoQueue
from scrapy_redis.scheduler import Scheduler

from hdnd_crawler.cluster.jobs import Server, site_key, worker_key

logger = logging.getLogger(__name__)

# Where a taken request's entry rides in its meta, for the copies made of it (retries,
# redirects) to settle it; never stored in the queue itself.
TAKEN = "cluster_taken"


def taken_key(slug: str, worker: str) -> str:
    return site_key(slug, f"taken:{worker}")


def takers_key(slug: str) -> str:
    return site_key(slug, "takers")


class ReliableQueue(FifoQueue):
    """scrapy-redis's FIFO queue, taking into the worker's own list instead of popping."""

    worker = ""  # set by the worker before its crawlers open

    @property
    def taken(self) -> str:
        return taken_key(self.spider.name, self.worker)

    def _encode_request(self, request: Request) -> bytes:
        entry = request.meta.pop(TAKEN, None)
        try:
            return super()._encode_request(request)
        finally:
            if entry is not None:
                request.meta[TAKEN] = entry

    def push(self, request: Request) -> None:
        entry = request.meta.get(TAKEN)
        with self.server.pipeline() as pipe:  # MULTI: the copy queued, its original settled
            pipe.lpush(self.key, self._encode_request(request))
            if entry is not None:
                pipe.lrem(self.taken, 1, entry)
            pipe.execute()

    def pop(self, timeout: int = 0) -> Request | None:
        self.server.sadd(takers_key(self.spider.name), self.worker)
        entry = self.server.lmove(self.key, self.taken, "RIGHT", "LEFT")
        if entry is None:
            return None
        request = self._decode_request(entry)
        request.meta[TAKEN] = entry
        return request

    def done(self, request: Request) -> None:
        entry = request.meta.pop(TAKEN, None)
        if entry is not None:
            self.server.lrem(self.taken, 1, entry)


class ReliableScheduler(Scheduler):
    """scrapy-redis's scheduler over :class:`ReliableQueue`; the queue is shared, never
    cleared by a worker (a job's keys are the writer's to clear)."""

    queue: ReliableQueue

    @classmethod
    def from_settings(cls, settings: Any) -> ReliableScheduler:
        scheduler = super().from_settings(settings)
        scheduler.persist = True
        return scheduler

    # Scrapy 2.19 counts stats without a spider argument: scrapy-redis 0.9.1 still passes one.
    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            self.queue.done(request)  # a copy dropped as a duplicate still settles its original
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def done(self, request: Request) -> None:
        self.queue.done(request)


def reap(server: Server, slug: str) -> int:
    """Give back the requests taken by dead workers of ``slug``; how many were given back."""
    given = 0
    for member in server.smembers(takers_key(slug)):
        worker = member.decode()
        if server.exists(worker_key(worker)):
            continue
        taken = taken_key(slug, worker)
        while server.lmove(taken, site_key(slug, "requests"), "RIGHT", "RIGHT") is not None:
            given += 1
        server.srem(takers_key(slug), worker)
        lease = site_key(slug, "lease")
        held = [m for m in server.zrange(lease, 0, -1) if m.startswith(f"{worker}|".encode())]
        if held:
            server.zrem(lease, *held)
    if given:
        logger.warning("%s: %d requests of dead workers queued again", slug, given)
    return given


def in_hand(server: Server, slug: str) -> int:
    """Requests of ``slug`` taken by some worker and not done yet."""
    return sum(
        server.llen(taken_key(slug, member.decode()))
        for member in server.smembers(takers_key(slug))
    )
