"""A generic site's listing pages, feeds and sitemaps → the links the crawl follows.

Only URLs that ``patterns.article`` matches are articles: a WordPress Page ("Giới thiệu"),
author and tag archives are read for their links at most, never archived.
"""

from __future__ import annotations

from lxml import etree

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.generic.identity import is_article, link_id, wordpress_id
from hdnd_crawler.extract.html import clean_text, parse_html, select, text_of
from hdnd_crawler.extract.listing import FeedEntry, Listing
from hdnd_crawler.sites.registry import Site

_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


def _site_link(href: str | None, page_url: str, site: Site) -> str | None:
    url = urls.absolute(href, page_url)
    return urls.canonical_url(url, site) if url and urls.is_site_url(url, site) else None


def _links(nodes, page_url: str, site: Site) -> list[str]:
    found = (_site_link(node.get("href"), page_url, site) for node in nodes)
    return list(dict.fromkeys(url for url in found if url))


def _category_name(tree, site: Site) -> str:
    names = [text_of(n) for n in select(tree, site.selectors["category_name"])]
    if names and names[0]:
        return names[0]
    title = tree.find(".//title")
    return clean_text(title.text_content()).split(" – ")[0] if title is not None else ""


def parse_listing(
    body: bytes | str, url: str, site: Site, content_type: str | None = None
) -> Listing:
    """Links of any HTML page. A page that lists posts (home, a category or author archive)
    also has its items and its other pages (a category's own pages only); a category
    archive also its name."""
    tree = parse_html(body, content_type)
    every_link = _links(tree.iter("a"), url, site)
    items = _links(select(tree, site.selectors["listing_item_links"]), url, site)
    listing = Listing(
        articles=[u for u in items if is_article(u, site)],
        categories=[u for u in every_link if urls.category_alias(u, site)],
    )
    listing.other_articles = [
        u for u in every_link if is_article(u, site) and u not in listing.articles
    ]
    here = urls.category_page(url, site)
    this_page = urls.canonical_url(url, site)
    for page in _links(select(tree, site.selectors["pagination_links"]), url, site):
        other = urls.category_page(page, site)
        same_listing = other[0] == here[0] if here and other else not here and not other
        if same_listing and page != this_page and not is_article(page, site):
            listing.pages.append(page)
    if here is not None and listing.articles:
        listing.category = _category_name(tree, site)
    return listing


def _xml(body: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError:
        return None


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in node if _local(child) == name]


def parse_feed(body: bytes, url: str, site: Site) -> list[FeedEntry]:
    """Articles of an RSS 2.0 or Atom feed; the id is 0 where the URL does not tell it and the
    guid is no ``?p=N`` (it is then read from the article page)."""
    root = _xml(body)
    entries: list[FeedEntry] = []
    for item in root.iter() if root is not None else ():
        if _local(item) not in ("item", "entry"):
            continue
        links = [(n.text or n.get("href") or "").strip() for n in _children(item, "link")]
        guids = [(n.text or "").strip() for n in (*_children(item, "guid"), *_children(item, "id"))]
        article = next(
            (
                u
                for u in (_site_link(h, url, site) for h in links + guids)
                if u and is_article(u, site)
            ),
            None,
        )
        if article is None:
            continue
        number = link_id(article, site) or next(filter(None, map(wordpress_id, guids)), 0)
        entries.append(FeedEntry(article, number))
    return entries


def parse_sitemap(body: bytes, url: str, site: Site) -> tuple[list[str], list[str]]:
    """(pages to read next, article URLs) of a sitemap index or url set: the pages are an
    index's sitemaps, or the category archives a url set lists (WordPress's taxonomy sitemap)."""
    root = _xml(body)
    if root is None:
        return [], []
    locs = [
        link
        for node in root.iter()
        if _local(node) == "loc" and (link := _site_link((node.text or "").strip(), url, site))
    ]
    locs = list(dict.fromkeys(locs))
    if _local(root) == "sitemapindex":
        return locs, []
    categories = [u for u in locs if urls.category_alias(u, site)]
    return categories, [u for u in locs if is_article(u, site)]
