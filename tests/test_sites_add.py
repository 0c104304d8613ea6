"""`sites add` on the captured NukeViet sites writes entries that crawl every article.

Each fixture site is replayed on 127.0.0.1 and added under its own address (``--fetch-from``
the replay); the entry is then crawled in full from the replay by ``hdnd-crawler crawl``.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from devtools.testsite.replay import replay
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cli import cli
from tests.crawling import crawl, explain

pytestmark = [pytest.mark.servers, pytest.mark.processes]

FIXTURES = Path(__file__).parent / "fixtures"
CATEGORIES = ["hoat-dong-hdnd", "ky-hop", "tin-tuc-su-kien", "thong-bao"]

# What each entry must say: (fixture, site address, slug, version, module_path, learned selectors).
SITES = {
    "nukeviet-egov": ("http://egov.test", "egov", "4.4", "", {}),
    "nukeviet-45-multilang": ("http://nv45.test", "nv45", "4.5", "/vi/news", {}),
    "nukeviet-45-theme": (
        "http://theme.test",
        "theme",
        "4.5",
        "",
        {
            "listing_item_links": "div.tin-tuc-cot div.tieu-de a[href]",
            "title": "h1.tieu-de-bai, h1",
            "article_root": "div.khung-noi-dung",
            "hometext": "div.tom-tat, div.hometext, [itemprop=description]",
        },
    ),
}


def _expected(fixture: str) -> dict[int, dict]:
    expected = FIXTURES / fixture / "expected"
    return {int(p.stem): json.loads(p.read_text("utf-8")) for p in expected.glob("*.json")}


@pytest.mark.parametrize("fixture", sorted(SITES))
def test_an_added_site_is_described_and_crawled_whole(fixture, tmp_path):
    base_url, slug, version, module_path, selectors = SITES[fixture]
    db = tmp_path / "hdnd.db"
    with replay(FIXTURES / fixture / "capture") as mirror:
        added = CliRunner().invoke(
            cli, ["sites", "add", base_url, "--slug", slug, "--db", str(db), "--fetch-from", mirror]
        )
        assert added.exit_code == 0, added.output
        entry = tomllib.loads((tmp_path / "sites.toml").read_text("utf-8"))["sites"][slug]
        assert entry["cms"] == "nukeviet"
        assert entry["base_url"] == base_url
        assert entry["version"] == version
        assert entry["module"] == "news"
        assert entry["module_path"] == module_path
        assert entry["language"] == "vi"
        assert entry["categories"] == CATEGORIES
        for key, selector in selectors.items():
            assert entry["selectors"][key] == selector
        if not selectors:
            assert "selectors" not in entry  # stock NukeViet: nothing to override
        assert "Confidence: 1.00" in added.output

        result = crawl(mirror, db, "--site", slug, "--full")
        assert result.returncode == 0, explain(result)
    archive = Archive(db)
    try:
        rows = {row["article_id"]: row for row in archive.articles(slug)}
    finally:
        archive.close()
    expected = _expected(fixture)
    assert sorted(rows) == sorted(expected)
    for article_id, row in rows.items():
        assert row["url"].startswith(base_url + module_path + "/")
        assert row["title"] == expected[article_id]["title"]
        assert row["published_at"] == expected[article_id]["published_at"]
        assert row["body_text"]


def test_the_multilingual_site_starts_at_its_news_module(tmp_path):
    db = tmp_path / "hdnd.db"
    with replay(FIXTURES / "nukeviet-45-multilang" / "capture") as mirror:
        result = CliRunner().invoke(
            cli, ["sites", "add", "http://nv45.test", "--db", str(db), "--fetch-from", mirror]
        )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "sites.toml").read_text("utf-8")
    entry = tomllib.loads(text)["sites"]["nv45"]  # the slug from the host name
    assert entry["start_paths"] == ["/vi/news/"]
    # A person reading the file learns where each value came from.
    assert "# nv_module_name, found through article links on the home page" in text
    assert "news module  'news' under /vi/news/" in result.output
