"""Decoding and querying pages: bytes in, lxml trees and plain text out."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import lxml.html
from bs4 import UnicodeDammit
from cssselect import GenericTranslator
from lxml import etree
from w3lib.encoding import html_to_unicode

_SPACE = re.compile(r"\s+")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class PageError(ValueError):
    """The bytes are not an HTML page that can be read."""


def decode(body: bytes, content_type: str | None = None) -> str:
    """Text of ``body`` using the header charset, a BOM or a ``<meta>`` declaration.

    When that declaration is wrong (bytes that do not decode), the encoding is sniffed instead.
    """
    _, text = html_to_unicode(content_type, body)
    if "\ufffd" in text:
        sniffed = UnicodeDammit(body, is_html=True).unicode_markup
        if sniffed and sniffed.count("\ufffd") < text.count("\ufffd"):
            return sniffed
    return text


# Files that servers hand out where a page was expected: images, PDFs, Office/ZIP, gzip.
BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"\xd0\xcf",
)
SNIFF = 4096


def looks_binary(body: bytes) -> bool:
    """A file, not a page: a known file signature, or NUL bytes all over the start.

    A stray NUL in an otherwise fine page (seen in pasted editor text) is not enough.
    """
    head = body[:SNIFF]
    return head.lstrip().startswith(BINARY_MAGIC) or head.count(b"\x00") > len(head) // 100


def parse_html(body: bytes | str, content_type: str | None = None) -> lxml.html.HtmlElement:
    """An lxml tree of the page; :class:`PageError` when nothing parses."""
    if isinstance(body, bytes) and looks_binary(body):
        raise PageError("binary content where HTML was expected")
    text = body if isinstance(body, str) else decode(body, content_type)
    if not text.strip():
        raise PageError("empty page")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise PageError(f"unparseable HTML: {exc}") from exc


@lru_cache(maxsize=256)
def _xpath(css: str) -> etree.XPath:
    return etree.XPath(GenericTranslator().css_to_xpath(css))


def select(node: etree._Element, css: str) -> list[lxml.html.HtmlElement]:
    """Elements under ``node`` matching the CSS selector group ``css``, in document order."""
    return _xpath(css)(node)


@lru_cache(maxsize=64)
def _self_xpath(css: str) -> etree.XPath:
    return etree.XPath(GenericTranslator().css_to_xpath(css, prefix="self::"))


def within(node: etree._Element, css: str) -> bool:
    """Whether an ancestor of ``node`` matches ``css`` (cheaper than selecting the scopes)."""
    test = _self_xpath(css)
    return any(test(ancestor) for ancestor in node.iterancestors())


@lru_cache(maxsize=256)
def _alternatives(css: str) -> tuple[etree.XPath, ...]:
    return tuple(_xpath(part.strip()) for part in css.split(",") if part.strip())


def select_in_order(node: etree._Element, css: str) -> Iterator[lxml.html.HtmlElement]:
    """Matches of each alternative of ``css`` in turn: the preferred one's first."""
    for xpath in _alternatives(css):
        yield from xpath(node)


def select_in_head(tree: lxml.html.HtmlElement, css: str) -> lxml.html.HtmlElement | None:
    """A meta or link: looked for in ``<head>`` first (small), then in a page that misplaced it."""
    head = tree.find("head")
    found = select_one(head, css) if head is not None else None
    return found if found is not None else select_one(tree, css)


def select_one(node: etree._Element, css: str) -> lxml.html.HtmlElement | None:
    """The first element matching the first alternative of ``css`` that matches at all.

    Alternatives are tried in the order written, so a config lists the preferred one first.
    """
    for xpath in _alternatives(css):
        found = xpath(node)
        if found:
            return found[0]
    return None


def clean_text(text: str | None) -> str:
    """NFC, entities that were escaped twice decoded, whitespace (nbsp included) collapsed."""
    if not text:
        return ""
    if _ENTITY.search(text):
        text = htmllib.unescape(text)
    return unicodedata.normalize("NFC", _SPACE.sub(" ", text.replace("\u00a0", " ")).strip())


def text_of(node: etree._Element | None) -> str:
    return clean_text(node.text_content()) if node is not None else ""
