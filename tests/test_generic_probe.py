"""The generic probe on the replayed WordPress site: the entry it writes crawls the site."""

from __future__ import annotations

import re

import pytest

from devtools.testsite.replay import replay
from hdnd_crawler.sites.probe.fetch import PoliteFetch
from hdnd_crawler.sites.probe.generic import article_pattern, probe_generic
from hdnd_crawler.sites.registry import REGISTRY_PATH, build_site, read_toml
from tests.wordpress import CAPTURE, expected


def test_the_article_pattern_is_the_shape_post_urls_share():
    urls = ["http://x.test/2026/10/a-b/", "http://x.test/2025/01/c/", "http://x.test/about/"]
    assert article_pattern(urls) == r"^/\d{4}/\d{2}/[^/]+/$"
    assert article_pattern(["http://x.test/tin-tuc/a-1.html", "http://x.test/tin-tuc/b.html"]) == (
        r"^/tin\-tuc/[^/]+\.html$"
    )


@pytest.mark.servers
def test_the_wordpress_site_is_found_to_be_wordpress_with_numeric_ids():
    with replay(CAPTURE) as mirror:
        finding = probe_generic("http://wp.test", PoliteFetch("http://wp.test", mirror))
    entry = finding.entry
    assert finding.cms == "generic" and finding.confidence == 1.0, finding
    assert entry["article_ids"] == "wordpress"
    assert entry["sitemap_paths"] == ["/wp-sitemap.xml"]
    assert entry["feed_paths"] == ["/feed/"]
    assert entry["selectors"] == {"body": ".entry-content"}
    site = build_site("wp", {**_generic_defaults(), **entry})
    pattern = re.compile(entry["patterns"]["article"])
    assert all(pattern.match(e["url"].removeprefix("http://wp.test")) for e in expected())
    assert not pattern.match("/gioi-thieu/")
    assert site.article_ids == "wordpress"


def _generic_defaults() -> dict:
    return read_toml(REGISTRY_PATH)["generic"]
