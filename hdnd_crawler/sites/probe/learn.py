"""Selectors for a custom theme, learned from the site's own pages when the stock ones miss.

Each learner finds the node by what it holds (the category's own article links, the title the
head announces, the text no other article page holds), then names it by a CSS
selector that picks exactly that node on every page read, or gives up (None).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import TypeAlias
from urllib.parse import unquote, urlsplit

import lxml.html

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.html import clean_text, select, select_one, text_of, within
from hdnd_crawler.sites.registry import Site

Tree: TypeAlias = lxml.html.HtmlElement
# Classes of grids and spacing that every theme uses everywhere: they name no part of a page.
LAYOUT_CLASS_PREFIXES = (
    "row", "col-", "clearfix", "margin", "m-", "p-", "pull-", "text-", "hidden", "visible",
    "container", "fa", "h5", "well",
)  # fmt: skip


def _classes(node: Tree) -> list[str]:
    return [c for c in (node.get("class") or "").split() if c.isascii()]


def _telling(cls: str) -> bool:
    return not cls.startswith(LAYOUT_CLASS_PREFIXES)


def _candidates(node: Tree) -> list[str]:
    """Selectors that could name ``node``, the most specific-to-it first."""
    tag = node.tag if isinstance(node.tag, str) else "*"
    found = []
    node_id = (node.get("id") or "").strip()
    if node_id and node_id.isascii() and node_id.replace("-", "").replace("_", "").isalnum():
        found.append(f"#{node_id}")
    telling = [c for c in _classes(node) if _telling(c)]
    found += [f"{tag}.{c}" for c in telling]
    if len(telling) > 1:
        found.append(f"{tag}." + ".".join(telling))
    return found


def name_node(node: Tree, trees: Sequence[Tree], pick: Callable[[Tree], Tree | None]) -> str | None:
    """A selector whose first match is ``node`` in its page and, in every other page of
    ``trees``, the node ``pick`` finds there; None when no name fits."""
    for selector in _candidates(node):
        if select_one(node.getroottree().getroot(), selector) is not node:
            continue
        if all(select_one(tree, selector) is pick(tree) for tree in trees):
            return selector
    return None


def _common_ancestor(nodes: Sequence[Tree]) -> Tree:
    paths = [list(reversed([n, *n.iterancestors()])) for n in nodes]
    common = paths[0][0]
    for step in zip(*paths, strict=False):
        if all(s is step[0] for s in step):
            common = step[0]
        else:
            break
    return common


# --- listing pages ---------------------------------------------------------------------------
def listing_selectors(tree: Tree, page_url: str, site: Site) -> dict[str, str] | None:
    """``listing_scope`` and ``listing_item_links`` of a category page whose own articles the
    stock selectors missed: the column holding the links to this category's articles and to
    no other's (side blocks of newest or most read articles mix categories), and the element
    around each title."""
    here = urls.category_page(page_url, site)
    if here is None:
        return None
    links: list[tuple[Tree, str, bool]] = []  # (link, article URL, of this category)
    for a in tree.iter("a"):
        href = urls.absolute(a.get("href"), page_url)
        if not href or not text_of(a) or urls.article_id(href, site) is None:
            continue
        match = site.patterns.article.match(urls.site_path(href, site) or "")
        links.append((a, href, bool(match and match["category"] == here[0])))
    scoped = _main_column(links)
    if scoped is None:
        return None
    scope_selector, own = scoped
    wrappers = Counter(
        (parent.tag, next(iter(_telling_classes(parent)), ""))
        for a in own
        if (parent := a.getparent()) is not None
    )
    (tag, cls), _ = wrappers.most_common(1)[0]
    item = f"{scope_selector} {tag}{'.' + cls if cls else ''} a[href]"
    found = {urls.absolute(a.get("href"), page_url) for a in select(tree, item)}
    wanted = {urls.absolute(a.get("href"), page_url) for a in own}
    if not wanted <= found:
        return None
    return {"listing_scope": scope_selector, "listing_item_links": item}


def _main_column(links: list[tuple[Tree, str, bool]]) -> tuple[str, list[Tree]] | None:
    """The named element holding most of the category's own article links and the fewest
    of other categories', the deepest such; and the own links in it."""
    own_total = len({href for _, href, own in links if own})
    if own_total < 2:
        return None
    held: dict[Tree, tuple[set[str], set[str]]] = {}
    for a, href, own in links:
        for ancestor in a.iterancestors():
            mine, others = held.setdefault(ancestor, (set(), set()))
            (mine if own else others).add(href)
    enough = [
        node
        for node, (mine, _) in held.items()
        if len(mine) >= max(2, 0.6 * own_total) and node.tag not in ("body", "html")
    ]

    def preference(node: Tree) -> tuple[float, int]:
        mine, others = held[node]
        return len(mine) / (len(mine) + len(others)), len(list(node.iterancestors()))

    for node in sorted(enough, key=preference, reverse=True):
        selector = name_node(node, (), lambda tree: None)
        if selector:
            inside = [a for a, _, own in links if own and node in a.iterancestors()]
            return selector, inside
    return None


def _telling_classes(node: Tree) -> list[str]:
    return [c for c in _classes(node) if _telling(c)]


# --- article pages ---------------------------------------------------------------------------
def _head_meta(tree: Tree, prop: str) -> str:
    for meta in tree.iter("meta"):
        if prop in (meta.get("property"), meta.get("name")):
            return clean_text(meta.get("content"))
    return ""


def announced_title(tree: Tree) -> str:
    """The title the head announces (``og:title``, else ``<title>``'s first part)."""
    title = _head_meta(tree, "og:title")
    if not title:
        node = tree.find(".//title")
        title = text_of(node).split(" - ")[0] if node is not None else ""
    return title


def title_node(tree: Tree) -> Tree | None:
    """The heading whose text is the announced title."""
    title = announced_title(tree)
    for tag in ("h1", "h2"):
        for node in tree.iter(tag):
            if title and text_of(node) == title:
                return node
    return None


def _own_segments(trees: Sequence[Tree]) -> list[set[str]]:
    """Each page's pieces of text that none of the other pages holds: the article's own text,
    apart from the furniture (menus, side blocks, footer) every page repeats."""
    pages = [{piece for _, piece in _pieces(tree)} for tree in trees]
    counts = Counter(piece for page in pages for piece in page)
    return [{piece for piece in page if counts[piece] == 1} for page in pages]


def _pieces(tree: Tree) -> Iterator[tuple[Tree, str]]:
    """Every non-empty text and tail in ``tree``, with the node it belongs to (a tail to its
    parent: it is inside the parent, not the node it follows)."""
    for node in tree.iter():
        own_text = isinstance(node.tag, str) and node.tag not in ("script", "style")
        if own_text and (text := clean_text(node.text)):
            yield node, text
        parent = node.getparent()
        if parent is not None and (tail := clean_text(node.tail)):
            yield parent, tail


def _own_lengths(tree: Tree, own: set[str]) -> dict[Tree, int]:
    """How much of each node's text is the page's own."""
    lengths: Counter[Tree] = Counter()
    for node, piece in _pieces(tree):
        if piece in own:
            lengths[node] += len(piece)
    for node in reversed(list(tree.iter())):  # descendants before their ancestors
        parent = node.getparent()
        if parent is not None:
            lengths[parent] += lengths[node]
    return lengths


def body_node(tree: Tree, title: Tree | None, own: set[str]) -> Tree | None:
    """The node holding the article's text on one page: of the named nodes that are mostly
    not links and do not hold the title, the smallest holding nearly all of the page's own
    text (``own``); a footer or side block larger than a short article holds none of it."""
    lengths = _own_lengths(tree, own)
    found: list[tuple[Tree, int, int]] = []
    for node in tree.iter("div", "article", "section", "td"):
        if title is not None and (node is title or title in node.iterdescendants()):
            continue
        if not _candidates(node):
            continue
        text = text_of(node)
        linked = sum(len(text_of(a)) for a in node.iter("a"))
        if linked < len(text) / 3 and lengths[node]:
            found.append((node, lengths[node], len(text)))
    if not found:
        return None
    most = max(length for _, length, _ in found)
    nearly_all = [(size, node) for node, length, size in found if length >= 0.9 * most]
    return min(nearly_all, key=lambda pair: pair[0])[1]


def article_selectors(trees: Sequence[Tree], site: Site) -> dict[str, str]:
    """Article-page selectors that differ from the stock ones, learned across ``trees`` (two
    or more article pages): only those whose stock selector misses on these pages."""
    learned: dict[str, str] = {}
    titles = [title_node(tree) for tree in trees]
    stock = site.selectors
    generic_title = stock["title"].split(",")[-1].strip()
    specific_title = ", ".join(p.strip() for p in stock["title"].split(",")[:-1])
    first_title = titles[0]
    if first_title is not None and all(t is not None for t in titles):
        misses = not specific_title or any(select_one(t, specific_title) is None for t in trees)
        if misses:
            name = name_node(first_title, trees, title_node)
            if name:
                learned["title"] = f"{name}, {generic_title}"
    bodies = [select_one(tree, stock["body"]) for tree in trees]
    if any(b is None for b in bodies):
        owns = _own_segments(trees)
        bodies = [
            body_node(tree, title, own)
            for tree, title, own in zip(trees, titles, owns, strict=True)
        ]
        if all(b is not None for b in bodies):
            name = _name_level(bodies, trees)
            if name:
                learned["body"] = f"{name}, {stock['body']}"
    if any(select_one(tree, stock["article_root"]) is None for tree in trees):
        roots = [
            _common_ancestor([t, b]) if t is not None and b is not None else None
            for t, b in zip(titles, bodies, strict=True)
        ]
        name = _name_level(roots, trees)
        if name:
            learned["article_root"] = name
    if name_of_root := learned.get("article_root"):
        tags = [_tag_links(tree, site) for tree in trees]
        if any(tags) and not any(within(a, stock["tags_scope"]) for found in tags for a in found):
            # Tags sit in a sibling panel of the article's own kind: its class is the scope.
            learned["tags_scope"] = "." + name_of_root.split(".", 1)[1]
    if any(select_one(tree, stock["hometext"]) is None for tree in trees):
        name = _summary_selector(trees)
        if name:
            learned["hometext"] = f"{name}, {stock['hometext']}"
    return learned


def _up(node: Tree | None, levels: int) -> Tree | None:
    for _ in range(levels):
        node = node.getparent() if node is not None else None
    return node


def _picked(pairs: dict[int, Tree | None], tree: Tree) -> Tree | None:
    return pairs[id(tree)]


def _name_level(nodes: Sequence[Tree | None], trees: Sequence[Tree]) -> str | None:
    """A name for ``nodes`` (one per page), or for their parents, or grandparents: the nearest
    level at which one selector picks each page's node."""
    for level in range(4):
        ups = [_up(node, level) for node in nodes]
        if any(u is None or u.tag in ("body", "html") for u in ups):
            return None
        first = ups[0]
        if first is None:
            return None
        pairs: dict[int, Tree | None] = dict(zip(map(id, trees), ups, strict=True))
        name = name_node(first, trees, partial(_picked, pairs))
        if name:
            return name
    return None


def _tag_links(tree: Tree, site: Site) -> list[Tree]:
    found = []
    for a in tree.iter("a"):
        href = a.get("href") or ""
        path = urlsplit(href).path
        if "tag/" in href and site.patterns.tag.match(unquote(path)):
            found.append(a)
    return found


def _summary_selector(trees: Sequence[Tree]) -> str | None:
    """The element whose text is the head's description (NukeViet writes the hometext there)."""
    nodes = []
    for tree in trees:
        description = _head_meta(tree, "description") or _head_meta(tree, "og:description")
        node = next(
            (
                n
                for n in tree.iter("div", "p", "span")
                if description and text_of(n) == description and _candidates(n)
            ),
            None,
        )
        nodes.append(node)
    return _name_level(nodes, trees) if nodes[0] is not None else None
