"""One article page → an :class:`~hdnd_crawler.records.Article`; one ``_parse_<field>`` a field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import lxml.html

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.body import Body, extract_body
from hdnd_crawler.extract.dates import (
    isoformat,
    parse_iso_datetime,
    parse_nukeviet_meta_time,
    parse_vn_datetime,
)
from hdnd_crawler.extract.html import (
    clean_text,
    parse_html,
    select,
    select_in_head,
    select_in_order,
    select_one,
    text_of,
    within,
)
from hdnd_crawler.records import Article
from hdnd_crawler.sites.registry import Site

Resolver = Callable[[str | None], str | None]


def _resolver(page_url: str, site: Site) -> Resolver:
    def resolve(href: str | None) -> str | None:
        absolute = urls.absolute(href, page_url)
        return urls.canonical_url(absolute, site) if absolute else None

    return resolve


def _root(tree: lxml.html.HtmlElement, site: Site) -> lxml.html.HtmlElement:
    root = select_one(tree, site.selectors["article_root"])
    return tree if root is None else root


def _parse_url(tree, page_url: str, site: Site) -> str:
    """The page's own canonical link when it names an article of this site, else the page URL."""
    link = select_in_head(tree, site.selectors["canonical"])
    href = urls.absolute(link.get("href"), page_url) if link is not None else None
    if href and urls.article_id(href, site) is not None:
        return urls.canonical_url(href, site)
    return urls.canonical_url(page_url, site)


def _parse_title(root, site: Site) -> str:
    return text_of(select_one(root, site.selectors["title"]))


def _parse_published_at(tree, root, site: Site) -> str | None:
    for node in select_in_order(root, site.selectors["publication_time"]):
        value = parse_vn_datetime(text_of(node), site.timezone)
        if value:
            return isoformat(value)
    # A theme that restyles the date line still has the head's meta tag.
    meta = select_in_head(tree, site.selectors["publication_meta"])
    if meta is not None:
        return isoformat(parse_nukeviet_meta_time(meta.get("content", ""), site.timezone))
    return None


def _parse_updated_at(tree, root, site: Site) -> str | None:
    # NukeViet prints the last edit time in both datePublished and dateModified.
    node = select_one(root, site.selectors["modified_time"])
    if node is not None:
        return isoformat(parse_iso_datetime(text_of(node), site.timezone))
    meta = select_in_head(tree, site.selectors["modified_meta"])
    if meta is not None:
        return isoformat(parse_nukeviet_meta_time(meta.get("content", ""), site.timezone))
    return None


def _parse_main_category(tree, site: Site) -> str:
    node = select_in_head(tree, site.selectors["main_category"])
    return text_of(node) or (node.get("content", "").strip() if node is not None else "")


def _labelled_lines(root, site: Site, body) -> list[tuple[str, str]]:
    """(label, text) of each ``<strong>Label: </strong>text`` byline paragraph outside the body."""
    lines = []
    for node in select(root, site.selectors["byline"]):
        if body is not None and body in node.iterancestors():
            continue  # a byline the editor typed into the body is body text
        strong = node.find(".//strong")
        if strong is None:
            continue
        label = text_of(strong)
        lines.append((label.rstrip(":").strip(), text_of(node)[len(label) :].lstrip(": ").strip()))
    return lines


def _labelled(lines: list[tuple[str, str]], labels: tuple[str, ...]) -> str:
    return next((text for label, text in lines if label in labels), "")


def _parse_summary(tree, root, site: Site, title: str) -> str:
    node = select_one(root, site.selectors["hometext"])
    if node is not None:
        return text_of(node)  # an empty hometext is an empty summary
    # A theme that renamed the hometext's element still has it in the head's description;
    # NukeViet writes "<title> - Detail - …" there instead when the hometext is empty.
    meta = select_in_head(tree, site.selectors["summary_meta"])
    description = clean_text(meta.get("content")) if meta is not None else ""
    return "" if title and description.startswith(title) else description


def _parse_lead_image(root, site: Site, resolve: Resolver) -> list[dict[str, str]]:
    figure = select_one(root, site.selectors["lead_figure"])
    if figure is None:
        return []
    full = select_one(root, site.selectors["lead_full_image"])
    img = full if full is not None else figure.find(".//img")
    src = resolve(img.get("src")) if img is not None else None
    if not src:
        return []
    caption = figure.find(".//figcaption")
    return [{"url": src, "caption": text_of(caption)}]


def _parse_images(root, site: Site, resolve: Resolver, body: Body) -> list[dict[str, str]]:
    """The lead image, then the body's pictures. When NukeViet made the first body picture the
    lead image, it is both: the lead image without a caption, the picture with its own."""
    images = _parse_lead_image(root, site, resolve)
    seen: set[str] = set()
    for image in body.images:
        if image.src not in seen:
            seen.add(image.src)
            images.append({"url": image.src, "caption": image.caption})
    return images


def _parse_attachments(root, site: Site, resolve: Resolver) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for link in select(root, site.selectors["attachments"]):
        href = resolve(link.get("href"))
        if not href or any(a["url"] == href for a in found):
            continue
        name_node = select_one(link, site.selectors["attachment_name"])
        name = text_of(name_node) or link.get("title", "").strip() or text_of(link)
        found.append({"url": href, "name": name})
    return found


def _tag_links(tree) -> Iterator[lxml.html.HtmlElement]:
    # Every tag URL form contains "tag/"; the site's pattern then says which really are tags.
    # (Walking the links beats an XPath over the whole page.)
    return (a for a in tree.iter("a") if "tag/" in (a.get("href") or ""))


def _parse_tags(tree, site: Site, page_url: str, body) -> list[str]:
    tags: list[str] = []
    for link in _tag_links(tree):
        if body is not None and body in link.iterancestors():
            continue
        if not within(link, site.selectors["tags_scope"]):
            continue
        href = urls.absolute(link.get("href"), page_url)
        path = urls.site_path(href, site) if href else None
        if not path or not site.patterns.tag.match(path):
            continue
        tag = text_of(link) or link.get("title", "").strip()
        if tag and tag not in tags:
            tags.append(tag)
    if not tags:
        # A theme that moved the tag links still has the head's article:tag metas.
        head = tree.find("head")
        for meta in select(tree if head is None else head, site.selectors["tag_meta"]):
            tag = clean_text(meta.get("content"))
            if tag and tag not in tags:
                tags.append(tag)
    return _in_editors_order(tags, tree, site)


def _in_editors_order(tags: list[str], tree, site: Site) -> list[str]:
    """``tags`` in the order the editor typed them: NukeViet shows them in the order of its tag
    table but writes them as typed (lower-cased) in the keywords meta. Only when that meta holds
    every tag: keywords that are not the tags say nothing of their order."""
    meta = select_in_head(tree, site.selectors["keywords_meta"])
    keywords = clean_text(meta.get("content")).casefold() if meta is not None else ""
    positions = {}
    for tag in tags:
        # A whole keyword: between commas or the ends, spaces aside (a tag may hold a comma).
        found = re.search(rf"(?:^|,)\s*{re.escape(tag.casefold())}\s*(?:,|$)", keywords)
        if not found:
            return tags
        positions[tag] = found.start()
    return sorted(tags, key=positions.__getitem__)


def parse_article(
    body: bytes | str, url: str, site: Site, content_type: str | None = None
) -> Article:
    """Every field of the article page ``body`` fetched from ``url``.

    Raises :class:`~hdnd_crawler.extract.html.PageError` when the bytes are not HTML; a page
    that is HTML but not an article comes back with empty fields, for validation to judge.
    """
    tree = parse_html(body, content_type)
    canonical = _parse_url(tree, url, site)
    resolve = _resolver(url, site)
    root = _root(tree, site)
    body_node = select_one(root, site.selectors["body"])
    cleaned = extract_body(body_node, resolve, canonical)
    main_category = _parse_main_category(tree, site)
    bylines = _labelled_lines(root, site, body_node)
    title = _parse_title(root, site)
    return Article(
        site=site.slug,
        article_id=urls.article_id(canonical, site) or 0,
        url=canonical,
        title=title,
        published_at=_parse_published_at(tree, root, site),
        updated_at=_parse_updated_at(tree, root, site),
        main_category=main_category,
        categories=[main_category] if main_category else [],
        author=_labelled(bylines, site.labels["author"]),
        source=_labelled(bylines, site.labels["source"]),
        summary=_parse_summary(tree, root, site, title),
        body_text=cleaned.text,
        body_html=cleaned.html,
        images=_parse_images(root, site, resolve, cleaned),
        attachments=_parse_attachments(root, site, resolve),
        tags=_parse_tags(tree, site, url, body_node),
        extracted_by="nukeviet",
    )
