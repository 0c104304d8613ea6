"""Spider middleware: an attachment already stored for its article is not fetched again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from hdnd_crawler.crawl.spiders.nukeviet import crawled_by


class SkipStoredAttachments:
    """Drops requests for attachments the crawl plan knows are stored.

    Attachments do not change under the same link in practice, and can be large; setting
    ``ATTACHMENTS_REFETCH`` turns this off, so that every linked file is downloaded again.
    What is stored is the plan's to say (``spider.plan``), not the archive's: a crawl worker
    may have none.
    """

    def __init__(self, crawler: Crawler):
        if crawler.settings.getbool("ATTACHMENTS_REFETCH"):
            raise NotConfigured("ATTACHMENTS_REFETCH is on")
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SkipStoredAttachments:
        return cls(crawler)

    def _stored(self, result: Any) -> bool:
        about = result.meta.get("attachment") if isinstance(result, Request) else None
        if not about:
            return False
        plan = crawled_by(self.crawler).plan
        if not plan.known.has_attachment(about["article_id"], about["url"]):
            return False
        self.crawler.stats.inc_value("hdnd/attachments/already_stored")
        return True

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for request_or_item in result:
            if not self._stored(request_or_item):
                yield request_or_item
