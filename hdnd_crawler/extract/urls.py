"""URL identity: every form NukeViet serves for a page maps to one canonical URL."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from hdnd_crawler.sites import Site

# Query parameters that carry no identity: campaign tags and click ids added by referrers.
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "zarsrc", "_ga", "mc_")
IGNORED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")


# A root-relative path of plain characters with no ".", ".." or empty segment: urljoin() puts it
# after the page's origin as it is, and safe_url_string() finds nothing in it to quote.
_PLAIN_PATH = re.compile(r"/(?:[\w~-][\w.~-]*(?:/[\w~-][\w.~-]*)*/?)?", re.ASCII)


def absolute(href: str | None, page_url: str) -> str | None:
    """``href`` resolved against the page it appeared on, or None for non-links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(IGNORED_SCHEMES):
        return None
    origin = _safe_origin(page_url) if _PLAIN_PATH.fullmatch(href) else None
    return origin + href if origin is not None else safe_url_string(urljoin(page_url, href))


@lru_cache(maxsize=64)
def _safe_origin(page_url: str) -> str | None:
    """What absolute() makes of ``/`` on ``page_url``, less the slash (most links of a page
    are plain root-relative paths, and urljoin() plus safe_url_string() cost ~20 µs a link)."""
    root = safe_url_string(urljoin(page_url, "/"))
    return root[:-1] if root.endswith("/") else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    if (parts.scheme, netloc.rpartition(":")[2]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rpartition(":")[0]
    return f"{parts.scheme.lower()}://{netloc}"


@cache
def _site_origins(origins: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_origin(o) for o in origins)


def is_site_url(url: str, site: Site) -> bool:
    return _origin(url) in _site_origins(site.origins)


def _rewritten_path(path: str, query: list[tuple[str, str]], site: Site) -> tuple[str, bool]:
    """The rewritten path for ``index.php?…&nv=news&op=…`` URLs; (path, True) if rewritten."""
    if not path.endswith("/index.php"):
        return path, False
    params = dict(query)
    if params.get("nv") != "news":
        return path, False
    op = params.get("op", "").strip("/")
    module = site.module_path.rstrip("/")
    if not op:
        return f"{module}/", True
    if site.patterns.article.match(f"{module}/{op}.html"):
        return f"{module}/{op}.html", True
    return f"{module}/{op}/", True


# Pages keep naming the same URLs (their own, tags, shared pictures); each costs ~30 µs to work out.
@lru_cache(maxsize=4096)
def canonical_url(url: str, site: Site) -> str:
    """The site's canonical form of ``url``: base origin, rewritten path, no tracking, no fragment.

    URLs of other hosts come back unchanged but for the fragment.
    """
    return _canonical(url, urlsplit(safe_url_string(url.strip())), site)


def canonical_link(href: str | None, page_url: str, site: Site) -> str | None:
    """The canonical URL of link ``href`` on ``page_url``; None for non-links."""
    url = absolute(href, page_url)
    if not url:
        return None
    if url != url.strip():  # what is left of a broken link: the long way
        return canonical_url(url, site)
    # absolute() made the URL safe already, and safe_url_string() would hand it back unchanged.
    return _canonical(url, urlsplit(url), site)


def _canonical(url: str, parts: SplitResult, site: Site) -> str:
    if not is_site_url(url, site):
        return urlunsplit(parts._replace(fragment=""))
    query = parse_qsl(parts.query, keep_blank_values=True)
    path, rewritten = _rewritten_path(parts.path or "/", query, site)
    if rewritten or site.patterns.article.match(path):
        # An article is its path; attachment downloads keep their selector.
        query = [(k, v) for k, v in query if k in ("download", "id")] if not rewritten else []
        if query and dict(query).get("download") != "1":
            query = []
    else:
        query = [(k, v) for k, v in query if not k.lower().startswith(TRACKING_PREFIXES)]
    base = urlsplit(site.base_url)
    return urlunsplit((base.scheme, base.netloc, path, urlencode(query), ""))


def fetch_url(url: str, site: Site) -> str:
    """Where to request ``url`` from: the canonical URL moved onto the fetch origin."""
    canonical = canonical_url(url, site)
    if site.fetch_base == site.base_url or not is_site_url(url, site):
        return canonical
    return site.fetch_base + canonical[len(site.base_url) :]


def site_path(url: str, site: Site) -> str | None:
    """The canonical path of a URL of this site, None for other hosts."""
    if not is_site_url(url, site):
        return None
    return urlsplit(canonical_url(url, site)).path


def article_id(url: str, site: Site) -> int | None:
    """NukeViet's numeric article id from any URL form of an article page, else None."""
    path = site_path(url, site)
    if path is None or urlsplit(url).query and "download=1" in urlsplit(url).query:
        return None
    match = site.patterns.article.match(path)
    if not match or match["category"] in site.patterns.not_category:
        return None
    return int(match["id"])


def category_alias(url: str, site: Site) -> str | None:
    """The category alias when ``url`` is a category's first listing page."""
    path = site_path(url, site)
    match = site.patterns.category.match(path) if path else None
    if not match or match["category"] in site.patterns.not_category:
        return None
    return match["category"]


def category_page(url: str, site: Site) -> tuple[str, int] | None:
    """(alias, page number) for any listing page of a category, page 1 included."""
    path = site_path(url, site)
    if path is None:
        return None
    alias = category_alias(url, site)
    if alias:
        return alias, 1
    match = site.patterns.category_page.match(path)
    if not match or match["category"] in site.patterns.not_category:
        return None
    return match["category"], int(match["page"])


def category_url(alias: str, site: Site) -> str:
    return f"{site.base_url}{site.module_path.rstrip('/')}/{alias}/"


def feed_category(url: str, site: Site) -> str | None:
    """The category alias of a per-category RSS feed URL (``/rss/<alias>/``)."""
    path = site_path(url, site)
    if not path:
        return None
    module = site.module_path.rstrip("/")
    for feed in site.feed_paths:
        prefix = f"{module}{feed}"
        if path.startswith(prefix):
            alias = path[len(prefix) :].strip("/")
            if alias and "/" not in alias and alias not in site.patterns.not_category:
                return alias
    return None
