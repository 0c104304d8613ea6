"""Withdrawn articles: a full run asks after what no listing showed, marks, never deletes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from devtools.testsite.server import SiteState, redirect, serve
from hdnd_crawler.crawl.plan import CrawlPlan, redirects_to_itself
from hdnd_crawler.records import Sighting, Sightings
from hdnd_crawler.sites.registry import get_site
from tests.crawling import articles, crawl, explain, runs
from tests.small_site import SmallSite

SITE = get_site("hdnd")
BASE = SITE.base_url


def test_a_move_to_the_same_article_is_not_a_withdrawal():
    assert redirects_to_itself(f"{BASE}/ky-hop/ten-moi-7.html", 7, SITE)
    assert redirects_to_itself(
        "http://127.0.0.1:8000/tin-tuc/ten-cu-7.html", 7, SITE.mirrored_at("http://127.0.0.1:8000")
    )
    assert not redirects_to_itself(f"{BASE}/", 7, SITE)
    assert not redirects_to_itself(f"{BASE}/ky-hop/bai-khac-8.html", 7, SITE)


def test_only_full_runs_look_for_unmet_articles_withdrawn_ones_included():
    known = Sightings(
        [
            Sighting(1, f"{BASE}/a/x-1.html"),
            Sighting(2, f"{BASE}/a/x-2.html", gone_at="2024-01-01T00:00:00+00:00"),
            Sighting(3, f"{BASE}/a/x-3.html"),
        ]
    )
    assert [s.article_id for s in CrawlPlan("full", known).unmet({3})] == [1, 2]
    assert CrawlPlan("incremental", known).unmet(set()) == []


@pytest.mark.servers
@pytest.mark.processes
def test_full_run_marks_removed_and_redirected_away_articles_and_follows_moved_ones(tmp_path):
    site = SmallSite(tmp_path / "site", count=12, per_page=4)
    site.write()
    db = tmp_path / "hdnd.db"
    with serve(SiteState(root=site.root)) as base_url:
        assert crawl(base_url, db).returncode == 0
    before = articles(db)
    removed, sent_home, moved = site.by_age()[:3]
    home_path = site.path(sent_home)
    old_path = site.path(moved)
    site.withdraw(removed)
    site.hidden |= {sent_home, moved}
    site.edit(moved, alias="ten-bai-moi")
    site.write()

    state = SiteState(root=site.root)
    # Some NukeViet sites send a deleted article's URL to the home page.
    state.intercept = lambda path: redirect("/") if path == home_path else None
    with serve(state) as base_url:
        result = crawl(base_url, db, "--full")
    assert result.returncode == 0, explain(result)
    rows = articles(db)
    assert rows[removed]["gone_at"] and rows[removed]["last_status"] == 404
    assert rows[sent_home]["gone_at"] and rows[sent_home]["last_status"] == 301
    assert rows[moved]["gone_at"] is None and rows[moved]["last_status"] == 200
    assert old_path in state.requests and site.path(moved) in state.requests
    for article_id in (removed, sent_home):  # marked, with everything archived kept
        assert {
            k: v for k, v in rows[article_id].items() if k not in ("gone_at", "last_status")
        } == {k: v for k, v in before[article_id].items() if k not in ("gone_at", "last_status")}
    assert "2 withdrawn" in runs(db)[-1]["summary"]

    # A second full run finds them still gone: the first date stays.
    with serve(state) as base_url:
        assert crawl(base_url, db, "--full").returncode == 0
    again = articles(db)
    assert again[removed]["gone_at"] == rows[removed]["gone_at"]
    assert "0 withdrawn" in runs(db)[-1]["summary"]


@pytest.mark.servers
@pytest.mark.processes
def test_incremental_run_fetches_a_withdrawn_article_that_is_listed_again(tmp_path):
    site = SmallSite(tmp_path / "site", count=8, per_page=4)
    site.write()
    db = tmp_path / "hdnd.db"
    newest = site.by_age()[-1]
    with serve(SiteState(root=site.root)) as base_url:
        assert crawl(base_url, db).returncode == 0
    page = site.withdraw(newest)
    site.write()
    with serve(SiteState(root=site.root)) as base_url:
        assert crawl(base_url, db, "--full").returncode == 0
    assert articles(db)[newest]["gone_at"]
    site.articles[newest] = replace(page, title="Bài viết được đăng lại")
    site.write()
    with serve(SiteState(root=site.root)) as base_url:
        result = crawl(base_url, db)
    assert result.returncode == 0, explain(result)
    row = articles(db)[newest]
    assert (row["gone_at"], row["title"]) == (None, "Bài viết được đăng lại")
