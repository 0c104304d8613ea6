"""A full crawl against a server that fails in every way a real one does."""

from __future__ import annotations

import json

import pytest

from devtools.testsite.faults import Fault, FaultySite, articles, paths
from devtools.testsite.generate import generate_site
from devtools.testsite.server import SiteState, serve
from tests.crawling import articles as archived
from tests.crawling import crawl, explain, runs, versions

# Every test serves a generated site and crawls it with ``hdnd-crawler crawl``.
pytestmark = [pytest.mark.servers, pytest.mark.processes]

# Short enough for a test, long enough for a loaded 2-core machine to answer a good page.
TIMEOUT = {"DOWNLOAD_TIMEOUT": 2}


def article_paths(generated) -> list[str]:
    base = generated.base_url
    return [generated.articles[i].url.removeprefix(base) for i in sorted(generated.articles)]


def test_full_crawl_archives_everything_reachable_through_faults(tmp_path):
    generated = generate_site(tmp_path / "site", 30, categories=4, per_page=6, seed=4)
    db = tmp_path / "hdnd.db"
    reset, slow, cut, short, looping = article_paths(generated)[:5]
    category = next(
        c.alias for c in generated.categories if (generated.root / c.alias / "page-2").exists()
    )
    listing = (generated.root / category / "index.html").read_bytes()
    # A pagination link past the last page: NukeViet answers it with a 301 to page 1.
    past_the_end = listing.replace(
        b'<ul class="pagination">',
        f'<ul class="pagination"><li><a href="/{category}/page-9/">9</a></li>'.encode(),
        1,
    )
    state = SiteState(root=generated.root)
    faults = FaultySite(
        state,
        [
            Fault("reset", paths(reset, f"/{category}/page-2/")),
            Fault("slow", paths(slow, "/")),
            Fault("cut", paths(cut)),
            Fault("short", paths(short)),
            Fault("loop", paths(looping), times=None),
            Fault("replace", paths(f"/{category}/"), times=None, body=past_the_end),
        ],
        every_nth=5,
        slow_seconds=4,
    )
    state.intercept = faults
    with serve(state) as base_url:
        result = crawl(base_url, db, "--full", **TIMEOUT)
    assert result.returncode == 3, explain(result)  # partial: the looping article failed for good

    rows = archived(db)
    expected = {i for i in generated.articles if generated.articles[i].url.endswith(looping)}
    assert set(rows) == set(generated.articles) - expected, explain(result)
    for article_id, row in rows.items():
        assert row["body_text"] == generated.articles[article_id].body_text
        assert row["title"] == generated.articles[article_id].title
    assert f"/{category}/page-9/" in state.requests  # … and its redirect was walked
    assert set(faults.served) == {"unavailable", "reset", "slow", "cut", "short", "loop", "replace"}
    assert faults.served["unavailable"] + faults.owed == len(state.requests) // 5

    run = runs(db)[-1]
    assert (run["status"], run["exit_code"], run["new_articles"]) == ("partial", 3, 29)
    assert json.loads(run["errors_by_kind"]) == {"redirect_loop": 1}
    assert " retries" in run["summary"] and "0 retries" not in run["summary"]
    assert result.stdout.strip() == run["summary"]


def test_cut_pages_and_a_layout_change_never_overwrite_archived_rows(tmp_path):
    generated = generate_site(tmp_path / "site", 30, categories=4, per_page=6, seed=5)
    db = tmp_path / "hdnd.db"
    with serve(SiteState(root=generated.root)) as base_url:
        assert crawl(base_url, db, "--full").returncode == 0
    before = archived(db)
    assert len(before) == 30

    cut, short, empty = article_paths(generated)[:3]
    state = SiteState(root=generated.root)
    state.intercept = FaultySite(
        state,
        [
            Fault("cut", paths(cut), times=None),
            Fault("short", paths(short), times=None),
            Fault("replace", paths(empty), times=None, body=b""),
            # The theme changes after ten article pages have been served.
            Fault("layout", articles, times=None, after=10),
        ],
    )
    with serve(state) as base_url:
        result = crawl(base_url, db, "--full", RETRY_TIMES=2)
    assert result.returncode == 4, explain(result)

    after = archived(db)
    for article_id, row in before.items():
        assert after[article_id]["body_text"] == row["body_text"]
        assert after[article_id]["content_hash"] == row["content_hash"]
        assert versions(db, article_id) == []
    run = runs(db)[-1]
    assert (run["status"], run["updated_articles"]) == ("layout_changed", 0)
    kinds = json.loads(run["errors_by_kind"])
    assert {"truncated", "data_loss", "empty", "invalid_article"} <= set(kinds)
    assert "article body container was found on only" in run["summary"]
    assert "has the page layout changed?" in result.stderr
    assert "the page stops before </html>" in result.stderr


def test_a_listing_layout_change_is_reported_and_changes_nothing(tmp_path):
    generated = generate_site(tmp_path / "site", 12, categories=3, per_page=6, seed=6)
    db = tmp_path / "hdnd.db"
    with serve(SiteState(root=generated.root)) as base_url:
        assert crawl(base_url, db).returncode == 0
    before = archived(db)
    state = SiteState(root=generated.root)
    state.intercept = FaultySite(state, [Fault("layout", lambda path: True, times=None)])
    with serve(state) as base_url:
        result = crawl(base_url, db)
    assert result.returncode == 4, explain(result)
    assert archived(db) == before
    run = runs(db)[-1]
    assert run["status"] == "layout_changed"
    assert "3 categories with archived articles listed none" in run["summary"]
    assert "has the listing layout changed?" in result.stderr
