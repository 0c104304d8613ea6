"""Site jobs and the Redis keys every cluster process agrees on.

A job travels as pickled data: the site's registry entry (:class:`Site`) and the run the writer
opened for it, so that a worker needs neither the registry file nor the archive.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import redis

from hdnd_crawler.sites.registry import Site

PREFIX = "hdnd"
PENDING = f"{PREFIX}:jobs:pending"  # jobs asked for, waiting for the writer to open a run
ACTIVE = f"{PREFIX}:jobs:active"  # slug -> the job being crawled
RESULTS = f"{PREFIX}:results"  # what workers hand the writer: items, WARC records, ends of jobs
WRITING = f"{PREFIX}:results:writing"  # the one result the writer is committing


def site_key(slug: str, name: str) -> str:
    return f"{PREFIX}:{slug}:{name}"


def worker_key(worker: str) -> str:
    """Present while the worker lives: it renews the key's expiry as it works."""
    return f"{PREFIX}:worker:{worker}"


# scrapy-redis keys its queue and duplicate filter by the spider's name: the site's slug.
SCHEDULER_QUEUE_KEY = f"{PREFIX}:%(spider)s:requests"
SCHEDULER_DUPEFILTER_KEY = f"{PREFIX}:%(spider)s:seen"

# Everything a job leaves in Redis about its site, cleared when the next job of the site opens.
JOB_KEYS = (
    "requests",
    "seen",
    "met",
    "fetching",
    "recheck",
    "done",
    "stats",
    "crawling",
    "robots",
    "robots:fetching",
)


@dataclass(frozen=True)
class Job:
    site: Site
    mode: str  # "full" or "incremental", as the writer decided (an empty site is crawled full)
    run_id: int | None = None  # set by the writer as it opens the run
    resume_from: str | None = None
    planned_at: str = ""  # the clock every worker plans the run with (ISO 8601)
    archived: int = 0  # articles of the site archived as the run opened


def dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load(data: bytes) -> Any:
    # Only our own processes write these keys: the Redis server must be private to them.
    return pickle.loads(data)  # noqa: S301


# Replies are bytes (no decode_responses); redis-py types them for either decoding.
Server = Any


def connect(url: str) -> Server:
    return redis.Redis.from_url(url)


def enqueue(server: Server, sites: list[Site], mode: str) -> int:
    """Ask for a crawl of each site; the writer opens the runs. Returns how many were queued."""
    for site in sites:
        server.lpush(PENDING, dump(Job(site, mode)))
    return len(sites)


def active_jobs(server: Server) -> dict[str, Job]:
    return {slug.decode(): load(data) for slug, data in server.hgetall(ACTIVE).items()}
