"""The article body: editor HTML → clean text and markup, through trafilatura.

The body container is known, so trafilatura runs on that subtree alone (about a tenth of the
cost of a whole page) after :mod:`blocks` has made NukeViet's paragraphs explicit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache
from html import escape

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document, Extractor, use_config

from hdnd_crawler.extract.blocks import Block, Image, flatten
from hdnd_crawler.extract.html import clean_lines, clean_text, html_parser

logger = logging.getLogger(__name__)

# Below this share of the flattened body's words, trafilatura is taken to have cut article text.
MIN_RECALL = 0.97
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Body:
    text: str = ""
    html: str = ""
    images: list[Image] = field(default_factory=list)


@cache
def _options() -> Extractor:
    """Built once: trafilatura would otherwise re-read its config for every body."""
    config = use_config()
    # The input is one article body, short bodies included: no size floor, no timer thread.
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_EXTRACTED_COMM_SIZE"):
        config.set("DEFAULT", key, "1")
    config.set("DEFAULT", "MIN_OUTPUT_COMM_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return Extractor(
        config=config,
        output_format="xml",  # the element tree is all we read; skips building plain text
        fast=True,
        recall=True,
        comments=False,
        tables=True,
        images=True,
        formatting=True,
        links=True,
        dedup=False,
        with_metadata=False,
    )


def _render(blocks: list[Block]) -> str:
    """Blocks as a plain HTML document for trafilatura (and as the fallback body markup)."""
    out: list[str] = []
    open_list = ""
    for block in blocks:
        wanted = ("ol" if block.ordered else "ul") if block.kind == "li" else ""
        if open_list and open_list != wanted:
            out.append(f"</{open_list}>")
            open_list = ""
        if wanted and not open_list:
            out.append(f"<{wanted}>")
            open_list = wanted
        out.append(_render_block(block))
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


def _render_block(block: Block) -> str:
    if block.kind == "h":
        return f"<h{block.level}>{block.html}</h{block.level}>"
    if block.kind == "li":
        return f"<li>{block.html}</li>"
    if block.kind == "quote":
        return f"<blockquote><p>{block.html}</p></blockquote>"
    if block.kind == "img" and block.image:
        return f'<p><img src="{escape(block.image.src)}"></p>'
    if block.kind == "table":
        rows = []
        for index, row in enumerate(block.rows):
            tag = "th" if index < block.header_rows else "td"
            rows.append("<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in row) + "</tr>")
        return '<table border="1">' + "".join(rows) + "</table>"
    return f"<p>{block.html}</p>"


# --- trafilatura's XML back to blocks ---------------------------------------------------------
_FORMAT = {"#b": "b", "#i": "i", "#u": "u", "#sub": "sub", "#sup": "sup"}


def _inline_html(node: etree._Element) -> str:
    parts = [escape(node.text or "", quote=False)]
    if not len(node):
        return parts[0]  # most paragraphs: one run of text
    for child in node:
        tag = child.tag
        if tag == "lb":
            parts.append("<br>")
        elif tag == "hi" and child.get("rend") in _FORMAT:
            name = _FORMAT[child.get("rend")]
            parts.append(f"<{name}>{_inline_html(child)}</{name}>")
        elif tag == "ref" and child.get("target"):
            parts.append(f'<a href="{escape(child.get("target"))}">{_inline_html(child)}</a>')
        elif tag != "graphic":
            parts.append(_inline_html(child))
        parts.append(escape(child.tail or "", quote=False))
    return "".join(parts)


def _inline_text(node: etree._Element) -> str:
    if not len(node):
        return node.text or ""
    parts = [node.text or ""]
    for child in node:
        parts.append("\n" if child.tag == "lb" else _inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _text_block(kind: str, node: etree._Element, **extra) -> Block | None:
    text = clean_lines(_inline_text(node))
    return Block(kind, text=text, html=_inline_html(node).strip(), **extra) if text else None


def _from_xml(body: etree._Element) -> list[Block]:
    blocks: list[Block] = []

    def add(block: Block | None) -> None:
        if block:
            blocks.append(block)

    def visit(node: etree._Element, ordered: bool = False) -> None:
        for child in node:
            tag = child.tag
            if tag == "p":
                add(_text_block("p", child))
                for img in child.iter("graphic"):
                    add(Block("img", image=Image(img.get("src", ""))))
            elif tag == "head":
                level = int((child.get("rend") or "h3").lstrip("h") or 3)
                add(_text_block("h", child, level=level))
            elif tag == "list":
                visit(child, ordered=child.get("rend") == "ol")
            elif tag == "item":
                add(_text_block("li", child, ordered=ordered))
            elif tag == "quote":
                if len(child) and all(c.tag == "p" for c in child):
                    for para in child:
                        add(_text_block("quote", para))
                else:
                    add(_text_block("quote", child))
            elif tag == "table":
                rows = [
                    [clean_text(_inline_text(cell)) for cell in row.iter("cell")]
                    for row in child.iter("row")
                ]
                rows = [r for r in rows if any(r)]
                if rows:
                    text = "\n".join("\t".join(r) for r in rows)
                    heads = 0
                    for row in child.iter("row"):
                        if not all(c.get("role") == "head" for c in row.iter("cell")):
                            break
                        heads += 1
                    add(Block("table", text=text, rows=rows, header_rows=heads))
            elif tag == "graphic":
                add(Block("img", image=Image(child.get("src", ""))))
            elif tag == "code":
                add(_text_block("p", child))

    visit(body)
    return blocks


def _text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks if b.text)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


# Parsed here rather than by trafilatura, like trafilatura parses a string (its parser options,
# the characters it strips first) but with element classes picked in C: ~12 % of the pass.
_PARSER = html_parser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)
_INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _trafilatura_blocks(document: str) -> list[Block] | None:
    tree = lxml.html.document_fromstring(_INVALID_XML_CHARS.sub("", document), parser=_PARSER)
    result = trafilatura.bare_extraction(tree, options=_options())
    if not isinstance(result, Document) or result.body is None:
        return None
    return _from_xml(result.body)


def _to_html(blocks: list[Block], captions: dict[str, str]) -> str:
    """Final body markup: pictures followed by their caption become figures."""
    out: list[Block | str] = []
    skip_caption = ""
    for block in blocks:
        if block.kind == "img" and block.image:
            caption = captions.get(block.image.src, "")
            figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
            out.append(f'<figure><img src="{escape(block.image.src)}">{figcaption}</figure>')
            skip_caption = caption
            continue
        if skip_caption and block.text == skip_caption:
            skip_caption = ""
            continue
        skip_caption = ""
        out.append(block)
    html: list[str] = []
    pending: list[Block] = []
    for item in [*out, ""]:
        if isinstance(item, Block):
            pending.append(item)
            continue
        if pending:
            html.append(_render(pending))
            pending = []
        html.append(item)
    return "".join(html)


def extract_body(node: etree._Element | None, resolve_url, url: str = "") -> Body:
    """Clean text (blocks separated by a blank line), markup and pictures of a body element."""
    if node is None:
        return Body()
    flat, images = flatten(node, resolve_url)
    if not any(b.text for b in flat):
        # A photo story: pictures without a word of text are still the body.
        return Body(html=_to_html(flat, {}), images=images)
    document = f"<html><body><article>{_render(flat)}</article></body></html>"
    blocks = _trafilatura_blocks(document)
    text, flat_text = _text(blocks or []), _text(flat)
    # Words are counted only when trafilatura changed the text: it almost never does.
    if blocks is None or (text != flat_text and _words(text) < MIN_RECALL * _words(flat_text)):
        logger.warning(
            "trafilatura kept %d of %d body words of %s; keeping the flattened body",
            _words(text),
            _words(flat_text),
            url or "a page",
        )
        blocks, text = flat, flat_text
    captions = {i.src: i.caption for i in images if i.caption}
    return Body(text=text, html=_to_html(blocks, captions), images=images)


def extract_page_body(document: str) -> Body:
    """The body of a whole page whose content node is not known: trafilatura finds it.

    Its own boilerplate detection decides what is article text, so nothing is flattened first
    and there is no word count to check it against.
    """
    blocks = _trafilatura_blocks(document) or []
    images = [b.image for b in blocks if b.kind == "img" and b.image]
    return Body(text=_text(blocks), html=_to_html(blocks, {}), images=images)
