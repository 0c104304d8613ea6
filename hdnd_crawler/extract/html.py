"""Decoding and querying pages: bytes in, lxml trees and plain text out."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
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


def parse_html(body: bytes | str, content_type: str | None = None) -> lxml.html.HtmlElement:
    """An lxml tree of the page; :class:`PageError` when nothing parses."""
    text = body if isinstance(body, str) else decode(body, content_type)
    if "\x00" in text[:4096]:
        raise PageError("binary content where HTML was expected")
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


@lru_cache(maxsize=256)
def _alternatives(css: str) -> tuple[etree.XPath, ...]:
    return tuple(_xpath(part.strip()) for part in css.split(",") if part.strip())


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
