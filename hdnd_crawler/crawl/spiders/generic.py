"""The spider of sites that are not NukeViet (``cms = "generic"``: WordPress, home-grown portals).

It crawls as :class:`NukeVietSpider` does (full and incremental runs, withdrawals, captures,
attachments) and differs in how it finds articles and names them:

- discovery: sitemaps and their indexes (a sitemap that redirects, as WordPress's
  ``/sitemap.xml`` → ``/wp-sitemap.xml`` does, is followed on the fetch origin), RSS/Atom feeds,
  and category archives walked page by page; article pages lead to their categories too;
- articles are the URLs ``patterns.article`` matches; nothing else is archived;
- ids: a site that prints numeric ids (``article_ids = "wordpress"``) is only sure of an
  article's id once its page (or a feed guid) is read, so links are matched to ids through the
  archived URLs and the ids met so far, and an unknown URL is fetched once to learn its id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy.http import Response

from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider, Route
from hdnd_crawler.extract import urls
from hdnd_crawler.extract.generic.identity import is_article, link_id
from hdnd_crawler.extract.listing import Listing
from hdnd_crawler.records import Article, CategoryMembership, Known, Withdrawal
from hdnd_crawler.sites.registry import Site

# Sitemaps are asked for at their usual paths, which may redirect: the redirect is read here
# and followed on the fetch origin (a mirror's pages name the real host).
SITEMAP_META = {"dont_redirect": True, "handle_httpstatus_list": [301, 302, 303, 307, 308]}


class GenericSpider(NukeVietSpider):
    """A generic site: ``scrapy crawl SLUG [-a base_url=URL] [-a mode=incremental]``."""

    def __init__(self, *args: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.ids: dict[str, int] = {}  # canonical article URL → id, where known before fetching
        self.asked: set[str] = set()  # canonical article URLs requested

    def plan_with(self, known: Known, now: datetime) -> None:
        super().plan_with(known, now)
        if self.site.article_ids != "url":
            # Ids printed only on the page: the archive says which URL is which article.
            self.ids.update((self.canonical(seen.url), seen.article_id) for seen in known.all())

    # --- routing --------------------------------------------------------------------
    def route(self, url: str) -> Route:
        if is_article(url, self.site):
            return "article"
        if urls.category_page(url, self.site):
            return "listing"
        return "page"

    def article_id(self, url: str, site: Site | None = None) -> int | None:
        """The id of the article at ``url`` if known before fetching it."""
        return link_id(url, self.site) or self.ids.get(self.canonical(url))

    def _request(self, url: str, callback=None, errback=None, **kwargs: Any) -> scrapy.Request:
        if callback == self.parse_sitemap:
            kwargs["meta"] = {**SITEMAP_META, **kwargs.get("meta", {})}
        return super()._request(url, callback, errback, **kwargs)

    def _article(self, url: str, article_id: int | None = None) -> Iterator[scrapy.Request]:
        if not is_article(url, self.site):
            return
        canonical = self.canonical(url)
        article_id = article_id or self.article_id(canonical)
        if article_id is not None:
            self.ids[canonical] = article_id
            self.met.add(article_id)
            if article_id in self.fetching or not self.plan.wants(article_id):
                return
            self.fetching.add(article_id)
        if canonical not in self.asked:
            self.asked.add(canonical)
            yield self._request(canonical)

    def _pages(self, listing: Listing) -> list[str]:
        """A listing's other pages: all in a full run; in an incremental one only while this
        page ends with an article not archived yet (listings are newest first)."""
        if self.mode == "full":
            return listing.pages
        if not listing.articles or self.plan.is_archived(self.article_id(listing.articles[-1])):
            return []
        return listing.pages

    def _follow(self, listing: Listing, url: str) -> Iterator[scrapy.Request]:
        if listing.articles:
            # The home page and its pages list posts as category archives do.
            self.crawler.stats.inc_value("hdnd/health/listing_pages")
        for category in listing.categories:
            yield self._request(category)
        for page in self._pages(listing):
            yield self._request(page)
        for article in (*listing.articles, *listing.other_articles):
            yield from self._article(article)

    # --- callbacks --------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterable[Any]:
        # No category memberships from listings: a WordPress parent category lists its
        # children's posts too; an article page names its own categories.
        listing = self._read(self.extract.listing, response, self._content_type(response))
        if not listing:
            return
        if not listing.articles:
            self.logger.info("No articles listed on %s", response.url)
        yield from self._follow(listing, response.url)

    def parse_article(self, response: Response) -> Iterable[Any]:
        for output in super().parse_article(response):
            yield output
            if isinstance(output, Article) and output.article_id:
                self.ids[output.url] = output.article_id
                self.met.add(output.article_id)
                self.fetching.add(output.article_id)
                for category in output.categories[1:]:
                    yield CategoryMembership(self.site.slug, output.article_id, category)
        # An article links to its categories (and related posts): how new ones are found.
        listing = self._read(self.extract.listing, response, self._content_type(response))
        for category in listing.categories if listing else ():
            yield self._request(category)
        for url in (*listing.articles, *listing.other_articles) if listing else ():
            yield from self._article(url)

    def parse_feed(self, response: Response) -> Iterable[Any]:
        for entry in self.extract.feed(response.body, response.url, self.site):
            yield from self._article(entry.url, entry.article_id or None)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        if 300 <= response.status < 400:
            target = self._location(response)
            if target and urls.is_site_url(target, self.site):
                yield self._request(target, self.parse_sitemap)
            return
        following, articles = self.extract.sitemap(response.body, response.url, self.site)
        for url in following:
            listing = self.route(url) == "listing"
            yield self._request(url, None if listing else self.parse_sitemap)
        for url in articles:
            yield from self._article(url)

    def parse_recheck(self, response: Response, article_id: int) -> Iterable[Any]:
        """200: read again; moved to another article URL: that page says whether it is the
        same article (numeric ids) or a new one (URL ids); else withdrawn."""
        if response.status == 200:
            yield from self.parse_article(response)
            return
        target = self._location(response) if 300 <= response.status < 400 else ""
        if target and is_article(target, self.site) and self.site.article_ids != "url":
            kwargs = {"article_id": article_id, "status": response.status}
            yield self._request(target, self.parse_moved, cb_kwargs=kwargs)
            return
        yield Withdrawal(self.site.slug, article_id, response.status)
        if target:
            yield from self._article(target)

    def parse_moved(self, response: Response, article_id: int, status: int) -> Iterable[Any]:
        outputs = list(self.parse_article(response))
        if not any(isinstance(o, Article) and o.article_id == article_id for o in outputs):
            yield Withdrawal(self.site.slug, article_id, status)
        yield from outputs

    @staticmethod
    def _location(response: Response) -> str:
        location = (response.headers.get("Location") or b"").decode("latin-1")
        return response.urljoin(location) if location else ""
