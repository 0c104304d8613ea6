"""Downloader middleware: retries that back off instead of hammering a struggling server."""

from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

logger = logging.getLogger(__name__)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry policy, with an exponential pause before each new attempt."""

    def _delay(self, retry: Request) -> float:
        settings = self.crawler.settings
        base = settings.getfloat("RETRY_BACKOFF_BASE")
        attempt = retry.meta.get("retry_times", 1)
        return min(base * 2 ** (attempt - 1), settings.getfloat("RETRY_BACKOFF_MAX"))

    async def _wait(self, result: Request | Response | None):
        if isinstance(result, Request):
            delay = self._delay(result)
            if delay > 0:
                logger.debug("Backing off %.1fs before %s", delay, result.url)
                await asyncio.sleep(delay)
        return result

    # Scrapy awaits coroutine middleware methods, which take no spider; the base class's are
    # plain functions, hence the differing signatures.
    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        return await self._wait(super().process_response(request, response))

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        return await self._wait(super().process_exception(request, exception))
