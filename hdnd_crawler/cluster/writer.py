"""The archive's one writer in a cluster: opens a run for each site job, commits what the
workers hand on through the item pipelines, appends their WARC records to the archive's
files, and closes the run with its verdict once every worker of the job is done.

Results are taken reliably: moved to a list of their own while being committed, removed only
once committed, moved back if the writer died meanwhile. A result committed twice (the writer
died between the commit and the removal) does no harm: an article stored again is unchanged,
a WARC record already appended is not appended again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.pipelines import ItemPipelineManager
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cluster import jobs
from hdnd_crawler.cluster.jobs import (
    ACTIVE,
    JOB_KEYS,
    PENDING,
    RESULTS,
    WRITING,
    Job,
    Server,
    site_key,
)
from hdnd_crawler.cluster.plan_source import publish
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.crawl.warc import WarcFiles, warc_dir
from hdnd_crawler.runs.lock import LockHeld, exclusive, lock_path
from hdnd_crawler.runs.runner import RunResult, StartedRun, finish_run, start_run

logger = logging.getLogger(__name__)


class WarcAppender(WarcFiles):
    """The archive's WARC files of one run, made of the records the workers wrote."""

    def append(self, records: bytes) -> str:
        """Append whole gzip members; where they start: the file they are in (relative to the
        WARC directory) and the offset in it, as ``name<TAB>offset``."""
        self._open()
        assert self.file is not None
        start = self.file.tell()
        self.file.write(records)
        self.file.flush()
        name = self.name
        self._rotate_if_full()
        return f"{name}\t{start}"


@dataclass
class _Open:
    """A job the writer holds open: its run, lock, pipelines and WARC files."""

    job: Job
    locks: ExitStack
    crawler: Crawler
    pipelines: ItemPipelineManager
    warc: WarcAppender | None = None
    ending: bool = False
    started: float = field(default_factory=time.monotonic)


class Writer:
    def __init__(self, server: Server, settings: Settings):
        self.server = server
        self.settings = settings
        self.db = Path(settings["ARCHIVE_DB"])
        self.open: dict[str, _Open] = {}
        self.results: list[RunResult] = []

    # --- jobs -------------------------------------------------------------------------
    async def _hold(self, job: Job) -> _Open | None:
        locks = ExitStack()
        try:
            locks.enter_context(exclusive(lock_path(self.db, job.site.slug)))
        except LockHeld as exc:
            logger.warning("%s: %s; job dropped", job.site.slug, exc)
            return None
        spider_cls = spider_class(job.site)
        settings = self.settings.copy()
        settings.set("SEARCH_INDEX_MERGE", True, priority="cmdline")
        crawler = Crawler(spider_cls, settings)
        crawler.stats = load_object(settings["STATS_CLASS"])(crawler)
        crawler.spider = spider_cls.from_crawler(crawler, site=job.site, mode=job.mode)
        pipelines = ItemPipelineManager.from_crawler(crawler)
        await pipelines.open_spider_async()
        held = _Open(job, locks, crawler, pipelines)
        self.open[job.site.slug] = held
        return held

    async def open_job(self, asked: Job) -> None:
        slug = asked.site.slug
        if slug in self.open:  # one run of a site at a time: this one waits its turn
            self.server.rpush(PENDING, jobs.dump(asked))
            return
        started = start_run(asked.site, asked.mode, self.db)  # type: ignore[arg-type]
        job = replace(
            asked,
            mode=started.mode,
            run_id=started.run_id,
            resume_from=started.resume_from,
            planned_at=datetime.now(UTC).isoformat(),
            archived=started.archived,
        )
        if await self._hold(job) is None:
            return
        archive = Archive(self.db)
        try:
            sightings = archive.sightings(slug)
            files = [(row["article_id"], row["url"]) for row in archive.attachments(slug)]
        finally:
            archive.close()
        self.server.delete(*(site_key(slug, name) for name in (*JOB_KEYS, "placed", "lease")))
        count = publish(self.server, slug, sightings.all(), files)
        self.server.hset(ACTIVE, slug, jobs.dump(job))
        logger.info("%s: %s run #%s open; %d articles archived", slug, job.mode, job.run_id, count)

    async def finish(self, held: _Open) -> None:
        job = held.job
        slug = job.site.slug
        shared = {
            key.decode(): int(value)
            for key, value in self.server.hgetall(site_key(slug, "stats")).items()
        }
        stats = dict(held.crawler.stats.get_stats())
        for key, value in shared.items():
            stats[key] = stats.get(key, 0) + value
        stats["finish_reason"] = "finished"
        try:
            await held.pipelines.close_spider_async()
        finally:
            if held.warc is not None:
                held.warc.close()
        run = StartedRun(job.site, job.mode, job.run_id, job.archived, job.resume_from)  # type: ignore[arg-type]
        secs = time.time() - datetime.fromisoformat(job.planned_at).timestamp()
        self.results.append(finish_run(run, stats, self.settings, None, secs))
        self.server.hdel(ACTIVE, slug)
        self.server.delete(*(site_key(slug, name) for name in (*JOB_KEYS, "placed", "known")))
        held.locks.close()
        del self.open[slug]

    def _workers_gone(self, slug: str) -> bool:
        crawling = site_key(slug, "crawling")
        for member in self.server.smembers(crawling):
            if not self.server.exists(jobs.worker_key(member.decode())):
                self.server.srem(crawling, member)  # died: its counters are lost with it
        return not self.server.scard(crawling)

    # --- results ----------------------------------------------------------------------
    async def handle(self, message: tuple) -> None:
        kind, slug, run_id, payload = message
        held = self.open.get(slug)
        if held is None or held.job.run_id != run_id:
            logger.warning("A %s of %s run #%s, which is not open: dropped", kind, slug, run_id)
            return
        if kind == "done":
            held.ending = True
        elif kind == "warc":
            self._append(held, *payload)
        else:
            await self._store(held, payload)

    def _append(self, held: _Open, key: str, records: bytes, info: dict[str, str]) -> None:
        placed = site_key(held.job.site.slug, "placed")
        if self.server.hexists(placed, key):
            return
        if held.warc is None:
            directory, size = warc_dir(self.settings), self.settings.getint("WARC_MAX_SIZE")
            held.warc = WarcAppender(directory, size, info)
            # Several runs open in this process at once: a file name per run.
            held.warc.prefix += f"-{held.job.site.slug}"
        self.server.hset(placed, key, held.warc.append(records))

    async def _store(self, held: _Open, item: Any) -> None:
        capture = getattr(item, "capture", None)
        if capture and not capture.get("warc_file"):
            name = self.server.hget(
                site_key(held.job.site.slug, "placed"), capture["warc_record_id"]
            )
            file, _, start = (name.decode() if name else "").partition("\t")
            capture["warc_file"] = file
            # The worker counted the record's offset in its own buffer of one exchange.
            if start and capture.get("offset") is not None:
                capture["offset"] += int(start)
        try:
            await held.pipelines.process_item_async(item)
        except DropItem as exc:
            logger.info("Dropped: %s", exc)

    # --- the loop ---------------------------------------------------------------------
    async def recover(self) -> None:
        """After a restart: results being committed go back first; open jobs are held again."""
        while self.server.lmove(WRITING, RESULTS, "RIGHT", "RIGHT") is not None:
            pass
        for job in jobs.active_jobs(self.server).values():
            if await self._hold(job) is not None:
                logger.info("%s: run #%s taken up again", job.site.slug, job.run_id)

    async def step(self) -> bool:
        """One round; whether anything was done."""
        busy = False
        asked = self.server.rpop(PENDING)
        if asked is not None:
            await self.open_job(jobs.load(asked))
            busy = True
        while (entry := self.server.lmove(RESULTS, WRITING, "RIGHT", "LEFT")) is not None:
            await self.handle(jobs.load(entry))
            self.server.lrem(WRITING, 1, entry)
            busy = True
        for slug, held in list(self.open.items()):
            if held.ending and self._workers_gone(slug):
                await self.finish(held)
                busy = True
        return busy

    async def run(self, idle_exit: float | None) -> list[RunResult]:
        await self.recover()
        idle_since = time.monotonic()
        while True:
            if await self.step():
                idle_since = time.monotonic()
                continue
            quiet = not self.open and not self.server.llen(PENDING)
            if idle_exit is not None and quiet and time.monotonic() - idle_since > idle_exit:
                return self.results
            await asyncio.sleep(0.05)


def write(redis_url: str, settings: Settings, idle_exit: float | None = None) -> list[RunResult]:
    """Run the writer until it has had nothing to do for ``idle_exit`` seconds (None: forever)."""
    server = redis.Redis.from_url(redis_url)
    return asyncio.run(Writer(server, settings).run(idle_exit))
