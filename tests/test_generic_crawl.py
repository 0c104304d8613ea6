"""A generic site crawled for real: the captured WordPress site replayed on 127.0.0.1."""

from __future__ import annotations

import pytest

from devtools.evaluation import token_f1
from devtools.testsite.replay import replay
from hdnd_crawler.archive.store import Archive
from tests.crawling import crawl, explain
from tests.wordpress import CAPTURE, expected, expected_text, write_entry

FIELDS = ("url", "title", "published_at", "author", "categories", "tags", "attachments")


def _archived(db) -> dict[int, dict]:
    archive = Archive(db)
    try:
        return {row["article_id"]: row for row in archive.articles("wp")}
    finally:
        archive.close()


@pytest.mark.servers
@pytest.mark.processes
def test_a_wordpress_site_is_archived_whole_and_once(tmp_path):
    db = tmp_path / "archive.db"
    write_entry(tmp_path)
    with replay(CAPTURE) as base_url:
        full = crawl(base_url, db, "--site", "wp", "--full")
        assert full.returncode == 0, explain(full)
        rows = _archived(db)
        truth = {e["article_id"]: e for e in expected()}
        # Every post once; the page "Giới thiệu" (id 27) is no news.
        assert sorted(rows) == sorted(truth)
        scores = []
        for article_id, row in rows.items():
            want = truth[article_id]
            assert {f: row[f] for f in FIELDS} == {f: want[f] for f in FIELDS}, article_id
            assert [i["url"] for i in row["images"]] == [i["url"] for i in want["images"]]
            assert row["images"] == want["images"]
            assert row["extracted_by"] == "generic/content-node"
            scores.append(token_f1(row["body_text"], expected_text(article_id)))
        assert min(scores) >= 0.98
        assert sum(scores) / len(scores) >= 0.995

        again = crawl(base_url, db, "--site", "wp")
        assert again.returncode == 0, explain(again)
        assert _archived(db) == rows
