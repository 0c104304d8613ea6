"""Editor HTML → a flat list of blocks (paragraphs, headings, list items, tables, captions).

NukeViet's editor writes paragraphs as ``<p>``, as bare text split by ``<br />\\n<br />``, or
both in one body, often with text before the first ``<p>``. General-purpose extractors lose
that bare text, so the body is first flattened into explicit blocks here; what the reader never
sees (scripts, embeds, hidden nodes) is dropped on the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from lxml import etree

from hdnd_crawler.extract.html import clean_lines, clean_text, collapse_spaces

DROP = frozenset(
    "script style noscript iframe object embed video audio source track form input button "
    "select option textarea svg canvas map template link meta head title".split()
)
INLINE_MARKUP = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "sub": "sub", "sup": "sup"}
CONTAINERS = frozenset(
    "p div section article header footer center address main aside nav body html tbody "
    "thead tfoot tr td th dl dt dd font span".split()
)
BLOCK_BREAKING = frozenset(
    "p div section article header footer center address main aside nav dl dt dd li tr td th "
    "h1 h2 h3 h4 h5 h6 ul ol table figure blockquote pre hr".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


@dataclass
class Image:
    src: str
    caption: str = ""


@dataclass
class Block:
    """One unit of body text. ``html`` is inline markup (escaped text, b/i/u/sub/sup/a/br)."""

    kind: str  # p | h | li | quote | caption | table | img
    text: str = ""
    html: str = ""
    level: int = 0  # heading level
    ordered: bool = False  # list items
    rows: list[list[str]] = field(default_factory=list)  # tables: cell texts
    header_rows: int = 0
    image: Image | None = None


def _is_hidden(node: etree._Element) -> bool:
    if node.get("hidden") is not None or _HIDDEN_STYLE.search(node.get("style") or ""):
        return True
    return "hidden" in (node.get("class") or "").split()


class Flattener:
    """Walks an editor HTML subtree and collects :class:`Block` objects in reading order."""

    def __init__(self, resolve_url):
        self.resolve_url = resolve_url
        self.blocks: list[Block] = []
        self.images: list[Image] = []
        self._text: list[str] = []
        self._html: list[str] = []
        self._open: list[str] = []  # inline tags open in the current paragraph
        self._breaks = 0
        self._quote = 0
        self._kind: tuple[str, int, bool] | None = None  # heading or list item in progress

    # --- paragraph buffer -------------------------------------------------------------
    def _add_text(self, text: str | None) -> None:
        if not text:
            return
        if not text.isspace():
            if self._breaks >= 2:
                self.flush()
            elif self._breaks == 1 and self._text:
                self._text.append("\n")
                self._html.append("<br>")
            self._breaks = 0
        self._text.append(text)
        self._html.append(escape(text, quote=False))

    def flush(self) -> None:
        text = clean_lines("".join(self._text)) if self._text else ""
        if text:
            html = "".join(self._html)
            if self._open:
                html += "".join(f"</{t}>" for t in reversed(self._open))
            kind, level, ordered = self._kind or ("quote" if self._quote else "p", 0, False)
            self.blocks.append(
                Block(kind, text=text, html=_tidy_inline(html), level=level, ordered=ordered)
            )
        self._text, self._breaks = [], 0
        self._html = ["".join(f"<{t}>" for t in self._open)] if self._open else []

    def _emit(self, block: Block) -> None:
        self.flush()
        self.blocks.append(block)

    def _image(self, node: etree._Element, caption: str = "") -> Image | None:
        src = self.resolve_url(node.get("src") or node.get("data-src"))
        if not src:
            return None
        image = Image(src, caption)
        self.images.append(image)
        return image

    # --- traversal --------------------------------------------------------------------
    def walk(self, node: etree._Element) -> None:
        """Flatten the children of ``node`` (its own tag is handled by the caller)."""
        self._add_text(node.text)
        for child in node:
            tag = child.tag
            if isinstance(tag, str):
                tag = tag.lower()
            elif isinstance(child, etree._Comment | etree._ProcessingInstruction):
                self._add_text(child.tail)
                continue
            else:
                tag = ""
            if tag in DROP or _is_hidden(child):
                pass
            elif tag == "br":
                self._breaks += 1
            elif tag == "img":
                self._img(child)
            elif tag in INLINE_MARKUP or tag == "a":
                self._inline(child, tag)
            elif tag in BLOCK_BREAKING:
                self._block(child, tag)
            else:
                self.walk(child)  # span, font and unknown wrappers are transparent
            self._add_text(child.tail)

    def _inline(self, node: etree._Element, tag: str) -> None:
        if tag == "a":
            href = self.resolve_url(node.get("href"))
            open_tag = f'a href="{escape(href)}"' if href else ""
        else:
            open_tag = INLINE_MARKUP[tag]
        if not open_tag:
            self.walk(node)
            return
        name = open_tag.split()[0]
        self._html.append(f"<{open_tag}>")
        self._open.append(open_tag)
        self.walk(node)
        self._open.pop()
        self._html.append(f"</{name}>")

    def _img(self, node: etree._Element) -> None:
        image = self._image(node)
        if image:
            self._emit(Block("img", image=image))

    def _block(self, node: etree._Element, tag: str) -> None:
        self.flush()
        if tag[0] == "h" and tag[1:].isdigit():
            self._kind = ("h", int(tag[1]), False)
            self.walk(node)
            self.flush()
            self._kind = None
        elif tag in ("ul", "ol"):
            self._list(node, ordered=tag == "ol")
        elif tag == "li":
            self._list_item(node, ordered=False)
        elif tag == "table":
            self._table(node)
        elif tag == "figure":
            self._figure(node)
        elif tag == "blockquote":
            self._quote += 1
            self.walk(node)
            self.flush()
            self._quote -= 1
        elif tag != "hr":
            self.walk(node)
        self.flush()

    def _list(self, node: etree._Element, ordered: bool) -> None:
        for child in node:
            if isinstance(child.tag, str) and child.tag.lower() == "li":
                self._list_item(child, ordered)
            elif isinstance(child.tag, str) and child.tag.lower() in ("ul", "ol"):
                self._list(child, ordered=child.tag.lower() == "ol")

    def _list_item(self, node: etree._Element, ordered: bool) -> None:
        outer = self._kind
        self._kind = ("li", 0, ordered)
        self.walk(node)
        self.flush()
        self._kind = outer

    def _figure(self, node: etree._Element) -> None:
        if not any(True for _ in node.iter("img")):
            # A figure of a table or a quote (WordPress's table block): its content is text.
            self.walk(node)
            return
        captions = [c for c in node.iter("figcaption")]
        caption = clean_text(" ".join(c.text_content() for c in captions))
        for img in node.iter("img"):
            image = self._image(img, caption)
            if image:
                self._emit(Block("img", image=image))
        if caption:
            self._emit(Block("caption", text=caption, html=escape(caption, quote=False)))

    def _table(self, node: etree._Element) -> None:
        rows = [tr for tr in node.iter("tr") if next(tr.iterancestors("table"), None) is node]
        cells = [[c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")] for tr in rows]
        if _is_picture_table(node, cells):
            self._picture_table(cells)
            return
        caption = node.find("caption")
        if caption is not None and text_content(caption):
            text = clean_text(caption.text_content())
            self._emit(Block("caption", text=text, html=escape(text, quote=False)))
        texts: list[list[str]] = []
        header_rows = 0
        for row in cells:
            texts_row = [self._cell_text(c) for c in row]
            if any(texts_row):
                texts.append(texts_row)
                if all(c.tag == "th" for c in row) and len(texts) == header_rows + 1:
                    header_rows += 1
        if texts:
            text = "\n".join("\t".join(row) for row in texts)
            self._emit(Block("table", text=text, rows=texts, header_rows=header_rows))

    def _cell_text(self, cell: etree._Element) -> str:
        if not len(cell):  # most cells: what flattening one run of text comes to
            return clean_text(clean_lines(cell.text or ""))
        inner = Flattener(self.resolve_url)
        inner.walk(cell)
        inner.flush()
        self.images.extend(inner.images)
        return clean_text(" ".join(b.text for b in inner.blocks if b.text))

    def _picture_table(self, cells: list[list[etree._Element]]) -> None:
        flat = [c for row in cells for c in row]
        caption = clean_text(" ".join(c.text_content() for c in flat if not list(c.iter("img"))))
        for cell in flat:
            for img in cell.iter("img"):
                image = self._image(img, caption)
                if image:
                    self._emit(Block("img", image=image))
        if caption:
            self._emit(Block("caption", text=caption, html=escape(caption, quote=False)))


def text_content(node: etree._Element) -> str:
    return clean_text(node.text_content())


def _is_picture_table(node: etree._Element, cells: list[list[etree._Element]]) -> bool:
    """Old editors framed a picture and its caption in a one-column table."""
    if "image-center" in (node.get("class") or "").split():
        return True
    has_image = any(True for _ in node.iter("img"))
    return has_image and len(cells) <= 3 and all(len(row) <= 1 for row in cells)


_EMPTY_TAGS = re.compile(r"<(b|i|u|sub|sup|a)(?: [^>]*)?>\s*</\1>")


def _tidy_inline(html: str) -> str:
    previous = None
    while previous != html and "</" in html:
        previous, html = html, _EMPTY_TAGS.sub("", html)
    return collapse_spaces(html)


def flatten(node: etree._Element, resolve_url) -> tuple[list[Block], list[Image]]:
    """Blocks and pictures of the editor HTML under ``node``, in reading order."""
    flattener = Flattener(resolve_url)
    flattener.walk(node)
    flattener.flush()
    return flattener.blocks, flattener.images
