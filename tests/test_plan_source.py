"""A crawl takes its plan from whatever source it is given: the spider never opens the archive.

A worker on another machine has no archive. Here a crawl runs with another plan source and no
pipeline at all: it fetches what that source does not know, creates no archive file and never
loads the archive's code or sqlite-utils.
"""

from __future__ import annotations

import pytest

from devtools.testsite.server import SiteState, serve
from tests.conftest import SITE_ROOT, run_crawl
from tests.crawling import article_requests

pytestmark = [pytest.mark.servers, pytest.mark.processes]

KNOWN = (697, 691, 684)


def test_a_crawl_with_another_plan_source_never_touches_the_archive(tmp_path):
    db = tmp_path / "archive.db"
    report = tmp_path / "sqlite.txt"

    state = SiteState(root=SITE_ROOT)
    with serve(state) as base_url:
        result = run_crawl(
            base_url,
            db,
            "-a",
            "mode=incremental",
            "-s",
            "PLAN_SOURCE=tests.plan_stub.KnownFromSettings",
            "-s",
            "ITEM_PIPELINES={}",
            "-s",
            f"KNOWN_ARTICLES={','.join(map(str, KNOWN))}",
            "-s",
            f"SQLITE_REPORT={report}",
        )
    assert "No plan source" not in result.stderr
    assert "Incremental crawl of http://hdnd.caobang.gov.vn; 3 articles archived" in result.stderr
    fetched = {
        int(path.rsplit("-", 1)[1].removesuffix(".html"))
        for path in article_requests(state.requests)
    }
    assert fetched, "the listings' other articles are fetched"
    assert not fetched & set(KNOWN)
    assert not db.exists()
    assert report.read_text() == "none"


def test_the_archive_plans_a_crawl_whatever_its_extensions(tmp_path):
    """Overriding EXTENSIONS (as the benchmarks do, to collect stats) keeps the plan source."""
    db = tmp_path / "archive.db"
    state = SiteState(root=SITE_ROOT)
    with serve(state) as base_url:
        run_crawl(base_url, db)
        state.requests.clear()
        again = run_crawl(base_url, db, "-a", "mode=incremental", "-s", "EXTENSIONS={}")
    assert "No plan source" not in again.stderr
    assert "Incremental crawl of http://hdnd.caobang.gov.vn; 27 articles archived" in again.stderr
    assert article_requests(state.requests) == []
