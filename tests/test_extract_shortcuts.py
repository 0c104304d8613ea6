"""The extraction's shortcuts give what the general code they skip would give."""

import re
import sys
from urllib.parse import urljoin

import pytest
from w3lib.url import safe_url_string

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.html import collapse_spaces, parse_html, select, select_one
from tests.conftest import SITE_ROOT

PAGE_URLS = [
    "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html",
    "https://HDND.CaoBang.gov.vn:443/tin-tuc/?page=2#top",
    "http://127.0.0.1:8123/a/b/",
    "http://hđnd.vn/tin/a.html",
    "http://user:pass@host.vn:81",
    "file:///srv/site/index.html",
    "/relative/page.html",
    "",
]
HREFS = [
    "/uploads/news/2024_06/anh-1.jpg",
    "/tag/c%E1%BB%AD-tri",
    "/tag/cử-tri",
    "/tag/c%e1%bb%ad-tri",
    "/a/./b/../c",
    "/a//b",
    "/a/b;params?x=1#f",
    "/\t/x",
    "/",
    "//other.vn/x",
    "http://hdnd.caobang.gov.vn/ky-hop/x-5.html",
    "http://HDND.caobang.gov.vn:80/x",
    "https://xn--hnd-vqa.vn/a",
    "http://0x7f.1/a",
    "http://a.b/%2E%2E/x",
    "anh.jpg",
    "../anh.jpg",
    "?page=2",
    " /padded.jpg ",
]


@pytest.mark.parametrize("page_url", PAGE_URLS)
def test_absolute_links_are_what_urljoin_and_safe_url_string_make_of_them(page_url):
    for href in HREFS:
        assert urls.absolute(href, page_url) == safe_url_string(urljoin(page_url, href.strip()))


def test_collapsed_spaces_are_the_regular_expression_s():
    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    for text in ["a", " a  b ", "a\u00a0b", "a\u200bb", f"x{spaces}y", spaces, "", "\x01a"]:
        assert collapse_spaces(text) == re.sub(r"\s+", " ", text).strip()


def test_select_one_is_the_first_match_of_the_first_alternative_that_matches(site):
    for path in sorted(SITE_ROOT.rglob("*.html"))[:10]:
        tree = parse_html(path.read_bytes())
        for css in site.selectors.values():
            matches = (select(tree, part) for part in css.split(","))
            assert select_one(tree, css) is next((m[0] for m in matches if m), None)
