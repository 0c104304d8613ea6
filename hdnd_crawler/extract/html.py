"""Decoding and querying pages: bytes in, lxml trees and plain text out."""

from __future__ import annotations

import codecs
import html as htmllib
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import lxml.html
from bs4 import UnicodeDammit
from cssselect import GenericTranslator
from lxml import etree
from w3lib.encoding import html_to_unicode

_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


class PageError(ValueError):
    """The bytes are not an HTML page that can be read."""


def decode(body: bytes, content_type: str | None = None) -> str:
    """Text of ``body`` using the header charset, a BOM or a ``<meta>`` declaration.

    When that declaration is wrong (bytes that do not decode), the encoding is sniffed instead.
    """
    return _decode(body, content_type)[0]


def _decode(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """The text, and whether it is exactly ``body`` read as UTF-8 (no BOM, nothing replaced)."""
    encoding, text = html_to_unicode(content_type, body)
    if "\ufffd" in text:
        sniffed = UnicodeDammit(body, is_html=True).unicode_markup
        if sniffed and sniffed.count("\ufffd") < text.count("\ufffd"):
            return sniffed, False
        return text, False
    utf8 = codecs.lookup(encoding).name == "utf-8"
    return text, utf8 and not body.startswith(codecs.BOM_UTF8)


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


def html_parser(**options: Any) -> etree.HTMLParser:
    """lxml.html's parser, its element classes picked in C: lxml.html calls Python per element.

    Only the form-control classes (unused here) are lost; every element is still an HtmlElement.
    """
    parser = etree.HTMLParser(**options)
    lookup = etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
    parser.set_element_class_lookup(lookup)
    return parser


# No table of ids: selectors compare @id, none calls id(), and the table costs 2 % of a parse.
_PARSER = html_parser(collect_ids=False)
# Valid UTF-8 is handed to libxml2 as it came: quicker than parsing the decoded str.
_UTF8_PARSER = html_parser(encoding="utf-8", collect_ids=False)


def parse_html(body: bytes | str, content_type: str | None = None) -> lxml.html.HtmlElement:
    """An lxml tree of the page; :class:`PageError` when nothing parses."""
    if isinstance(body, bytes) and looks_binary(body):
        raise PageError("binary content where HTML was expected")
    text, utf8 = (body, False) if isinstance(body, str) else _decode(body, content_type)
    if not text or text.isspace():
        raise PageError("empty page")
    try:
        if utf8:
            return lxml.html.document_fromstring(body, parser=_UTF8_PARSER)
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise PageError(f"unparseable HTML: {exc}") from exc


def _compile_xpath(xpath: str) -> etree.XPath:
    # Without the EXSLT regular expressions no selector uses, each call sets up less.
    return etree.XPath(xpath, regexp=False)


@lru_cache(maxsize=256)
def _xpath(css: str) -> etree.XPath:
    return _compile_xpath(GenericTranslator().css_to_xpath(css))


def select(node: etree._Element, css: str) -> list[lxml.html.HtmlElement]:
    """Elements under ``node`` matching the CSS selector group ``css``, in document order."""
    return _xpath(css)(node)


@lru_cache(maxsize=64)
def _self_xpath(css: str) -> etree.XPath:
    return _compile_xpath(GenericTranslator().css_to_xpath(css, prefix="self::"))


def within(node: etree._Element, css: str) -> bool:
    """Whether an ancestor of ``node`` matches ``css`` (cheaper than selecting the scopes)."""
    test = _self_xpath(css)
    return any(test(ancestor) for ancestor in node.iterancestors())


@lru_cache(maxsize=256)
def _alternatives(css: str, first: bool = False) -> tuple[etree.XPath, ...]:
    """An XPath for each alternative of ``css``; with ``first``, one that stops at its first
    match (see :func:`_first_xpath`)."""
    compile_css = _first_xpath if first else _xpath
    return tuple(compile_css(part.strip()) for part in css.split(",") if part.strip())


def select_in_order(node: etree._Element, css: str) -> Iterator[lxml.html.HtmlElement]:
    """Matches of each alternative of ``css`` in turn: the preferred one's first."""
    for xpath in _alternatives(css):
        yield from xpath(node)


def select_in_head(tree: lxml.html.HtmlElement, css: str) -> lxml.html.HtmlElement | None:
    """A meta or link: looked for in ``<head>`` first (small), then in a page that misplaced it."""
    head = tree.find("head")
    found = select_one(head, css) if head is not None else None
    return found if found is not None else select_one(tree, css)


def _first_xpath(css: str) -> etree.XPath:
    """``css`` keeping only the first match of its last step, where libxml2 can stop searching.

    That set still starts with the first match in document order, as each of its steps runs
    forward. A union has no single last step, so it is left whole.
    """
    xpath = GenericTranslator().css_to_xpath(css)
    return _compile_xpath(xpath if "|" in xpath else f"{xpath}[1]")


def select_one(node: etree._Element, css: str) -> lxml.html.HtmlElement | None:
    """The first element matching the first alternative of ``css`` that matches at all.

    Alternatives are tried in the order written, so a config lists the preferred one first.
    """
    for xpath in _alternatives(css, first=True):
        found = xpath(node)
        if found:
            return found[0]
    return None


def clean_text(text: str | None) -> str:
    """NFC, entities that were escaped twice decoded, whitespace (nbsp included) collapsed."""
    if not text:
        return ""
    if "&" in text and _ENTITY.search(text):
        text = htmllib.unescape(text)
    return unicodedata.normalize("NFC", collapse_spaces(text))


def collapse_spaces(text: str) -> str:
    """``text`` with each run of whitespace made one space, none at either end."""
    # Every whitespace character but " " is unprintable, so printable text with no doubled,
    # leading or trailing space is already collapsed: the usual case, checked without copying.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())  # split() cuts where \s does, nbsp included


def clean_lines(text: str) -> str:
    """Each line of ``text`` cleaned, blank ones dropped."""
    if "\n" not in text:
        return clean_text(text)
    return "\n".join(filter(None, map(clean_text, text.split("\n"))))


def text_of(node: etree._Element | None) -> str:
    return clean_text(node.text_content()) if node is not None else ""
