"""Probe a site for ``sites add``: which kind it is, then what its registry entry must say.

NukeViet sites are probed here; any other site goes to the generic probe
(``hdnd_crawler.sites.probe.generic``) when this build has one.
"""

from __future__ import annotations

from hdnd_crawler.extract.kinds import extractor_for
from hdnd_crawler.sites.probe.check import missing, read_article, read_listing
from hdnd_crawler.sites.probe.fetch import Fetch, Page, ProbeError
from hdnd_crawler.sites.probe.finding import Finding
from hdnd_crawler.sites.probe.generic import probe_generic
from hdnd_crawler.sites.probe.learn import article_selectors, listing_selectors
from hdnd_crawler.sites.probe.nukeviet import (
    NewsModule,
    Signs,
    find_news_module,
    html_tree,
    signs_of,
    site_name,
)
from hdnd_crawler.sites.registry import Site, SiteConfigError, site_from_block

# Article pages read to learn and check the entry: several, so that what is common to them
# (a body container, a title) can be told from what one page happens to have.
ARTICLES = 3


# What each learned article selector names, for the comment beside it.
LEARNED_WHAT = {
    "title": "heading the head's og:title names",
    "body": "node holding the article's text (it differs on every page; no page furniture)",
    "article_root": "column holding title and body",
    "tags_scope": "panels of the article's column (tags sit in one of them)",
    "hometext": "summary, the text of the head's description",
}


def probe_site(base_url: str, fetch: Fetch) -> Finding:
    """Read the site's home page and probe it as what it is; :class:`ProbeError` says why not."""
    home = fetch(base_url + "/")
    if not home.ok:
        raise ProbeError(f"{base_url}/ answers HTTP {home.status}, not a page")
    if "html" not in home.headers.get("content-type", "text/html"):
        raise ProbeError(f"{base_url}/ is not a web page ({home.headers['content-type']})")
    signs = signs_of(home, html_tree(home))
    if signs.is_nukeviet:
        return probe_nukeviet(base_url, fetch, home, signs)
    return probe_generic(base_url, fetch)


def _site(entry: dict) -> Site:
    try:
        return site_from_block("probed", entry)
    except SiteConfigError as exc:  # a learned selector the registry refuses: our mistake
        raise ProbeError(f"the entry learned is not valid: {exc}") from exc


def _where(module: NewsModule) -> str:
    if not module.module_path:
        return "at the site root (the home module)"
    return f"under {module.module_path}/"


def probe_nukeviet(base_url: str, fetch: Fetch, home: Page, signs: Signs) -> Finding:
    news = find_news_module(base_url, fetch, home)
    entry: dict = {
        "cms": "nukeviet",
        "name": site_name(html_tree(home)) or base_url.split("//", 1)[-1],
        "base_url": base_url,
        "version": signs.version,
        "language": news.language,
        "module": news.module,
        "module_path": news.module_path,
        "categories": [c.alias for c in news.categories],
    }
    notes = {
        "name": "og:site_name of the home page",
        "version": (
            f"From {signs.seen[0]}; version, language and categories are what the probe saw"
            if signs.version
            else "No generator meta: version unknown"
        ),
        "language": "nv_lang_data of the news pages",
        "module": f"nv_module_name, found through {news.how[0]}",
        "module_path": "News is the home module"
        if not news.module_path
        else "The news module's pages are under this path",
        "categories": (
            "The news module's RSS list (menus also link other modules); the crawl finds"
            " categories itself"
            if news.from_rss
            else "Links on the news pages (no RSS list): the crawl finds categories itself"
        ),
    }
    if news.module_path:
        # The home page belongs to another module: start where the news are.
        entry["start_paths"] = [f"{news.module_path}/"]
        notes["start_paths"] = "the news module's own home page (the site's home is another module)"
    found = [
        f"CMS          NukeViet {signs.version or '(version not stated)'}"
        f" — {', '.join(signs.seen)}",
        f"news module  {news.module!r} {_where(news)} (from {', '.join(news.how)})",
        f"language     {news.language or 'not stated'}",
        f"categories   {len(news.categories)} from "
        + ("the RSS list" if news.from_rss else "links")
        + ": "
        + ", ".join(f"{c.alias} ({c.name})" for c in news.categories),
    ]
    warnings: list[str] = []
    site = _site(entry)
    selectors: dict[str, str] = {}

    # Listing pages: the stock selectors, or the category's own links learned.
    listing_ok, listing_line = False, ""
    for category in news.categories[:2]:
        page = fetch(f"{base_url}{news.module_path}/{category.alias}/")
        if not page.ok:
            continue
        listing = read_listing(page, site)
        if listing.articles:
            listing_ok = True
            listing_line = f"{len(listing.articles)} articles on {page.url} (stock selectors)"
            break
        learned = listing_selectors(html_tree(page), page.url, site)
        if learned:
            selectors.update(learned)
            site = _site({**entry, "selectors": selectors})
            count = len(read_listing(page, site).articles)
            listing_ok = count > 0
            listing_line = f"{count} articles on {page.url} (selectors learned: custom theme)"
            for key in learned:
                notes[f"selectors.{key}"] = (
                    f"Learned on {page.url}, where the stock one found no item: the"
                    " category's own article links, in the page's main column"
                )
            break
    if not listing_ok:
        warnings.append("no category page listed its articles: the crawl will rely on other links")
    found.append(f"listing      {listing_line or 'no articles listed on the category pages read'}")

    # Article pages: from the module's RSS feed, else any the pages link to.
    urls = _article_urls(base_url, fetch, news, site)
    if not urls:
        raise ProbeError(f"{base_url}: no news article found (RSS or links): not a news site?")
    pages = [page for page in (fetch(url) for url in urls[:ARTICLES]) if page.ok]
    trees = [html_tree(page) for page in pages]
    learned = article_selectors(trees, site) if len(trees) >= 2 else {}
    if learned:
        selectors.update(learned)
        site = _site({**entry, "selectors": selectors})
        for key in learned:
            notes[f"selectors.{key}"] = (
                f"Learned from {len(trees)} article pages where the stock one missed: it picks"
                f" the {LEARNED_WHAT.get(key, key)} on each"
            )
    complete = 0
    for page in pages:
        lacking = missing(read_article(page, site))
        complete += not lacking
        if lacking:
            warnings.append(f"{page.url}: no {', '.join(lacking)}")
    found.append(
        f"articles     {complete} of {len(pages)} read whole (title, publication time, body)"
    )
    found.append(
        "selectors    "
        + (
            "learned: " + ", ".join(f"{k} = {v!r}" for k, v in selectors.items())
            if selectors
            else "the stock NukeViet ones all match"
        )
    )
    if selectors:
        entry["selectors"] = selectors
    confidence = signs.score * (complete / len(pages) if pages else 0)
    confidence *= 1.0 if listing_ok else 0.8
    confidence *= 1.0 if news.from_rss else 0.8
    return Finding(
        cms="nukeviet",
        entry=entry,
        found=found,
        confidence=round(confidence, 2),
        warnings=warnings,
        notes=notes,
    )


def _article_urls(base_url: str, fetch: Fetch, news: NewsModule, site: Site) -> list[str]:
    """Articles to read, from as many categories as there are among the first ones."""
    urls: list[str] = []
    feed = fetch(f"{base_url}{news.module_path}/rss/")
    if feed.ok:
        urls = [entry.url for entry in extractor_for(site).feed(feed.body, feed.url, site)]
    if not urls:
        listing = read_listing(news.page, site)
        urls = [*listing.articles, *listing.other_articles]
    by_category: dict[str, list[str]] = {}
    for url in urls:
        match = site.patterns.article.match(url[len(site.base_url) :])
        by_category.setdefault(match["category"] if match else "", []).append(url)
    spread = [url for group in zip(*by_category.values(), strict=False) for url in group]
    return list(dict.fromkeys([*spread, *urls]))
