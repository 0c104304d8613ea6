"""A page's requisites: the files a browser loads to show it as it was (cf. wget
--page-requisites), kept in the WARC files so that the page's replay is styled.

From a page: stylesheets, icons and preloads (``<link>``), scripts, ``<style>`` blocks' own
``url()``/``@import`` targets, and the images of the page's chrome. From a stylesheet: what it
imports and the fonts and pictures it names. Only URLs of the site (its base host and aliases,
where its static files may be served), never ``data:``.

Chrome images are told from per-page pictures by where they sit, not by site knowledge: an
``<img>`` inside a link to another page is a thumbnail or banner of what it links to (related
news differ on every article page: together as many pictures again as articles), so it is left
out; an ``<img>`` in no link, or in a link to the home page (the logo), is the chrome, the same
on every page and fetched once a crawl. An ``<img>`` whose URL has a query is a program's answer,
not a file (NukeViet's cron-job pixel runs the site's scheduled tasks on each hit): left out.
The article's own pictures are in no link either; the crawl fetches them once whichever asks.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.html import PageError, parse_html
from hdnd_crawler.sites.registry import Site

# What a requisite is: a stylesheet is read for its own requisites, the rest only kept.
Kind = Literal["stylesheet", "script", "icon", "image", "resource"]


class Requisite(NamedTuple):
    url: str
    kind: Kind


# <link rel> tokens that make a browser load the target with the page; "preload" per its "as".
_ICON_RELS = frozenset({"icon", "apple-touch-icon", "apple-touch-icon-precomposed"})
_PRELOAD_AS: dict[str, Kind] = {"style": "stylesheet", "script": "script", "image": "image"}
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^\s'"();]+))""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)


def _link_kind(rels: set[str], as_: str) -> Kind | None:
    if "stylesheet" in rels:
        return "stylesheet"
    if rels & _ICON_RELS:
        return "icon"
    if "modulepreload" in rels:
        return "script"
    if "preload" in rels:
        return _PRELOAD_AS.get(as_, "resource")
    return None


def _css_targets(text: str) -> list[tuple[str, Kind]]:
    text = _CSS_COMMENT.sub("", text)
    imports = [next(g for g in m.groups() if g is not None) for m in _CSS_IMPORT.finditer(text)]
    found: list[tuple[str, Kind]] = [(href, "stylesheet") for href in imports]
    for match in _CSS_URL.finditer(text):
        href = next(g for g in match.groups() if g is not None)
        if href not in imports:
            found.append((href, "resource"))
    return found


class _Collected:
    """Requisites in the order met, each URL once, of the site only."""

    def __init__(self, site: Site):
        self.site = site
        self.found: dict[str, Kind] = {}

    def add(self, href: str | None, base: str, kind: Kind) -> None:
        url = urls.absolute(href, base)
        if url and url.startswith(("http://", "https://")) and urls.is_site_url(url, self.site):
            self.found.setdefault(url.partition("#")[0], kind)

    def requisites(self) -> list[Requisite]:
        return [Requisite(url, kind) for url, kind in self.found.items()]


def _is_home(url: str | None, site: Site) -> bool:
    return url is not None and urls.site_path(url, site) == "/"


def page_requisites(
    body: bytes, url: str, site: Site, content_type: str | None = None
) -> list[Requisite]:
    """The requisites of the HTML page ``body`` fetched from ``url``; none if it is no page."""
    try:
        tree = parse_html(body, content_type)
    except PageError:
        return []
    bases = tree.xpath("//base[@href]/@href")
    base = (urls.absolute(bases[0], url) if bases else None) or url
    found = _Collected(site)
    for link in tree.xpath("//link[@href]"):
        rels = set((link.get("rel") or "").lower().split())
        kind = _link_kind(rels, (link.get("as") or "").lower())
        if kind:
            found.add(link.get("href"), base, kind)
    for script in tree.xpath("//script[@src]"):
        found.add(script.get("src"), base, "script")
    for style in tree.xpath("//style"):
        for href, kind in _css_targets(style.text_content()):
            found.add(href, base, kind)
    for image in tree.xpath("//img[@src]"):
        src = image.get("src")
        if urlsplit(src.strip()).query:
            continue
        links = image.xpath("ancestor::a[@href][1]/@href")
        if links and not _is_home(urls.absolute(links[0], base), site):
            continue
        found.add(src, base, "image")
    return found.requisites()


def stylesheet_requisites(body: bytes, url: str, site: Site) -> list[Requisite]:
    """What the stylesheet ``body`` fetched from ``url`` imports and names (fonts, pictures),
    resolved against the stylesheet's own URL."""
    found = _Collected(site)
    for href, kind in _css_targets(body.decode("utf-8-sig", "replace")):
        found.add(href, url, kind)
    return found.requisites()
