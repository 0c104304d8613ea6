"""Scheduled runs against a site that changes: cheap incremental runs, thorough full ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.crawl.plan import CrawlPlan
from hdnd_crawler.extract.listing import Listing
from hdnd_crawler.records import Sighting, Sightings
from tests.crawling import (
    article_requests,
    articles,
    crawl,
    explain,
    runs,
    versions,
    without_requisites,
)
from tests.small_site import CATEGORIES, SmallSite, body

# robots.txt, the home page and page 1 of every category (the sub-category included).
UNCHANGED_COST = len(CATEGORIES) + 2


@pytest.mark.servers
@pytest.mark.processes
def test_incremental_runs_cost_little_and_full_runs_catch_edits_and_withdrawals(tmp_path):
    site = SmallSite(tmp_path / "site", count=24, per_page=4)
    site.write()
    db = tmp_path / "hdnd.db"

    state = SiteState(root=site.root)
    with serve(state) as base_url:
        first = crawl(base_url, db)  # the default mode; an empty archive is crawled in full
        assert first.returncode == 0, explain(first)
        assert set(articles(db)) == set(site.articles)
        (run,) = runs(db)
        assert (run["mode"], run["status"], run["exit_code"]) == ("full", "ok", 0)
        assert run["new_articles"] == 24

        before = articles(db)
        state.requests.clear()
        second = crawl(base_url, db)
        assert second.returncode == 0, explain(second)
        assert len(state.requests) == UNCHANGED_COST, state.requests
        assert articles(db) == before  # not a single column of a single row changed
        run = runs(db)[-1]
        assert (run["mode"], run["status"], run["requests"]) == (
            "incremental",
            "ok",
            UNCHANGED_COST,
        )
        assert (run["new_articles"], run["updated_articles"], run["errors"]) == (0, 0, 0)
        assert second.stdout.strip() == run["summary"]

    oldest = site.by_age()
    edited_body, edited_title, withdrawn = oldest[:3]
    added = [site.add() for _ in range(3)]
    site.edit(edited_body, body_html=body(0, ", có sửa đổi"))
    site.edit(edited_title, title="HĐND tỉnh họp phiên thứ nhất (đã sửa)")
    gone_page = site.withdraw(withdrawn)
    site.write()

    state = SiteState(root=site.root)
    with serve(state) as base_url:
        third = crawl(base_url, db)
        assert third.returncode == 0, explain(third)
        rows = articles(db)
        assert set(added) <= set(rows)
        assert sorted(article_requests(state.requests)) == sorted(site.path(i) for i in added)
        # Each new article landed in its own category, whose page 2 is then read to make sure
        # nothing newer hides there: one article and one listing page per category (and the
        # requisites of the three article pages, the theme's files, once).
        pages = without_requisites(state.requests)
        assert len(pages) == UNCHANGED_COST + 3, state.requests
        run = runs(db)[-1]
        assert (run["new_articles"], run["updated_articles"], run["status"]) == (3, 0, "ok")
        assert rows[withdrawn]["gone_at"] is None  # only full runs look for withdrawals

        fourth = crawl(base_url, db, "--full")
        assert fourth.returncode == 0, explain(fourth)
        rows = articles(db)
        assert "có sửa đổi" in rows[edited_body]["body_text"]
        (old_body,) = versions(db, edited_body)
        assert old_body["body_text"] == before[edited_body]["body_text"]
        assert rows[edited_title]["title"] == "HĐND tỉnh họp phiên thứ nhất (đã sửa)"
        (old_title,) = versions(db, edited_title)
        assert old_title["title"] == before[edited_title]["title"]
        assert rows[withdrawn]["gone_at"] and rows[withdrawn]["last_status"] == 404
        assert rows[withdrawn]["body_text"] == before[withdrawn]["body_text"]
        run = runs(db)[-1]
        assert (run["mode"], run["updated_articles"], run["new_articles"]) == ("full", 2, 0)
        assert "1 withdrawn" in run["summary"] and run["status"] == "ok"

    site.articles[withdrawn] = gone_page
    site.write()
    with serve(SiteState(root=site.root)) as base_url:
        fifth = crawl(base_url, db, "--full")
        assert fifth.returncode == 0, explain(fifth)
    back = articles(db)[withdrawn]
    assert (back["gone_at"], back["last_status"]) == (None, 200)
    assert back["first_seen_at"] == before[withdrawn]["first_seen_at"]


@pytest.mark.servers
@pytest.mark.processes
def test_incremental_runs_recheck_recent_articles_once_they_are_due(tmp_path):
    site = SmallSite(tmp_path / "site", count=20, per_page=5)
    site.write()
    db = tmp_path / "hdnd.db"
    recent = [i for i, a in site.articles.items() if site.now - a.publtime < timedelta(days=14)]
    oldest, newest = site.by_age()[0], site.by_age()[-1]
    with serve(SiteState(root=site.root)) as base_url:
        assert crawl(base_url, db).returncode == 0
    site.edit(newest, body_html=body(99, ", bản cập nhật"))
    site.edit(oldest, body_html=body(98, ", bản cập nhật"))
    site.write()

    state = SiteState(root=site.root)
    with serve(state) as base_url:
        # Seen a moment ago: not due yet, whatever the window.
        soon = crawl(base_url, db)
        assert soon.returncode == 0, explain(soon)
        assert len(state.requests) == UNCHANGED_COST
        state.requests.clear()
        due = crawl(base_url, db, RECHECK_AFTER_HOURS=0)
        assert due.returncode == 0, explain(due)
    assert len(recent) == 13
    assert sorted(article_requests(state.requests)) == sorted(site.path(i) for i in recent)
    assert len(without_requisites(state.requests)) == UNCHANGED_COST + len(recent)
    rows = articles(db)
    assert "bản cập nhật" in rows[newest]["body_text"]
    assert "bản cập nhật" not in rows[oldest]["body_text"]  # outside the window: next full run
    run = runs(db)[-1]
    assert (run["updated_articles"], run["unchanged_articles"]) == (1, len(recent) - 1)


def _plan(mode, **options):
    base = "http://hdnd.caobang.gov.vn"
    known = {
        1: Sighting(
            1, f"{base}/ky-hop/a-1.html", "2024-07-01T08:00:00+07:00", "2024-07-10T00:00:00+00:00"
        ),
        2: Sighting(
            2, f"{base}/ky-hop/b-2.html", "2024-07-09T08:00:00+07:00", "2024-07-15T00:00:00+00:00"
        ),
        3: Sighting(
            3, f"{base}/ky-hop/c-3.html", "2024-07-12T08:00:00+07:00", "2024-07-15T23:00:00+00:00"
        ),
        4: Sighting(4, f"{base}/ky-hop/d-4.html", gone_at="2024-07-12T00:00:00+00:00"),
    }
    return CrawlPlan(mode, Sightings(known.values()), **options)


def test_incremental_paging_stops_at_a_page_of_archived_articles(site):
    base = site.base_url
    pages = [f"{base}/ky-hop/page-2/", f"{base}/ky-hop/page-3/"]
    only_archived = Listing("Kỳ họp", [f"{base}/ky-hop/a-1.html", f"{base}/ky-hop/b-2.html"], pages)
    new_on_top = Listing("Kỳ họp", [f"{base}/ky-hop/new-9.html", f"{base}/ky-hop/a-1.html"], pages)
    all_new = Listing("Kỳ họp", [f"{base}/ky-hop/new-9.html", f"{base}/ky-hop/new-8.html"], pages)
    relisted = Listing("Kỳ họp", [f"{base}/ky-hop/d-4.html"], pages)
    incremental, full = _plan("incremental"), _plan("full")
    page_1 = f"{base}/ky-hop/"
    assert incremental.pages_to_follow(only_archived, page_1, site) == []
    # New articles above archived ones: everything older is archived, no need to page on.
    assert incremental.pages_to_follow(new_on_top, page_1, site) == []
    assert incremental.pages_to_follow(all_new, page_1, site) == pages[:1]
    assert incremental.pages_to_follow(relisted, page_1, site) == pages[:1]
    assert incremental.pages_to_follow(all_new, pages[0], site) == pages[1:]
    assert full.pages_to_follow(only_archived, page_1, site) == pages
    assert [incremental.wants(i) for i in (1, 4, 9, None)] == [False, True, True, False]
    assert [full.wants(i) for i in (1, 4, 9)] == [True, True, True]


def test_a_resumed_full_run_skips_what_the_killed_one_archived():
    plan = _plan("full", resume_from="2024-07-15T00:00:00+00:00")
    assert [plan.wants(i) for i in (1, 2, 3, 4, 9)] == [True, False, False, True, True]


def test_recheck_window_and_delay():
    now = datetime(2024, 7, 16, 0, 0, tzinfo=UTC)
    due = _plan("incremental", now=now).due_for_recheck()
    # 1 is too old, 3 was seen an hour ago, 4 is withdrawn: only 2 is due.
    assert [s.article_id for s in due] == [2]
    assert _plan("incremental", now=now, recheck_days=30).due_for_recheck()[0].article_id == 1
    assert _plan("full", now=now).due_for_recheck() == []
