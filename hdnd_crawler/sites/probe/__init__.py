"""``hdnd-crawler sites add``: read a few pages of a site and say how to crawl it.

A probe of one kind of site is a function ``(base_url, fetch) -> Finding``; :mod:`.fetch` holds
the small polite HTTP client every probe reads through, :mod:`.finding` what a probe reports.
Nothing here imports Scrapy or the archive (pyproject's import contracts).
"""

from hdnd_crawler.sites.probe.fetch import Fetch, Page, ProbeError
from hdnd_crawler.sites.probe.finding import Finding

__all__ = ["Fetch", "Finding", "Page", "ProbeError"]
