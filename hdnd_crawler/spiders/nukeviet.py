"""The NukeViet news spider: home → categories → every listing page → every article.

Sitemaps and RSS feeds are read as cross-checks; an article found only there is fetched too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.article import parse_article
from hdnd_crawler.extract.html import PageError
from hdnd_crawler.extract.listing import Listing, parse_feed, parse_listing, parse_sitemap
from hdnd_crawler.items import CategoryMembership
from hdnd_crawler.sites import get_site


class NukeVietSpider(scrapy.Spider):
    """One registered NukeViet site: ``scrapy crawl hdnd [-a site=SLUG] [-a base_url=URL]``."""

    name = "hdnd"
    default_site = "hdnd"

    def __init__(self, *args: Any, site: str | None = None, base_url: str | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.site = get_site(site or self.default_site, base_url)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # A contact URL given on the command line reaches the User-Agent it is part of.
        contact = settings.getpriority("CONTACT_URL")
        if contact is not None and contact > (settings.getpriority("USER_AGENT") or 0):
            from hdnd_crawler import __version__

            agent = settings["USER_AGENT_TEMPLATE"].format(
                version=__version__, contact=settings["CONTACT_URL"]
            )
            settings.set("USER_AGENT", agent, priority=settings.getpriority("CONTACT_URL"))

    # --- requests ---------------------------------------------------------------------
    def _request(self, url: str, callback, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            urls.fetch_url(url, self.site), callback=callback, errback=self.on_error, **kwargs
        )

    def _site_url(self, path: str) -> str:
        return self.site.base_url + path

    async def start(self) -> AsyncIterator[scrapy.Request]:
        module = self.site.module_path.rstrip("/")
        for path in self.site.start_paths:
            yield self._request(self._site_url(path), self.parse_page)
        for path in self.site.feed_paths:
            yield self._request(self._site_url(module + path), self.parse_feed)
        for path in self.site.sitemap_paths:
            yield self._request(self._site_url(path), self.parse_sitemap)

    def _follow(self, listing: Listing) -> Iterator[scrapy.Request]:
        for url in listing.categories:
            yield self._request(url, self.parse_listing)
        for url in listing.pages:
            yield self._request(url, self.parse_listing)
        for url in (*listing.articles, *listing.other_articles):
            yield self._request(url, self.parse_article)

    def _read(self, extract, response: Response, *args: Any):
        """Run an extractor on the response; a page that cannot be read is logged, not fatal."""
        try:
            return extract(response.body, response.url, self.site, *args)
        except PageError as exc:
            self.logger.warning(
                "Unreadable page %s (HTTP %s): %s", response.url, response.status, exc
            )
            self.crawler.stats.inc_value("hdnd/errors/unreadable")
            return None

    # --- callbacks --------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterable[Any]:
        listing = self._read(parse_listing, response, self._content_type(response))
        if listing:
            yield from self._follow(listing)

    def parse_listing(self, response: Response) -> Iterable[Any]:
        listing = self._read(parse_listing, response, self._content_type(response))
        if not listing:
            return
        if listing.category:
            for url in listing.articles:
                article_id = urls.article_id(url, self.site)
                yield CategoryMembership(self.site.slug, article_id, listing.category)
        elif urls.category_page(response.url, self.site):
            self.logger.info("No articles listed on %s", response.url)
        yield from self._follow(listing)

    def parse_article(self, response: Response) -> Iterable[Any]:
        article = self._read(parse_article, response, self._content_type(response))
        if article:
            yield article

    def parse_feed(self, response: Response) -> Iterable[Any]:
        for entry in parse_feed(response.body, response.url, self.site):
            yield self._request(entry.url, self.parse_article)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        sitemaps, articles = parse_sitemap(response.body, response.url, self.site)
        for url in sitemaps:
            yield self._request(url, self.parse_sitemap)
        for url in articles:
            yield self._request(url, self.parse_article)

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        reason = failure.getErrorMessage() or failure.type.__name__
        response = getattr(failure.value, "response", None)
        kind = f"http_{response.status}" if response is not None else failure.type.__name__
        self.crawler.stats.inc_value(f"hdnd/errors/{kind}")
        self.logger.warning("Failed %s: %s", request.url, reason)

    @staticmethod
    def _content_type(response: Response) -> str | None:
        value = response.headers.get("Content-Type")
        return value.decode("latin-1") if value else None
