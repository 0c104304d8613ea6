"""URL identity: every form NukeViet serves for a page maps to one canonical URL."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from hdnd_crawler.sites.registry import Site

# Query parameters that carry no identity: campaign tags and click ids added by referrers.
TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "zarsrc", "_ga", "mc_")
IGNORED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")


# Plain URLs (http(s), a lowercase host name without port, a path of plain characters and
# escapes with no ".", ".." or empty segment) are what most links are. urljoin() keeps them as
# they are and safe_url_string() finds nothing to change in them: both cost ~10 µs a call.
_SEGMENT = r"(?:[\w~-]|%[0-9A-F]{2})(?:[\w.~-]|%[0-9A-F]{2})*"
_PATH = rf"/(?:{_SEGMENT}(?:/{_SEGMENT})*/?)?"
_HOST = r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)*[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
_PLAIN_PATH = re.compile(_PATH, re.ASCII)
_PLAIN_URL = re.compile(rf"https?://{_HOST}{_PATH}", re.ASCII)
# A root-relative link resolves the same on every page of a host (urljoin() drops tabs and
# newlines, which could turn it into a host-relative one).
_ROOT_RELATIVE = re.compile(r"/(?!/)[^\t\r\n]*")
_HOST_ROOT = re.compile(r"https?://[^/?#]+/")


def absolute(href: str | None, page_url: str) -> str | None:
    """``href`` resolved against the page it appeared on, or None for non-links."""
    if not href:
        return None
    href = href.strip()
    if not href or href.lower().startswith(IGNORED_SCHEMES):
        return None
    if _PLAIN_URL.fullmatch(href):
        return href
    root = _root(page_url) if _ROOT_RELATIVE.fullmatch(href) else None
    if root is None:
        return safe_url_string(urljoin(page_url, href))
    return root + href[1:] if _PLAIN_PATH.fullmatch(href) else _from_root(root, href)


@lru_cache(maxsize=64)
def _root(page_url: str) -> str | None:
    """What absolute() makes of ``/`` on ``page_url``, if that is the root of an http(s) host."""
    root = safe_url_string(urljoin(page_url, "/"))
    return root if _HOST_ROOT.fullmatch(root) else None


@lru_cache(maxsize=1024)
def _from_root(root: str, href: str) -> str:
    return safe_url_string(urljoin(root, href))


def _safe(url: str) -> str:
    """``safe_url_string(url.strip())``, skipped for a plain URL."""
    return url if _PLAIN_URL.fullmatch(url) else safe_url_string(url.strip())


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
    if params.get("nv") != site.module:
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
    parts = urlsplit(_safe(url))
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
