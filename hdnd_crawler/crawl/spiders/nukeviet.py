"""The NukeViet news spider: home → categories → every listing page → every article.

Sitemaps and RSS feeds are read as cross-checks; an article found only there is fetched too.
What to fetch of that is :mod:`hdnd_crawler.crawl.plan`'s call (``-a mode=full|incremental``): an
incremental run reads no feed or sitemap and stops paging where the archive is up to date; a
full run ends by re-checking archived articles that no page linked to (withdrawn ones).

The spider never opens the archive: a crawl worker on another machine has none. Its plan is
filled from outside before the first request, by the plan source the ``PLAN_SOURCE`` setting
names, which calls :meth:`NukeVietSpider.plan_with`: from the archive file in a single-process
crawl. Which spider crawls which site is data:
:mod:`hdnd_crawler.crawl.spiders.registered` makes one per registry entry.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import datetime
from typing import Any, Literal

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.python.failure import Failure

from hdnd_crawler import __version__
from hdnd_crawler.attachments import attachment_file
from hdnd_crawler.crawl.failures import failure_kind
from hdnd_crawler.crawl.identity import user_agent
from hdnd_crawler.crawl.plan import MODES, CrawlPlan, redirects_to_itself
from hdnd_crawler.crawl.registry import registry_for
from hdnd_crawler.extract import urls
from hdnd_crawler.extract.checks import IncompletePage, check_complete
from hdnd_crawler.extract.html import PageError
from hdnd_crawler.extract.kinds import extractor_for
from hdnd_crawler.extract.listing import Listing
from hdnd_crawler.extract.requisites import Requisite, page_requisites, stylesheet_requisites
from hdnd_crawler.records import Article, CategoryMembership, ImageCapture, Known, Withdrawal
from hdnd_crawler.sites.registry import Site

# What a page of the site is, by its URL: an article, a category listing page, or another
# page (the home page, a tag) read for its links only.
Route = Literal["article", "listing", "page"]

# Requisites (stylesheets, scripts, fonts, chrome pictures) wait behind every page: they only
# dress the replay, and most are shared, fetched once a crawl whichever page asks first.
REQUISITE_PRIORITY = -10
# A page's stylesheet is read for what it imports and names, and so is an imported one; what an
# imported stylesheet imports in turn is kept unread.
STYLESHEET_DEPTH = 2

# A re-check sees redirects and "not found" itself: they are its answer, not errors.
RECHECK_META = {
    "dont_redirect": True,
    "handle_httpstatus_list": [301, 302, 303, 307, 308, 404, 410],
}


def crawled_by(crawler: Crawler) -> NukeVietSpider:
    """The spider of ``crawler``, which components that need its site or plan ask after."""
    spider = crawler.spider
    if not isinstance(spider, NukeVietSpider):
        raise TypeError(f"{type(spider).__name__} is not a site spider of hdnd-crawler")
    return spider


class NukeVietSpider(scrapy.Spider):
    """A NukeViet site: ``scrapy crawl SLUG [-a base_url=URL] [-a mode=incremental]``.

    Each registered site has a subclass named after its slug (``registered``); ``-a site=SLUG``
    picks another registered site.
    """

    registered: Site | None = None

    def __init__(
        self,
        *args: Any,
        site: Site,
        base_url: str | None = None,
        mode: str = "full",
        resume_from: str | None = None,
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        self.site = site.mirrored_at(base_url) if base_url else site
        self.extract = extractor_for(self.site)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.mode = mode
        self.resume_from = resume_from or None
        # Knows no archived article; a plan source replaces it as the spider opens.
        self.plan = CrawlPlan(mode, resume_from=self.resume_from)
        self.planned = False
        self.plan_source: object | None = None
        self.met: set[int] = set()  # articles some page, feed or sitemap linked to
        self.fetching: set[int] = set()  # articles requested, whatever URL led to them
        self.rechecked = False

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, *args: Any, site: str | Site | None = None, **kwargs: Any
    ) -> NukeVietSpider:
        if site is None and cls.registered is not None:
            site = cls.registered
        elif not isinstance(site, Site):
            # The registry read with the crawl's settings: the user's file is beside its archive.
            site = registry_for(crawler.settings).get(site)
        spider = super().from_crawler(crawler, *args, site=site, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        source = crawler.settings.get("PLAN_SOURCE")
        if source:
            # Held here: Scrapy's signals keep only weak references to their receivers.
            spider.plan_source = build_from_crawler(load_object(source), crawler)
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # A contact URL given on the command line reaches the User-Agent it is part of.
        contact = settings.getpriority("CONTACT_URL")
        if contact is not None and contact > (settings.getpriority("USER_AGENT") or 0):
            agent = user_agent(__version__, settings["CONTACT_URL"])
            settings.set("USER_AGENT", agent, priority=contact)

    def plan_with(self, known: Known, now: datetime) -> None:
        """Plan this crawl with what is archived (``known``) as of ``now``; the plan source
        calls this as the spider opens."""
        settings = self.crawler.settings
        self.plan = CrawlPlan(
            self.mode,
            known,
            now=now,
            resume_from=self.resume_from,
            recheck_days=settings.getfloat("RECHECK_DAYS"),
            recheck_after_hours=settings.getfloat("RECHECK_AFTER_HOURS"),
        )
        self.planned = True

    # --- routing --------------------------------------------------------------------
    def route(self, url: str) -> Route:
        """What the page at ``url`` is; re-extraction reads stored pages by the same rule."""
        if urls.article_id(url, self.site) is not None:
            return "article"
        if urls.category_page(url, self.site):
            return "listing"
        return "page"

    def canonical(self, url: str) -> str:
        """The one URL this site's page ``url`` is archived under."""
        return urls.canonical_url(url, self.site)

    def _request(self, url: str, callback=None, errback=None, **kwargs: Any) -> scrapy.Request:
        """A request for ``url``, read by ``callback`` or else by the callback of its route; a
        failure goes to ``errback``, else counts as an error of the run."""
        callback = callback or getattr(self, f"parse_{self.route(url)}")
        return scrapy.Request(
            urls.fetch_url(url, self.site),
            callback=callback,
            errback=errback or self.on_error,
            **kwargs,
        )

    def _site_url(self, path: str) -> str:
        return self.site.base_url + path

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not self.planned:
            self.logger.warning(
                "No plan source told this crawl what is archived (PLAN_SOURCE): every article"
                " it meets is fetched as new"
            )
        self.logger.info(
            "%s crawl of %s; %d articles archived%s",
            self.mode.capitalize(),
            self.site.base_url,
            len(self.plan.known),
            f"; resuming, articles archived since {self.resume_from} are done"
            if self.resume_from
            else "",
        )
        if not self.settings.get("CONTACT_URL"):
            self.logger.warning(
                "CONTACT_URL is not set: the User-Agent gives the site's operator no way to"
                " reach you; set it, e.g. --set CONTACT_URL=mailto:you@example.org"
            )
        module = self.site.module_path.rstrip("/")
        for path in self.site.start_paths:
            yield self._request(self._site_url(path))
        if self.mode == "full":
            for path in self.site.feed_paths:
                yield self._request(self._site_url(module + path), self.parse_feed)
            for path in self.site.sitemap_paths:
                yield self._request(self._site_url(path), self.parse_sitemap)
        for seen in self.plan.due_for_recheck():
            self.fetching.add(seen.article_id)
            yield self._request(seen.url)

    def _article(self, url: str) -> Iterator[scrapy.Request]:
        """A request for a linked article, unless the plan skips it or it is already asked for."""
        article_id = urls.article_id(url, self.site)
        if article_id is None:
            return
        self.met.add(article_id)
        if article_id not in self.fetching and self.plan.wants(article_id):
            self.fetching.add(article_id)
            yield self._request(url)

    def _follow(self, listing: Listing, url: str) -> Iterator[scrapy.Request]:
        for category in listing.categories:
            yield self._request(category)
        for page in self.plan.pages_to_follow(listing, url, self.site):
            yield self._request(page)
        for article in (*listing.articles, *listing.other_articles):
            yield from self._article(article)

    def _read(self, extract, response: Response, *args: Any):
        """Run an extractor on a whole HTML page; None when the page cannot be read.

        A cut or empty page is fetched again, as a failed download would be (the retry goes
        straight to the engine: it carries the retry count a yielded request may not); any
        other page that cannot be read is logged and counted, never fatal.
        """
        try:
            check_complete(response.body)
            return extract(response.body, response.url, self.site, *args)
        except IncompletePage as exc:
            request = response.request
            reason = f"{exc.kind} page"
            retry = request and get_retry_request(request, spider=self, reason=reason)
            if retry:
                self.crawler.engine.crawl(retry)
                return None
            kind, reason = exc.kind, str(exc)
        except PageError as exc:
            kind, reason = getattr(exc, "kind", "unreadable"), str(exc)
        self.logger.warning(
            "Unreadable page %s (HTTP %s): %s", response.url, response.status, reason
        )
        self.crawler.stats.inc_value(f"hdnd/errors/{kind}")
        return None

    # --- callbacks --------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterable[Any]:
        listing = self._read(self.extract.listing, response, self._content_type(response))
        if listing:
            yield from self._follow(listing, response.url)

    def parse_listing(self, response: Response) -> Iterable[Any]:
        listing = self._read(self.extract.listing, response, self._content_type(response))
        if not listing:
            return
        here = urls.category_page(response.url, self.site)
        if here:
            self.crawler.stats.inc_value("hdnd/health/listing_pages")
        if listing.category:
            for url in listing.articles:
                article_id = urls.article_id(url, self.site)
                if article_id is not None:
                    yield CategoryMembership(self.site.slug, article_id, listing.category)
        elif here and here[1] == 1 and self.plan.had_articles(here[0], self.site):
            self.crawler.stats.inc_value("hdnd/health/empty_categories")
            self.logger.warning(
                "Category %s lists no articles although the archive holds some of it: "
                "has the listing layout changed?",
                response.url,
            )
        elif here:
            self.logger.info("No articles listed on %s", response.url)
        yield from self._follow(listing, response.url)

    def parse_article(self, response: Response) -> Iterable[Any]:
        content_type = self._content_type(response)
        article = self._read(self.extract.article, response, content_type)
        if not article:
            return
        self.crawler.stats.inc_value("hdnd/health/article_pages")
        if not article.body_text:
            missing = self.extract.layout_misses(response.body, self.site, content_type)
            if "body" in missing:
                self.crawler.stats.inc_value("hdnd/health/no_body_container")
                self.logger.warning(
                    "No %s on article page %s: has the page layout changed?",
                    " or ".join(f"{name} ({self.site.selectors[name]})" for name in missing),
                    response.url,
                )
        article.capture = response.meta.get("capture", {})
        yield article
        yield from self.attachment_requests(article)
        yield from self.image_requests(article)
        yield from self.requisite_requests(article, response, content_type)

    def attachment_requests(self, article: Article) -> Iterator[scrapy.Request]:
        """The files an article links to, with room for documents larger than pages."""
        for link in article.attachments:
            meta = {
                "attachment": {"site": article.site, "article_id": article.article_id, **link},
                "download_maxsize": self.settings.getint("ATTACHMENT_MAXSIZE"),
            }
            yield self._request(link["url"], self.parse_attachment, meta=meta)

    def image_requests(self, article: Article) -> Iterator[scrapy.Request]:
        """The site's own images an article shows, fetched only to be kept in the WARC files.

        Images on other hosts are left alone: the crawl asks only its site. Within a run
        Scrapy's duplicate filter fetches an image shared by many articles once; each full run
        fetches them again, which dates the copy each article page shows.
        """
        for image in article.images:
            if not urls.is_site_url(image["url"], self.site):
                continue
            meta = {
                "image": {
                    "site": article.site,
                    "article_id": article.article_id,
                    "url": self.canonical(image["url"]),
                },
                "download_maxsize": self.settings.getint("ATTACHMENT_MAXSIZE"),
            }
            yield self._request(
                image["url"], self.parse_image, errback=self.on_image_error, meta=meta
            )

    def parse_image(self, response: Response) -> Iterable[Any]:
        """Nothing is read from an image: its capture is what the archive records."""
        yield ImageCapture(
            **response.meta["image"],
            content_type=self._content_type(response) or "",
            capture=response.meta.get("capture", {}),
        )

    def requisite_requests(
        self, article: Article, response: Response, content_type: str | None
    ) -> Iterator[scrapy.Request]:
        """What the article page loads to look as it did, fetched only to be kept in the WARC
        files (``CAPTURE_REQUISITES``). Only pages fetched in this run ask: an incremental run
        that finds nothing new fetches none, and each run fetches a shared one once."""
        if not self.settings.getbool("CAPTURE_REQUISITES"):
            return
        # Asked for already as the article's own pictures, with the capture row they make.
        own = {self.canonical(image["url"]) for image in article.images}
        for requisite in page_requisites(response.body, response.url, self.site, content_type):
            if self.canonical(requisite.url) not in own:
                yield self._requisite(requisite, article.article_id, depth=1)

    def _requisite(self, requisite: Requisite, article_id: int, depth: int) -> scrapy.Request:
        meta = {
            "requisite": {
                "article_id": article_id,
                "url": self.canonical(requisite.url),
                "kind": requisite.kind,
                "depth": depth,
            }
        }
        return self._request(
            requisite.url,
            self.parse_requisite,
            errback=self.on_requisite_error,
            meta=meta,
            priority=REQUISITE_PRIORITY,
        )

    def parse_requisite(self, response: Response) -> Iterable[Any]:
        """A requisite is kept as captured; a stylesheet is read for its fonts, pictures and
        imports, resolved against its own URL."""
        self.crawler.stats.inc_value("hdnd/requisites/captured")
        asked = response.meta["requisite"]
        content_type = self._content_type(response) or ""
        if asked["kind"] == "image" and content_type.startswith("image/"):
            # A chrome picture may be another article's picture too, which this fetch stood in
            # for (one fetch a crawl): its capture row is made whichever request got there first.
            yield ImageCapture(
                self.site.slug,
                asked["article_id"],
                asked["url"],
                content_type,
                response.meta.get("capture", {}),
            )
        stylesheet = asked["kind"] == "stylesheet" and not content_type.startswith("text/html")
        if stylesheet and asked["depth"] < STYLESHEET_DEPTH:
            for requisite in stylesheet_requisites(response.body, response.url, self.site):
                yield self._requisite(requisite, asked["article_id"], asked["depth"] + 1)

    def parse_attachment(self, response: Response) -> Iterable[Any]:
        disposition = response.headers.get("Content-Disposition")
        yield attachment_file(
            response.meta["attachment"],
            response.body,
            self._content_type(response),
            disposition.decode("latin-1") if disposition else None,
            response.meta.get("capture", {}),
        )

    def parse_feed(self, response: Response) -> Iterable[Any]:
        for entry in self.extract.feed(response.body, response.url, self.site):
            yield from self._article(entry.url)

    def parse_sitemap(self, response: Response) -> Iterable[Any]:
        sitemaps, articles = self.extract.sitemap(response.body, response.url, self.site)
        for url in sitemaps:
            yield self._request(url, self.parse_sitemap)
        for url in articles:
            yield from self._article(url)

    def on_idle(self) -> None:
        """Once the listings are walked, a full run asks after the archived articles none showed."""
        if self.rechecked:
            return
        self.rechecked = True
        pending = self.plan.unmet(self.met | self.fetching)
        if not pending:
            return
        stats = self.crawler.stats
        if stats.get_value("hdnd/health/empty_categories") or not stats.get_value(
            "hdnd/health/listing_pages"
        ):
            self.logger.warning(
                "The listings look broken; %d archived articles not re-checked for withdrawal",
                len(pending),
            )
            return
        self.logger.info("Re-checking %d archived articles no listing showed", len(pending))
        for seen in pending:
            request = self._request(
                seen.url,
                self.parse_recheck,
                meta=dict(RECHECK_META),
                cb_kwargs={"article_id": seen.article_id},
            )
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def parse_recheck(self, response: Response, article_id: int) -> Iterable[Any]:
        """200: the article, read again; a 301 to its own new URL: follow; else withdrawn."""
        if response.status == 200:
            yield from self.parse_article(response)
            return
        location = (response.headers.get("Location") or b"").decode("latin-1")
        target = response.urljoin(location) if location else ""
        if 300 <= response.status < 400 and redirects_to_itself(target, article_id, self.site):
            yield self._request(target, self.parse_article)
            return
        yield Withdrawal(self.site.slug, article_id, response.status)

    def on_image_error(self, failure: Failure) -> None:
        """A picture the site no longer serves is the site's broken link, not a failed crawl:
        counted apart (``hdnd/images/failed/<kind>``), out of the run's errors and exit code."""
        self._not_captured(failure, "images", "Image")

    def on_requisite_error(self, failure: Failure) -> None:
        """A stylesheet or font the site fails to serve only leaves the replay less dressed:
        counted apart (``hdnd/requisites/failed/<kind>``), out of the run's errors and exit code."""
        self._not_captured(failure, "requisites", "Requisite")

    def _not_captured(self, failure: Failure, counted_as: str, what: str) -> None:
        request = failure.request  # type: ignore[attr-defined]  # Scrapy attaches it
        kind = failure_kind(failure)
        self.crawler.stats.inc_value(f"hdnd/{counted_as}/failed/{kind}")
        self.logger.info("%s not captured %s (%s)", what, request.url, kind)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]  # Scrapy attaches it
        reason = failure.getErrorMessage() or type(failure.value).__name__
        kind = failure_kind(failure)
        self.crawler.stats.inc_value(f"hdnd/errors/{kind}")
        self.logger.warning("Failed %s (%s): %s", request.url, kind, reason)

    @staticmethod
    def _content_type(response: Response) -> str | None:
        value = response.headers.get("Content-Type")
        return value.decode("latin-1") if value else None
