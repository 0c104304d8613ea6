"""Re-extraction rebuilds the archive from WARC files alone, versions and attachments included."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.settings import Settings

from devtools.testsite.server import SiteState, serve
from hdnd_crawler import records as items
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cli import cli
from hdnd_crawler.extract import kinds
from hdnd_crawler.runs.reextract import ReextractError, reextract
from tests.conftest import SITE_ROOT, run_crawl, starts

EDITED = "/tin-tuc/cao-bang-to-chuc-le-ky-niem-70-nam-chien-thang-dien-bien-phu-624.html"
SEEN_TIMES = {"first_seen_at", "last_seen_at", "changed_at", "seen_from", "seen_until"}


@pytest.fixture(scope="module")
@starts("servers", "processes")
def crawled(tmp_path_factory) -> Path:
    """Two crawls into one archive; between them the site edits an article."""
    db = tmp_path_factory.mktemp("reextract") / "archive.db"
    state = SiteState(root=SITE_ROOT)
    with serve(state) as base_url:
        run_crawl(base_url, db)
        page = (SITE_ROOT / EDITED.lstrip("/")).read_bytes().decode("utf-8")
        paragraph = page.index("<p>", page.index('id="news-bodyhtml"'))
        edited = (
            page[:paragraph] + "<p>Đính chính: số liệu đã được cập nhật.</p>" + page[paragraph:]
        )
        state.overrides[EDITED] = edited.encode("utf-8")
        run_crawl(base_url, db)
    return db


def settings_for(db: Path) -> Settings:
    settings = Settings()
    settings.setmodule("hdnd_crawler.crawl.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db), priority="cmdline")
    return settings


def snapshot(db: Path) -> dict[str, list[dict]]:
    """Every table a crawl fills, less the times of sighting (which a replay cannot know)."""
    archive = Archive(db)
    try:
        tables = {
            "articles": "select * from articles order by site, article_id",
            "versions": "select * from article_versions order by site, article_id, version_id",
            "categories": "select site, article_id, category from article_categories"
            " order by site, article_id, category",
            "attachments": "select * from attachments order by site, article_id, url",
        }
        return {
            name: [
                {k: v for k, v in row.items() if k not in SEEN_TIMES | {"version_id"}}
                for row in archive.db.query(sql)
            ]
            for name, sql in tables.items()
        }
    finally:
        archive.close()


def test_reextraction_reproduces_the_archive(crawled, tmp_path):
    original = snapshot(crawled)
    assert len(original["articles"]) == 27
    assert len(original["versions"]) == 1 and original["versions"][0]["url"].endswith(EDITED)
    assert len(original["attachments"]) == 5
    result = CliRunner().invoke(
        cli,
        ["reextract", "--warc-dir", str(crawled.parent / "warc"), "--db", str(tmp_path / "b.db")],
    )
    assert result.exit_code == 0, result.output
    assert "Re-extracted 2 runs" in result.output
    assert "articles 27 new, 1 updated, 26 unchanged" in result.output
    rebuilt = snapshot(tmp_path / "b.db")
    for table, rows in original.items():
        assert rebuilt[table] == rows, table
    # Attachments land content-addressed beside the new archive.
    for row in rebuilt["attachments"]:
        assert (tmp_path / "files" / row["path"]).stat().st_size == row["bytes"]


def test_an_improved_extractor_is_applied_to_old_captures(crawled, tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    stock = kinds.EXTRACTORS["nukeviet"]
    extract = stock.article

    def sharper(body, url, site, content_type=None) -> items.Article:
        article = extract(body, url, site, content_type)
        article.tags = [*article.tags, "đã trích lại"]
        return article

    monkeypatch.setitem(kinds.EXTRACTORS, "nukeviet", replace(stock, article=sharper))
    totals = reextract(crawled.parent / "warc", settings_for(tmp_path / "c.db"))
    assert totals["hdnd/articles/new"] == 27
    archive = Archive(tmp_path / "c.db")
    try:
        assert all(a["tags"][-1] == "đã trích lại" for a in archive.articles("hdnd"))
        assert archive.search_segments() == 1
    finally:
        archive.close()
    # Two runs replayed, each writing to the index: merged once, when both are in.
    assert totals["runs"] == 2
    assert caplog.text.count("Search index merged") == 1


def test_reextraction_refuses_an_archive_with_articles_or_no_warc(crawled, tmp_path):
    with pytest.raises(ReextractError, match="already holds articles"):
        reextract(crawled.parent / "warc", settings_for(crawled))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReextractError, match="no WARC files"):
        reextract(tmp_path / "empty", settings_for(tmp_path / "d.db"))
