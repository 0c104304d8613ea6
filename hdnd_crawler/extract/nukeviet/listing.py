"""NukeViet's listing pages, home page, feeds and sitemaps → the links the crawl follows."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.html import clean_text, parse_html, select, text_of
from hdnd_crawler.extract.listing import FeedEntry, Listing
from hdnd_crawler.sites.registry import Site


def _links(nodes, page_url: str, site: Site, attr: str = "href") -> list[str]:
    found: dict[str, None] = {}
    for node in nodes:
        href = urls.absolute(node.get(attr), page_url)
        if href and urls.is_site_url(href, site):
            found[urls.canonical_url(href, site)] = None
    return list(found)


def _category_links(tree, page_url: str, site: Site) -> list[str]:
    found: dict[str, None] = {}
    for url in _links(select(tree, site.selectors["category_links"]), page_url, site):
        alias = urls.category_alias(url, site)
        if alias:
            found[urls.category_url(alias, site)] = None
    for url in _links(select(tree, site.selectors["feed_links"]), page_url, site):
        alias = urls.feed_category(url, site)
        if alias:
            found[urls.category_url(alias, site)] = None
    return list(found)


def _category_name(tree, site: Site) -> str:
    names = [text_of(n) for n in select(tree, site.selectors["category_name"])]
    if names and names[-1]:
        return names[-1]
    title = tree.find(".//title")
    return clean_text(title.text_content()).split(" - ")[0] if title is not None else ""


# NukeViet's core names the module that rendered a page in an inline script of every page.
_PAGE_MODULE = re.compile(r"""\bnv_module_name\s*=\s*["']([^"']+)["']""")


def page_module(tree) -> str | None:
    """The module that rendered the page (``nv_module_name``), None when it does not say."""
    for script in tree.iter("script"):
        found = _PAGE_MODULE.search(script.text or "")
        if found:
            return found[1]
    return None


def parse_listing(
    body: bytes | str, url: str, site: Site, content_type: str | None = None
) -> Listing:
    """Links of any HTML page; for a category page also its name, items and pagination."""
    tree = parse_html(body, content_type)
    listing = Listing(categories=_category_links(tree, url, site))
    every_article = [
        u for u in _links(tree.iter("a"), url, site) if urls.article_id(u, site) is not None
    ]
    here = urls.category_page(url, site)
    module = page_module(tree)
    if here is None or (module is not None and module != site.module):
        # Not a category, or another module's page at a path that looks like one (eGovernment's
        # /laws/ or /faq/ where news is the home module): read for its links only.
        listing.other_articles = every_article
        return listing
    alias, number = here
    items = _links(select(tree, site.selectors["listing_item_links"]), url, site)
    listing.articles = [u for u in items if urls.article_id(u, site) is not None]
    listing.other_articles = [u for u in every_article if u not in set(listing.articles)]
    for page in _links(select(tree, site.selectors["pagination_links"]), url, site):
        other = urls.category_page(page, site)
        if not other or other[0] != alias or page == urls.canonical_url(url, site):
            continue
        # An empty page past the last (eGovernment answers it 200) leads only back.
        if listing.articles or other[1] < number:
            listing.pages.append(page)
    listing.category = _category_name(tree, site) if listing.articles else ""
    return listing


def parse_feed(body: bytes, url: str, site: Site) -> list[FeedEntry]:
    """Article links of an RSS 2.0 feed (its pubDate is wrong on NukeViet and is ignored)."""
    return [
        FeedEntry(u, urls.article_id(u, site) or 0)
        for u in _xml_links(body, url, site, ("link", "guid"))
        if urls.article_id(u, site) is not None
    ]


def parse_sitemap(body: bytes, url: str, site: Site) -> tuple[list[str], list[str]]:
    """(sub-sitemap URLs, article URLs) of a sitemap index or url set."""
    locs = _xml_links(body, url, site, ("loc",))
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return [], []
    if root is not None and etree.QName(root).localname == "sitemapindex":
        return [u for u in locs if _sitemap_module(u) in (None, site.module)], []
    return [], [u for u in locs if urls.article_id(u, site) is not None]


# NukeViet's core names each module's sitemap /sitemap-<language>.<module>.xml.
_MODULE_SITEMAP = re.compile(r"/sitemap-[a-z]{2}\.([^/.]+)\.xml$")


def _sitemap_module(url: str) -> str | None:
    """The module a sub-sitemap of NukeViet's index lists, None for a sitemap not so named."""
    found = _MODULE_SITEMAP.search(urlsplit(url).path)
    return found[1] if found else None


_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


def _xml_links(body: bytes, url: str, site: Site, names: tuple[str, ...]) -> list[str]:
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    found: dict[str, None] = {}
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname in names and node.text:
            href = urls.absolute(node.text.strip(), url)
            if href and urls.is_site_url(href, site):
                found[urls.canonical_url(href, site)] = None
    return list(found)
