"""Probe a site that is not NukeViet (WordPress, a home-grown portal) for a ``generic`` entry.

Reads the home page (generator, name, feeds), robots.txt and the sitemaps (the post URLs),
then a few posts: the article URL pattern is the shape all post URLs share, the content node
the first usual one every sampled post has, and the ids WordPress's when every post prints
its ``?p=N`` shortlink or ``postid-N`` body class.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from hdnd_crawler.sites.probe.fetch import Fetch, Page, ProbeError
from hdnd_crawler.sites.probe.finding import Finding

SITEMAP_PATHS = ("/wp-sitemap.xml", "/sitemap.xml", "/sitemap_index.xml")
# Content nodes of common themes, the most specific first.
CONTENT_NODES = (
    ".entry-content",
    ".wp-block-post-content",
    ".post-content",
    ".td-post-content",
    ".article-content",
    ".news-content",
    "article .content",
)
SAMPLE_POSTS = 3
MAX_SITEMAPS = 4
_SHORTLINK = re.compile(r"[?&]p=(\d+)")
_POSTID = re.compile(r"\bpostid-(\d+)\b")
_XML = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


def _html(page: Page) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(page.body) if page.ok and page.body.strip() else None
    except (etree.ParserError, ValueError):
        return None


def _locs(page: Page) -> tuple[bool, list[str]]:
    """(is an index, the <loc> URLs) of a sitemap page."""
    try:
        root = etree.fromstring(page.body, parser=_XML) if page.ok else None
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return False, []
    locs = [n.text.strip() for n in root.iter() if etree.QName(n).localname == "loc" and n.text]
    return etree.QName(root).localname == "sitemapindex", locs


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _segment_pattern(values: list[str]) -> str:
    if len(set(values)) == 1 and not any(c.isdigit() for c in values[0]):
        return re.escape(values[0])
    for width in (4, 2):
        if all(len(v) == width and v.isdigit() for v in values):
            return rf"\d{{{width}}}"
    if all(v.isdigit() for v in values):
        return r"\d+"
    if all(v.endswith(".html") for v in values):
        return r"[^/]+\.html"
    return "[^/]+"


def article_pattern(post_urls: list[str]) -> str | None:
    """The path shape most post URLs share, as a regular expression
    (e.g. ``^/\\d{4}/\\d{2}/[^/]+/$``)."""
    shapes: dict[tuple[int, bool], list[list[str]]] = {}
    for url in post_urls:
        path = _path(url)
        segments = [s for s in path.split("/") if s]
        if segments:
            shapes.setdefault((len(segments), path.endswith("/")), []).append(segments)
    if not shapes:
        return None
    (count, slash), paths = max(shapes.items(), key=lambda item: len(item[1]))
    parts = [_segment_pattern([p[i] for p in paths]) for i in range(count)]
    return "^/" + "/".join(parts) + ("/" if slash else "") + "$"


# A sub-sitemap of posts, not of pages, tags, categories or authors ("wp-sitemap-posts-post-1.xml",
# "post-sitemap.xml").
_POSTS_SITEMAP = re.compile(r"^(?!.*(?:page|tag|categor|taxonom|author|user)).*post", re.I)


def _post_urls(base: str, fetch: Fetch, found: list[str]) -> tuple[list[str], list[str]]:
    """(sitemap paths that answered, post URLs in them)."""
    robots = fetch(base + "/robots.txt")
    named = re.findall(r"(?im)^\s*sitemap:\s*(\S+)", robots.text()) if robots.ok else []
    for candidate in [*named, *(base + p for p in SITEMAP_PATHS)]:
        page = fetch(urljoin(base + "/", candidate))
        index, locs = _locs(page)
        if not locs:
            continue
        found.append(f"sitemap {_path(candidate)} ({'index' if index else 'url set'})")
        if index:
            posts = [u for u in locs if _POSTS_SITEMAP.search(_path(u).rsplit("/", 1)[-1])]
            urls: list[str] = []
            for sitemap in (posts or locs)[:MAX_SITEMAPS]:
                urls += _locs(fetch(sitemap))[1]
            locs = urls
        return [_path(candidate)], locs
    return [], []


def _feeds(home: lxml.html.HtmlElement, base: str) -> list[str]:
    feeds = []
    for link in home.iter("link"):
        kind = (link.get("type") or "").lower()
        href = link.get("href") or ""
        path = _path(urljoin(base + "/", href))
        is_feed = "alternate" in (link.get("rel") or "") and kind.endswith(("rss+xml", "atom+xml"))
        if is_feed and "comments" not in href and path not in feeds:
            feeds.append(path)
    return feeds[:1]


def _content_node(posts: list[lxml.html.HtmlElement]) -> str | None:
    for css in CONTENT_NODES:
        nodes = [post.cssselect(css) for post in posts]
        if all(len(n) == 1 and len(n[0].text_content().strip()) > 200 for n in nodes):
            return css
    return None


def _numeric_ids(posts: list[lxml.html.HtmlElement]) -> bool:
    def has_id(post: lxml.html.HtmlElement) -> bool:
        links = post.xpath("//link[@rel='shortlink']/@href")
        body = post.find("body")
        return bool(
            (links and _SHORTLINK.search(links[0]))
            or (body is not None and _POSTID.search(body.get("class") or ""))
        )

    return bool(posts) and all(has_id(post) for post in posts)


def probe_generic(base_url: str, fetch: Fetch) -> Finding:
    """A ``generic`` registry entry for the site at ``base_url``, read through ``fetch``."""
    base = base_url.rstrip("/")
    home = _html(fetch(base + "/"))
    if home is None:
        raise ProbeError(f"{base}/ is not an HTML page")
    found: list[str] = []
    warnings: list[str] = []
    generator = " ".join(home.xpath("//meta[@name='generator']/@content")[:1])
    if generator:
        found.append(f"generator: {generator}")
    names = home.xpath("//meta[@property='og:site_name']/@content") or [
        (home.findtext(".//title") or base).split(" – ")[0].strip()
    ]
    entry: dict = {"cms": "generic", "name": names[0].strip(), "base_url": base}
    sitemaps, post_urls = _post_urls(base, fetch, found)
    if sitemaps:
        entry["sitemap_paths"] = sitemaps
    else:
        warnings.append("no sitemap found: articles are found through listings and feeds only")
    feeds = _feeds(home, base)
    if feeds:
        entry["feed_paths"] = feeds
        found.append(f"feed {feeds[0]}")
    pattern = article_pattern(post_urls)
    if pattern is None:
        raise ProbeError(
            f"{base} does not look like a news site: it is not NukeViet, and no sitemap lists"
            " article pages (if it publishes news, write its entry by hand: patterns.article)"
        )
    entry["patterns"] = {"article": pattern}
    found.append(f"article URLs: {pattern} ({len(post_urls)} in the sitemap)")
    posts = [p for p in (_html(fetch(u)) for u in post_urls[:SAMPLE_POSTS]) if p is not None]
    content = _content_node(posts)
    if content:
        entry["selectors"] = {"body": content}
        found.append(f"content node {content} (on {len(posts)} posts)")
    else:
        warnings.append("no common content node: trafilatura will read whole pages")
    numeric = _numeric_ids(posts)
    entry["article_ids"] = "wordpress" if numeric else "url"
    found.append("numeric post ids" if numeric else "no numeric ids: articles keyed by URL")
    checks = [bool(generator), bool(sitemaps), bool(feeds), bool(posts), bool(content)]
    return Finding("generic", entry, found, sum(checks) / len(checks), warnings)
