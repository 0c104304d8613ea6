"""Item pipelines, in order: Validate → Normalize → Deduplicate → AttachmentFiles → Store."""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.attachments import files_dir, keep
from hdnd_crawler.crawl.spiders.nukeviet import crawled_by
from hdnd_crawler.extract.urls import canonical_url
from hdnd_crawler.records import (
    Article,
    AttachmentFile,
    CategoryMembership,
    ImageCapture,
    Withdrawal,
)

logger = logging.getLogger(__name__)

SINGLE_LINE_FIELDS = ("title", "author", "source", "summary", "main_category")


class _CrawlerAware:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler):
        return cls(crawler)

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value(f"hdnd/{key}")


class ValidatePipeline(_CrawlerAware):
    """Drop an article that lacks what makes it archivable, saying why."""

    REQUIRED = ("title", "published_at")

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        missing = [name for name in self.REQUIRED if not getattr(item, name)]
        # Pictures alone, or documents alone, are an article's content too; nothing at all is not.
        if not (item.body_text or item.body_html or item.attachments):
            missing.append("body")
        if not item.article_id:
            missing.append("article_id")
        if missing:
            self._count("dropped/invalid")
            raise DropItem(
                f"{item.url}: no {', '.join(missing)} on the page; not archived"
                " (an archived copy, if any, is kept as it was)"
            )
        return item


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


class NormalizePipeline(_CrawlerAware):
    """Unicode NFC everywhere, single spaces in one-line fields, canonical URLs."""

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for name in adapter.field_names():
            adapter[name] = _nfc(adapter[name])
        if isinstance(item, Article):
            for name in SINGLE_LINE_FIELDS:
                setattr(item, name, " ".join(getattr(item, name).split()))
            site = crawled_by(self.crawler).site
            item.url = canonical_url(item.url, site)
            for entry in (*item.images, *item.attachments):
                entry["url"] = canonical_url(entry["url"], site)
        return item


class DeduplicatePipeline(_CrawlerAware):
    """One record per article and per (article, category) in a run, whatever URL led to it."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.seen: set[tuple] = set()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            key: tuple = ("article", item.site, item.article_id)
        elif isinstance(item, CategoryMembership):
            key = ("category", item.site, item.article_id, item.category)
        else:
            return item
        if key in self.seen:
            self._count("dropped/duplicate")
            raise DropItem(f"duplicate {key[0]} {key[1:]} in this run")
        self.seen.add(key)
        return item


class AttachmentFilesPipeline(_CrawlerAware):
    """Keep each downloaded attachment once by content under ``FILES_DIR``; read its text."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.directory = files_dir(crawler.settings)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, AttachmentFile):
            # Reading a long PDF takes a while: not on the thread that downloads.
            await asyncio.to_thread(keep, item, self.directory)
        return item


class StorePipeline(_CrawlerAware):
    """Write to the SQLite archive named by the ``ARCHIVE_DB`` setting."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.path = Path(crawler.settings.get("ARCHIVE_DB"))
        self.archive: Archive | None = None
        # Whether this run wrote to the search index, which is then merged when the run ends.
        self.indexed = False
        self.merge_index = crawler.settings.getbool("SEARCH_INDEX_MERGE", True)

    def open_spider(self) -> None:
        self.archive = Archive(self.path)
        site = crawled_by(self.crawler).site
        fields = {"slug": site.slug, "name": site.name, "base_url": site.base_url, "cms": site.cms}
        self.archive.record_site(fields)
        logger.info("Archiving into %s", self.path)

    def close_spider(self) -> None:
        if self.archive is None:
            return
        try:
            if self.indexed and self.merge_index:
                self.archive.merge_search_index()
        finally:
            self.archive.close()

    def process_item(self, item: Any) -> Any:
        assert self.archive is not None
        if isinstance(item, CategoryMembership):
            self.archive.add_category(item.site, item.article_id, item.category)
        elif isinstance(item, Article):
            outcome = self.archive.upsert_article(item, seen_at=item.capture.get("fetched_at"))
            self._count(f"articles/{outcome}")
            if outcome != "unchanged":
                self.indexed = True
                logger.info("%s article %s: %s", outcome, item.article_id, item.url)
        elif isinstance(item, Withdrawal) and self.archive.mark_gone(
            item.site, item.article_id, item.status
        ):
            self._count("articles/gone")
            logger.info("Article %s withdrawn (HTTP %s)", item.article_id, item.status)
        elif isinstance(item, AttachmentFile):
            outcome = self.archive.upsert_attachment(item)
            self._count(f"attachments/{outcome}")
            self.indexed |= outcome != "unchanged"
        elif isinstance(item, ImageCapture):
            self._count(f"images/{self.archive.record_capture(item)}")
        return item
