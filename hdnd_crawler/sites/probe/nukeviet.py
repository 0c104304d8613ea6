"""Is a site NukeViet, which version, where its news module lives, in which language, and with
which categories: read from the few pages a site links to itself (home, RSS, a module page)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

from hdnd_crawler.extract.html import PageError, parse_html, select, text_of
from hdnd_crawler.sites.probe.fetch import Fetch, Page, ProbeError, origin

GENERATOR = re.compile(r"NukeViet\s*v?(\d+(?:\.\d+)*)", re.IGNORECASE)
# Inline JavaScript every NukeViet 4 page starts with: nv_base_siteurl="/",nv_lang_data="vi",…
JS_VAR = r'\b{name}\s*=\s*"([^"]*)"'
ASSET_PATHS = ("/themes/", "/assets/js/")
# <module_path>/<category>/<alias>-<id>.html: an article of a news module anywhere on the site.
ARTICLE_PATH = re.compile(r"^(?P<prefix>(?:/[^/]+)*?)/(?P<category>[^/.]+)/[^/]*?-\d+\.html$")
FEED_PATH = re.compile(r"^(?P<prefix>(?:/[^/]+)*?)/rss/(?:(?P<category>[^/]+)/)?$")
FEED_LINKS = "link[rel=alternate][type='application/rss+xml'][href]"


def js_var(html: str, name: str) -> str | None:
    match = re.search(JS_VAR.format(name=re.escape(name)), html)
    return match.group(1) if match else None


@dataclass
class Signs:
    """What says a page was written by NukeViet, and how much each sign weighs."""

    generator: str = ""
    version: str = ""
    seen: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def is_nukeviet(self) -> bool:
        return self.score >= 0.5


def signs_of(page: Page, tree: lxml.html.HtmlElement) -> Signs:
    html = page.text()
    signs = Signs()
    generator = tree.find(".//meta[@name='generator']")
    content = (generator.get("content") or "") if generator is not None else ""
    match = GENERATOR.search(content)
    if match:
        signs.generator, signs.version = content.strip(), match.group(1)
        signs.seen.append(f'generator "{signs.generator}"')
        signs.score += 0.6
    if js_var(html, "nv_base_siteurl") is not None:
        signs.seen.append("nv_base_siteurl in the inline JavaScript")
        signs.score += 0.3
    if any(f'"{path}' in html or f"'{path}" in html for path in ASSET_PATHS):
        signs.seen.append("assets under /themes/ and /assets/js/")
        signs.score += 0.05
    if any(ARTICLE_PATH.match(urlsplit(href).path) for href in _hrefs(tree, page.url)):
        signs.seen.append("article URLs …/<category>/<alias>-<id>.html")
        signs.score += 0.05
    signs.score = min(signs.score, 1.0)
    return signs


def _hrefs(tree: lxml.html.HtmlElement, page_url: str) -> list[str]:
    """The page's links to its own site, absolute."""
    here = origin(page_url)
    found = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            url = urljoin(page_url, href)
            if origin(url) == here:
                found.append(url)
    return found


@dataclass
class Category:
    alias: str
    name: str


@dataclass
class NewsModule:
    """Where the news module lives and what its pages say of it."""

    module: str
    module_path: str
    language: str
    page: Page
    tree: lxml.html.HtmlElement
    categories: list[Category]
    how: list[str]
    # Whether the categories come from the module's own RSS list (sure) or from links (less).
    from_rss: bool


def html_tree(page: Page) -> lxml.html.HtmlElement:
    try:
        return parse_html(page.body, page.headers.get("content-type"))
    except PageError as exc:
        raise ProbeError(f"{page.url} is not an HTML page ({exc})") from exc


def _feeds(tree: lxml.html.HtmlElement, page_url: str) -> list[tuple[str, str | None, str]]:
    """(module path, category or None, title) of each RSS alternate of this site."""
    found = []
    for link in select(tree, FEED_LINKS):
        url = urljoin(page_url, link.get("href", ""))
        match = FEED_PATH.match(urlsplit(url).path) if origin(url) == origin(page_url) else None
        if match:
            found.append((match["prefix"], match["category"], link.get("title", "").strip()))
    return found


def _category_name(title: str, module_title: str) -> str:
    """ "Tin Tức - Kỳ họp" → "Kỳ họp": NukeViet prefixes each category feed with the module's."""
    prefix = f"{module_title} - "
    return title[len(prefix) :] if module_title and title.startswith(prefix) else title


def _from_feeds(tree: lxml.html.HtmlElement, page_url: str) -> tuple[str, list[Category]] | None:
    feeds = _feeds(tree, page_url)
    paths = Counter(prefix for prefix, _, _ in feeds)
    if not paths:
        return None
    module_path = paths.most_common(1)[0][0]
    module_title = next((t for p, c, t in feeds if p == module_path and c is None), "")
    categories = [
        Category(category, _category_name(title, module_title))
        for prefix, category, title in feeds
        if prefix == module_path and category
    ]
    return module_path, categories


def _candidate_paths(tree: lxml.html.HtmlElement, page_url: str) -> list[str]:
    """Module paths that the page's article links live under, the most linked first."""
    counts = Counter(
        match["prefix"]
        for url in dict.fromkeys(_hrefs(tree, page_url))
        if (match := ARTICLE_PATH.match(urlsplit(url).path))
    )
    return [path for path, _ in counts.most_common(3)]


def find_news_module(base_url: str, fetch: Fetch, home: Page) -> NewsModule:
    """The news module, from the home page's RSS list, else from where its article links
    point (then that module's own page is read for its RSS list)."""
    tree = html_tree(home)
    how: list[str] = []
    found = _from_feeds(tree, home.url)
    page, page_tree = home, tree
    if found:
        how.append("the home page's RSS list")
    else:
        for path in _candidate_paths(tree, home.url):
            candidate = fetch(f"{base_url}{path}/")
            if not candidate.ok:
                continue
            candidate_tree = html_tree(candidate)
            found = _from_feeds(candidate_tree, candidate.url)
            if found and found[0] == path:
                page, page_tree = candidate, candidate_tree
                how.append(f"article links on the home page, then the RSS list of {path}/")
                break
            found = None
    if not found:
        raise ProbeError(
            f"{base_url} looks like NukeViet but no news module was found: no RSS list on the"
            " home page, and no page its article links lead to has one"
        )
    module_path, categories = found
    html = page.text()
    module = js_var(html, "nv_module_name") or module_path.rsplit("/", 1)[-1] or "news"
    how.append("nv_module_name" if js_var(html, "nv_module_name") else "the URL")
    language = js_var(html, "nv_lang_data") or (page_tree.get("lang") or "").strip()
    return NewsModule(
        module=module,
        module_path=module_path,
        language=language,
        page=page,
        tree=page_tree,
        categories=categories,
        how=how,
        from_rss=bool(categories),
    )


def site_name(tree: lxml.html.HtmlElement) -> str:
    meta = tree.find(".//meta[@property='og:site_name']")
    if meta is not None and (meta.get("content") or "").strip():
        return meta.get("content", "").strip()
    title = tree.find(".//title")
    return text_of(title).split(" - ")[-1] if title is not None else ""
