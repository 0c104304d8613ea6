"""Which URLs of a generic site are articles, and the number each article is archived under.

Rows are keyed by (site, article_id). A site that prints its own numeric ids (WordPress:
``article_ids = "wordpress"``) is keyed by them, read from the page (``?p=N`` shortlink,
``postid-N`` body class) or its feeds (``?p=N`` guid). Any other site is keyed by its canonical
URL, through :func:`url_id`.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlsplit

from hdnd_crawler.extract import urls
from hdnd_crawler.sites.registry import Site

_POST_ID = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")


def url_id(canonical_url: str) -> int:
    """A stable positive id for an article known by its URL alone.

    The first 8 bytes of ``sha256(canonical_url as UTF-8)`` read big-endian, shifted right by
    11 bits: a 53-bit integer (exact in JavaScript and in SQLite's REAL), never 0.
    """
    digest = hashlib.sha256(canonical_url.encode("utf-8")).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) or 1


def is_article(url: str, site: Site) -> bool:
    """Whether ``url`` (any form) is an article page of this site by ``patterns.article``."""
    path = urls.site_path(url, site)
    return path is not None and site.patterns.article.match(path) is not None


def link_id(url: str, site: Site) -> int | None:
    """The id of the article at ``url`` when the URL alone tells it, else None (not an article,
    or a site whose ids are only printed on the page)."""
    if not is_article(url, site):
        return None
    if site.article_ids == "url":
        return url_id(urls.canonical_url(url, site))
    match = site.patterns.article.match(urls.site_path(url, site) or "")
    number = match.groupdict().get("id") if match else None
    return int(number) if number and number.isdigit() else None


def wordpress_id(url: str | None) -> int | None:
    """N of a ``?p=N`` URL (shortlinks, feed guids)."""
    if not url:
        return None
    number = dict(parse_qsl(urlsplit(url).query)).get("p", "")
    return int(number) if number.isdigit() and int(number) > 0 else None


def body_class_id(body_class: str | None) -> int | None:
    """N of the ``postid-N`` class WordPress puts on a post's ``<body>``."""
    match = _POST_ID.search(body_class or "")
    return int(match[1]) if match else None
