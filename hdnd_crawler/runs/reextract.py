"""Rebuild an archive from WARC files alone, with today's extractors and no network.

Each crawl run's stored responses are handed, in the order they were fetched, to the spider's
own callbacks (article pages, category listings, attachments), and what they yield goes
through the configured item pipelines, as in the run itself: one pipeline chain per run, so
its duplicate filter and its versions come out as the run made them. Rows keep their capture
(WARC file, record id, digest, fetch time). Not rebuilt: ``crawl_runs`` rows (the runner's),
and withdrawal marks (``gone_at``), which come from a run's re-check requests.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import Headers, Response
from scrapy.pipelines import ItemPipelineManager
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings
from scrapy.utils.misc import load_object

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.crawl.registry import registry_for
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.crawl.warc import Capture, read_captures, warc_files

logger = logging.getLogger(__name__)


class ReextractError(RuntimeError):
    """The WARC files or the target archive cannot be used."""


def _run_of(path: Path) -> str:
    """The crawl run a WARC file belongs to: its name less the rotation number."""
    return path.name.rsplit("-", 1)[0]


def _response(capture: Capture, request: Request) -> Response:
    headers = Headers(capture.headers)
    cls = responsetypes.from_args(headers=headers, url=capture.url, body=capture.body)
    request.meta["capture"] = capture.capture
    return cls(
        url=capture.url,
        status=capture.status,
        headers=headers,
        body=capture.body,
        request=request,
    )


class _Replay:
    """One crawl run replayed: its spider, its pipeline chain, the attachments it asked for."""

    def __init__(self, settings: Settings, info: dict[str, str], site: str | None):
        spider_cls = spider_class(registry_for(settings).get(site or info.get("isPartOf")))
        self.crawler = Crawler(spider_cls, settings)
        self.crawler.stats = load_object(settings["STATS_CLASS"])(self.crawler)
        fetch_base = info.get("fetch-base") or None
        self.spider = spider_cls.from_crawler(self.crawler, base_url=fetch_base)
        self.crawler.spider = self.spider
        self.pipelines = ItemPipelineManager.from_crawler(self.crawler)
        self.attachment_links: dict[str, Request] = {}

    def _callback_output(self, capture: Capture) -> Iterable[Any]:
        key = self.spider.canonical(capture.url)
        if key in self.attachment_links:
            request = self.attachment_links.pop(key)
            return self.spider.parse_attachment(_response(capture, request))
        # Routed as the crawl routed it; other pages (home, feeds, sitemaps) gave links only.
        route = self.spider.route(capture.url)
        if route == "article":
            return self.spider.parse_article(_response(capture, Request(capture.url)))
        if route == "listing":
            return self.spider.parse_listing(_response(capture, Request(capture.url)))
        return ()

    def items(self, capture: Capture) -> Iterator[Any]:
        """What the spider makes of a stored 200 response; the links it follows are not."""
        if capture.status != 200:
            return
        for output in self._callback_output(capture):
            if not isinstance(output, Request):
                yield output
            elif "attachment" in output.meta:
                self.attachment_links[output.meta["attachment"]["url"]] = output

    async def store(self, item: Any) -> None:
        try:
            await self.pipelines.process_item_async(item)
        except DropItem as exc:
            logger.info("Dropped: %s", exc)


async def _replay_run(
    paths: list[Path], warc_dir: Path, settings: Settings, site: str | None
) -> dict[str, Any]:
    replay: _Replay | None = None
    try:
        for path in paths:
            for capture in read_captures(path, warc_dir):
                if replay is None:
                    replay = _Replay(settings, capture.info, site)
                    await replay.pipelines.open_spider_async()
                for item in replay.items(capture):
                    await replay.store(item)
    finally:
        if replay is not None:
            await replay.pipelines.close_spider_async()
    return replay.crawler.stats.get_stats() if replay else {}


def reextract(warc_dir: Path, settings: Settings, site: str | None = None) -> Counter[str]:
    """Replay every run stored under ``warc_dir`` into the archive ``settings["ARCHIVE_DB"]``.

    The archive must hold no article yet: re-extracting over rows read by another extractor
    would record the difference as edits by the site. Returns the ``hdnd/…`` counters summed.
    """
    files = warc_files(warc_dir)
    if not files:
        raise ReextractError(f"no WARC files (*.warc.gz) in {warc_dir}")
    archive = Archive(settings["ARCHIVE_DB"])
    try:
        if archive.count_articles():
            raise ReextractError(
                f"{settings['ARCHIVE_DB']} already holds articles; re-extract into a new file"
            )
    finally:
        archive.close()
    # Each run's pipeline would merge the search index when it closes: merged once, at the end.
    replay_settings = settings.copy()
    replay_settings.set("SEARCH_INDEX_MERGE", False, priority="cmdline")
    totals: Counter[str] = Counter()
    for run, paths in itertools.groupby(files, key=_run_of):
        logger.info("Replaying run %s", run)
        stats = asyncio.run(_replay_run(list(paths), warc_dir, replay_settings, site))
        totals.update({k: v for k, v in stats.items() if k.startswith("hdnd/")})
        totals["runs"] += 1
    # Into an empty archive, an indexed write is a new article, or an attachment of one.
    if settings.getbool("SEARCH_INDEX_MERGE", True) and totals["hdnd/articles/new"]:
        archive = Archive(settings["ARCHIVE_DB"])
        try:
            archive.merge_search_index()
        finally:
            archive.close()
    return totals
