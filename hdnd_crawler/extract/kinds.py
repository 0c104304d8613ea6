"""Which extractor reads a site's pages: one per kind of CMS, picked by the registry's ``cms``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hdnd_crawler.extract.checks import layout_misses
from hdnd_crawler.extract.generic import article as generic_article
from hdnd_crawler.extract.generic import listing as generic_listing
from hdnd_crawler.extract.listing import FeedEntry, Listing
from hdnd_crawler.extract.nukeviet.article import parse_article
from hdnd_crawler.extract.nukeviet.listing import parse_feed, parse_listing, parse_sitemap
from hdnd_crawler.records import Article
from hdnd_crawler.sites.registry import Site


@dataclass(frozen=True)
class Extractor:
    """Pure functions of (page bytes, page URL, site[, content type]) for one kind of site."""

    article: Callable[[bytes, str, Site, str | None], Article]
    listing: Callable[[bytes, str, Site, str | None], Listing]
    feed: Callable[[bytes, str, Site], list[FeedEntry]]
    sitemap: Callable[[bytes, str, Site], tuple[list[str], list[str]]]
    # Names of the article-page selectors that match nothing: a layout change shows here.
    layout_misses: Callable[[bytes, Site, str | None], list[str]]


EXTRACTORS: dict[str, Extractor] = {
    "nukeviet": Extractor(parse_article, parse_listing, parse_feed, parse_sitemap, layout_misses),
    "generic": Extractor(
        generic_article.parse_article,
        generic_listing.parse_listing,
        generic_listing.parse_feed,
        generic_listing.parse_sitemap,
        generic_article.layout_misses,
    ),
}


def extractor_for(site: Site) -> Extractor:
    return EXTRACTORS[site.cms]
