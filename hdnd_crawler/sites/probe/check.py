"""Read a site's pages with its own extractor, as the crawl will: what ``sites check`` prints
and what ``sites add`` verifies an entry by before writing it."""

from __future__ import annotations

from dataclasses import dataclass, field

from hdnd_crawler.extract.html import PageError
from hdnd_crawler.extract.kinds import extractor_for
from hdnd_crawler.extract.listing import Listing
from hdnd_crawler.records import Article
from hdnd_crawler.sites.probe.fetch import Fetch, Page, ProbeError
from hdnd_crawler.sites.registry import Site

# Without these an article is not archived (the pipelines' validation drops it).
REQUIRED = ("title", "published_at", "body_text")
# Category links tried for one that lists articles.
CATEGORY_TRIES = 4


def read_listing(page: Page, site: Site) -> Listing:
    try:
        return extractor_for(site).listing(
            page.body, page.url, site, page.headers.get("content-type")
        )
    except PageError as exc:
        raise ProbeError(f"{page.url} cannot be read as a page ({exc})") from exc


def read_article(page: Page, site: Site) -> Article | None:
    try:
        return extractor_for(site).article(
            page.body, page.url, site, page.headers.get("content-type")
        )
    except PageError:
        return None


def missing(article: Article | None) -> list[str]:
    """The required fields an article lacks (all of them when the page could not be read)."""
    if article is None:
        return list(REQUIRED)
    return [name for name in REQUIRED if not getattr(article, name)]


@dataclass
class SiteCheck:
    """What a site's extractor made of a listing page and a few articles."""

    listing_url: str = ""
    listing: Listing | None = None
    articles: list[tuple[str, Article | None]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.articles) and not any(missing(a) for _, a in self.articles)


def check_site(site: Site, fetch: Fetch, articles: int = 3) -> SiteCheck:
    """Fetch the site's first start page, the first category it links to that lists articles,
    and ``articles`` of them (else of any the pages link to), and read each with the site's
    extractor."""
    result = SiteCheck()
    start = fetch(site.base_url + site.start_paths[0])
    if not start.ok:
        raise ProbeError(f"{start.url} answers HTTP {start.status}")
    listing = read_listing(start, site)
    result.listing_url, result.listing = start.url, listing
    # Menus link other modules' pages too (/laws/, /faq/…): the first category page that
    # lists articles is the one to show.
    for category in listing.categories[:CATEGORY_TRIES]:
        page = fetch(category)
        if page.ok:
            read = read_listing(page, site)
            if read.articles:
                result.listing_url, result.listing = page.url, read
                break
    listed = result.listing
    candidates = [*listed.articles, *listed.other_articles, *listing.other_articles]
    for url in list(dict.fromkeys(candidates))[:articles]:
        page = fetch(url)
        result.articles.append((page.url, read_article(page, site) if page.ok else None))
    return result
