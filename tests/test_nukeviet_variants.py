"""The captured NukeViet variants archived exactly, each driven by its registry entry alone.

eGovernment 1.2 (other modules that look like categories, other author label, 12-hour listing
times), NukeViet 4.5 in two languages (news under /vi/news, English sample news beside it) and
4.5 under a custom theme (renamed classes, no microdata; its entry carries its own selectors):
each capture is replayed on 127.0.0.1 and crawled by ``hdnd-crawler crawl`` with the fixture's
``registry.toml`` as the user registry beside the archive, then crawled again incrementally.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from devtools.evaluation import leaked_boilerplate, token_f1
from devtools.testsite.replay import replay
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.extract.nukeviet.listing import parse_listing, parse_sitemap
from hdnd_crawler.sites.registry import Site, get_site, read_toml
from tests.conftest import FIXTURES, starts
from tests.crawling import crawl, explain

SITES = ("nukeviet-egov", "nukeviet-45-multilang", "nukeviet-45-theme")
FIELDS = (
    "url",
    "title",
    "published_at",
    "main_category",
    "categories",
    "author",
    "source",
    "summary",
    "tags",
)


def slug_of(name: str) -> str:
    return next(iter(read_toml(FIXTURES / name / "registry.toml")["sites"]))


def site_of(name: str) -> Site:
    return get_site(slug_of(name), user_file=FIXTURES / name / "registry.toml")


def expected(name: str) -> dict[int, tuple[dict, str]]:
    found = {}
    for path in sorted((FIXTURES / name / "expected").glob("*.json")):
        record = json.loads(path.read_text("utf-8"))
        found[record["article_id"]] = (record, path.with_suffix(".txt").read_text("utf-8"))
    return found


@dataclass
class Crawled:
    slug: str
    first: dict[int, dict]
    second: dict[int, dict]
    versions: tuple[int, int]
    logs: tuple[str, str]


def _rows(db: Path, slug: str) -> tuple[dict[int, dict], int]:
    archive = Archive(db)
    try:
        articles = {row["article_id"]: row for row in archive.articles()}
        assert {row["site"] for row in articles.values()} <= {slug}
        return articles, archive.db["article_versions"].count
    finally:
        archive.close()


@pytest.fixture(scope="module", params=SITES)
@starts("servers", "processes")
def crawled(request, tmp_path_factory) -> Crawled:
    """A full crawl of the replayed capture, then an incremental one over the same replay."""
    name = request.param
    db = tmp_path_factory.mktemp(name) / "archive.db"
    shutil.copy(FIXTURES / name / "registry.toml", db.parent / "sites.toml")
    slug = slug_of(name)
    with replay(FIXTURES / name / "capture") as base_url:
        full = crawl(base_url, db, "--site", slug, "--full", LOG_LEVEL="DEBUG")
        assert full.returncode == 0, explain(full)
        first, first_versions = _rows(db, slug)
        again = crawl(base_url, db, "--site", slug, "--incremental", LOG_LEVEL="DEBUG")
        assert again.returncode == 0, explain(again)
        second, second_versions = _rows(db, slug)
    return Crawled(
        slug, first, second, (first_versions, second_versions), (full.stderr, again.stderr)
    )


def _name(crawled: Crawled) -> str:
    return next(name for name in SITES if slug_of(name) == crawled.slug)


def test_every_expected_article_is_archived_once_and_nothing_else(crawled):
    # No English sample news, no page of another module (laws, faq, about…).
    assert sorted(crawled.first) == sorted(expected(_name(crawled)))


def test_every_field_is_exact(crawled):
    for article_id, (record, _) in expected(_name(crawled)).items():
        row = crawled.first[article_id]
        for field in FIELDS:
            assert row[field] == record[field], (article_id, field)
        if record.get("updated_at"):
            assert row["updated_at"] == record["updated_at"], article_id
        attachments = [{"url": a["url"], "name": a["name"]} for a in row["attachments"]]
        assert attachments == record["attachments"], article_id
        images = [{"url": i["url"], "caption": i["caption"]} for i in row["images"]]
        assert images == record["images"], article_id


def test_bodies_are_the_editors_text_without_page_furniture(crawled):
    scores = []
    for article_id, (_, text) in expected(_name(crawled)).items():
        body = crawled.first[article_id]["body_text"]
        scores.append(token_f1(body, text))
        assert token_f1(body, text) >= 0.98, article_id
        assert leaked_boilerplate(body) == [], article_id
    assert sum(scores) / len(scores) >= 0.995


def test_an_incremental_crawl_over_the_same_site_changes_nothing(crawled):
    assert crawled.second == crawled.first
    assert crawled.versions[1] == crawled.versions[0]


def test_other_modules_are_not_crawled_as_news(crawled):
    assert "/ky-hop/page-2/>" in crawled.logs[0]  # Scrapy logs every request "<GET url>"
    for log in crawled.logs:
        for module in ("laws", "opinions", "faq", "co-cau-to-chuc", "about", "en/news"):
            assert f"/{module}/>" not in log


# --- the listing rules behind it, on the captured pages ------------------------------------
def _captured(name: str, target: str) -> bytes:
    with (FIXTURES / name / "capture" / "responses.jsonl").open(encoding="utf-8") as file:
        for line in file:
            record = json.loads(line)
            if record["url"] == target:
                return (FIXTURES / name / "capture" / record["body"]).read_bytes()
    raise KeyError(target)


def test_a_page_of_another_module_at_a_category_path_is_no_listing():
    # A site that did not list eGovernment's modules as not being categories.
    site = site_of("nukeviet-egov")
    bare = replace(site, patterns=replace(site.patterns, not_category=frozenset({"rss", "tag"})))
    listing = parse_listing(_captured("nukeviet-egov", "/laws/"), "http://egov.test/laws/", bare)
    assert (listing.category, listing.articles, listing.pages) == ("", [], [])
    assert "http://egov.test/ky-hop/" in listing.categories  # its menu still leads to news


def test_an_empty_page_past_the_last_leads_nowhere_further():
    url = "http://egov.test/ky-hop/page-3/"
    listing = parse_listing(
        _captured("nukeviet-egov", "/ky-hop/page-3/"), url, site_of("nukeviet-egov")
    )
    assert listing.articles == [] and listing.category == ""
    assert all(not page.endswith(("page-3/", "page-4/")) for page in listing.pages)


def test_the_sitemap_index_leads_only_to_the_news_modules_sitemaps():
    site = site_of("nukeviet-egov")
    sitemaps, articles = parse_sitemap(
        _captured("nukeviet-egov", "/sitemap.xml"), "http://egov.test/sitemap.xml", site
    )
    assert (sitemaps, articles) == (["http://egov.test/sitemap-vi.news.xml"], [])
