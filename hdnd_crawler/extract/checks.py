"""Is this the whole page, and the page layout the site config expects? Pure checks on bytes."""

from __future__ import annotations

from hdnd_crawler.extract.html import PageError, looks_binary, parse_html, select_one
from hdnd_crawler.sites.registry import Site

# NukeViet pages end with </html>; only a few bytes (whitespace, a cron pixel) may follow it.
TAIL = 4096


class IncompletePage(PageError):
    """The bytes stop before the page's closing markup: a cut transfer, worth fetching again."""

    kind = "truncated"


class EmptyPage(IncompletePage):
    kind = "empty"


class NotHtml(PageError):
    kind = "not_html"


def check_complete(body: bytes) -> None:
    """Raise unless ``body`` looks like a whole HTML page (empty, binary and cut pages fail)."""
    if not body.strip():
        raise EmptyPage("empty response body")
    if looks_binary(body):
        raise NotHtml("binary content where an HTML page was expected")
    if b"</html" not in body[-TAIL:].lower():
        raise IncompletePage(f"the page stops before </html> after {len(body)} bytes")


def layout_misses(body: bytes, site: Site, content_type: str | None = None) -> list[str]:
    """Names of the article selectors (``article_root``, ``body``) that match nothing here."""
    tree = parse_html(body, content_type)
    return [
        name for name in ("article_root", "body") if select_one(tree, site.selectors[name]) is None
    ]
