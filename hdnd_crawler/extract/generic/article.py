"""One article page of a generic site → an :class:`~hdnd_crawler.records.Article`.

Each field is read from the page's JSON-LD, Open Graph or ``article:*`` meta where present
(:mod:`.metadata`), else from the visible markup the registry's ``[generic.selectors]`` name;
publication dates fall back to htmldate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from posixpath import splitext
from urllib.parse import unquote, urlsplit

import lxml.html
from htmldate import find_date

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.body import Body, extract_body, extract_page_body
from hdnd_crawler.extract.dates import isoformat, parse_iso_datetime
from hdnd_crawler.extract.generic.identity import body_class_id, url_id, wordpress_id
from hdnd_crawler.extract.generic.metadata import Metadata, read_metadata
from hdnd_crawler.extract.html import parse_html, select, select_in_head, select_one, text_of
from hdnd_crawler.records import Article
from hdnd_crawler.sites.registry import Site

Resolver = Callable[[str | None], str | None]
# Links in the body to files of these kinds are the article's attachments.
DOCUMENT_EXTENSIONS = frozenset(
    ".pdf .doc .docx .xls .xlsx .ppt .pptx .odt .ods .odp .rtf .txt .zip .rar .7z".split()
)


def _resolver(page_url: str, site: Site) -> Resolver:
    def resolve(href: str | None) -> str | None:
        absolute = urls.absolute(href, page_url)
        return urls.canonical_url(absolute, site) if absolute else None

    return resolve


def _parse_url(tree, page_url: str, site: Site) -> str:
    """The page's canonical link when it is on this site, else the page URL."""
    link = select_in_head(tree, site.selectors["canonical"])
    href = urls.absolute(link.get("href"), page_url) if link is not None else None
    return urls.canonical_url(href if href and urls.is_site_url(href, site) else page_url, site)


def _parse_article_id(tree, canonical: str, site: Site) -> int:
    if site.article_ids == "url":
        return url_id(canonical)
    link = select_in_head(tree, site.selectors["shortlink"])
    body = tree.find("body")
    return (
        wordpress_id(link.get("href") if link is not None else None)
        or body_class_id(body.get("class") if body is not None else None)
        or 0
    )


def _outside(node, body_node) -> bool:
    return body_node is None or (node is not body_node and body_node not in node.iterancestors())


def _parse_title(tree, root, site: Site, meta: Metadata) -> str:
    if meta.title:
        return meta.title
    heading = text_of(select_one(root, site.selectors["title"]))
    return heading or meta.og_title or text_of(tree.find(".//title")).split(" – ")[0]


def _time(value: str, site: Site) -> datetime | None:
    return parse_iso_datetime(value, site.timezone) if value else None


def _parse_published_at(tree, root, site: Site, meta: Metadata) -> str | None:
    found = _time(meta.published, site)
    for node in select(root, site.selectors["publication_time"]) if found is None else []:
        found = _time(node.get("datetime", ""), site)
        if found:
            break
    if found is None:
        # htmldate reads URLs, headers and text for the date of first publication.
        day = find_date(tree, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S")
        found = _time(day or "", site)
    return isoformat(found)


def _parse_updated_at(root, site: Site, meta: Metadata, published: str | None) -> str | None:
    found = _time(meta.modified, site)
    node = select_one(root, site.selectors["modified_time"]) if found is None else None
    if node is not None:
        found = _time(node.get("datetime", ""), site)
    updated = isoformat(found)
    return updated if updated != published else None  # "modified" = published: never edited


def _parse_author(tree, root, site: Site, meta: Metadata, body_node) -> str:
    if meta.author:
        return meta.author
    for node in select(root, site.selectors["byline"]):
        if _outside(node, body_node) and text_of(node):
            return text_of(node)
    return meta.names.get("author", "")


def _parse_terms(root, site: Site, page_url: str, body_node) -> tuple[list[str], list[str]]:
    """(categories, tags) as the page lists them, told apart by container, rel, then URL."""
    categories: list[str] = []
    tags: list[str] = []
    category_scopes = select(root, site.selectors["category_terms"])
    tag_scopes = select(root, site.selectors["tag_terms"])
    for link in select(root, site.selectors["terms"]):
        name = text_of(link)
        if not name or not _outside(link, body_node):
            continue
        ancestors = set(link.iterancestors())
        rel = (link.get("rel") or "").split()
        href = urls.absolute(link.get("href"), page_url)
        path = (urls.site_path(href, site) if href else None) or ""
        if ancestors.intersection(category_scopes):
            kind = categories
        elif ancestors.intersection(tag_scopes):
            kind = tags
        elif "category" in rel or site.patterns.category.match(path):
            kind = categories
        elif site.patterns.tag.match(path) or "tag" in rel:
            kind = tags
        else:
            continue
        if name not in kind:
            kind.append(name)
    return categories, tags


def _parse_images(root, site: Site, resolve: Resolver, body: Body, body_node):
    images: list[dict[str, str]] = []
    lead = select_one(root, site.selectors["lead_image"])
    src = resolve(lead.get("src")) if lead is not None and _outside(lead, body_node) else None
    if lead is not None and src:
        figure = next(lead.iterancestors("figure"), None)
        caption = figure.find(".//figcaption") if figure is not None else None
        images.append({"url": src, "caption": text_of(caption)})
    seen = {i["url"] for i in images}
    for image in body.images:
        if image.src not in seen:
            seen.add(image.src)
            images.append({"url": image.src, "caption": image.caption})
    return images


def _parse_attachments(scope, resolve: Resolver) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for link in scope.iter("a"):
        href = resolve(link.get("href"))
        path = unquote(urlsplit(href).path) if href else ""
        if not href or splitext(path)[1].lower() not in DOCUMENT_EXTENSIONS:
            continue
        if not any(a["url"] == href for a in found):
            name = text_of(link) or link.get("title", "").strip() or path.rsplit("/", 1)[-1]
            found.append({"url": href, "name": name})
    return found


def parse_article(
    body: bytes | str, url: str, site: Site, content_type: str | None = None
) -> Article:
    """Every field of the article page ``body`` fetched from ``url``.

    The body is read from the content node ``selectors.body`` names when the site's entry has
    one and the page holds it, else trafilatura finds it in the whole page; ``extracted_by``
    says which ("generic/content-node" or "generic/whole-page").
    """
    tree = parse_html(body, content_type)
    canonical = _parse_url(tree, url, site)
    resolve = _resolver(url, site)
    root = select_one(tree, site.selectors["article_root"])
    root = tree if root is None else root
    meta = read_metadata(tree)
    body_css = site.selectors.get("body")
    body_node = select_one(tree, body_css) if body_css else None
    if body_node is not None:
        cleaned, method = extract_body(body_node, resolve, canonical), "generic/content-node"
    else:
        document = lxml.html.tostring(tree, encoding="unicode")
        cleaned, method = extract_page_body(document), "generic/whole-page"
    categories, tags = _parse_terms(root, site, url, body_node)
    categories = categories or meta.sections
    published = _parse_published_at(tree, root, site, meta)
    return Article(
        site=site.slug,
        article_id=_parse_article_id(tree, canonical, site),
        url=canonical,
        title=_parse_title(tree, root, site, meta),
        published_at=published,
        updated_at=_parse_updated_at(root, site, meta, published),
        main_category=categories[0] if categories else "",
        categories=categories,
        author=_parse_author(tree, root, site, meta, body_node),
        summary=meta.description,
        body_text=cleaned.text,
        body_html=cleaned.html,
        images=_parse_images(root, site, resolve, cleaned, body_node),
        attachments=_parse_attachments(body_node if body_node is not None else root, resolve),
        tags=tags or meta.keywords,
        extracted_by=method,
    )


def layout_misses(body: bytes, site: Site, content_type: str | None = None) -> list[str]:
    """``["body"]`` when the entry names a content node and this page has none."""
    css = site.selectors.get("body")
    return ["body"] if css and select_one(parse_html(body, content_type), css) is None else []
