"""Scrapy's duplicate filter, except that a redirect is always followed.

Scrapy drops a redirect to a URL it has seen without a word, so a redirect loop would vanish
from the crawl's record; followed, it ends at ``REDIRECT_MAX_TIMES`` as a counted failure.
The price is one extra fetch when a page past the last redirects back to page 1.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter


class RedirectsAreNotDuplicates(RFPDupeFilter):
    def request_seen(self, request: Request) -> bool:
        if request.meta.get("redirect_times"):
            return False
        return super().request_seen(request)
