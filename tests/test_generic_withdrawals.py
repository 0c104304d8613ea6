"""Withdrawn articles on a generic site: the captured WordPress site, replayed, then changed.

A full run re-checks the archived posts no listing, feed or sitemap showed: one answering 404
or redirected away (to the home page) is marked withdrawn, never deleted; a later full run that
finds it again un-marks it.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from devtools.testsite.replay import replay
from hdnd_crawler.archive.store import Archive
from tests.crawling import crawl, explain
from tests.wordpress import CAPTURE, expected, write_entry

REMOVED = 25  # deleted: its page answers the theme's 404 page
SENT_HOME = 4  # its URL now answers 301 to the home page
HOME = "http://wp.test/"


def _archived(db: Path) -> dict[int, dict]:
    archive = Archive(db)
    try:
        return {row["article_id"]: row for row in archive.articles("wp")}
    finally:
        archive.close()


def _last_summary(db: Path) -> str:
    archive = Archive(db)
    try:
        return archive.runs("wp")[-1]["summary"]
    finally:
        archive.close()


def _unlinked(body: bytes, url: bytes, post_id: int) -> bytes:
    """``body`` without the listing item, feed item or sitemap entry that names ``url``."""
    body = re.sub(
        rb'<li class="wp-block-post post-%d [^"]*">.*?</li>' % post_id, b"", body, flags=re.S
    )
    body = re.sub(rb"<url><loc>" + re.escape(url) + rb"</loc></url>", b"", body)
    items = re.split(rb"(<item>.*?</item>\s*)", body, flags=re.S)
    return b"".join(part for part in items if not (part.startswith(b"<item>") and url in part))


def _changed_capture(directory: Path) -> Path:
    """A copy of the capture as the site would answer after REMOVED was deleted and SENT_HOME
    redirected home: their pages, shortlinks and REST JSON no longer answer, no other page
    links them, every other byte is as captured."""
    copy = directory / "capture"
    shutil.copytree(CAPTURE, copy)
    urls = {e["article_id"]: e["url"] for e in expected()}
    paths = {
        post_id: urls[post_id].removeprefix("http://wp.test") for post_id in (REMOVED, SENT_HOME)
    }
    entries = [
        json.loads(line) for line in (copy / "responses.jsonl").read_text("utf-8").splitlines()
    ]
    gone = {
        target
        for post_id, path in paths.items()
        for target in (path, f"/?p={post_id}", f"/wp-json/wp/v2/posts/{post_id}")
    }
    bodies = {e["body"] for e in entries if e["url"] not in gone}
    for name in bodies:
        file = copy / name
        data = file.read_bytes()
        for post_id in (REMOVED, SENT_HOME):
            data = _unlinked(data, urls[post_id].encode(), post_id)
        file.write_bytes(data)
    shortlink = next(e for e in entries if e["url"] == f"/?p={SENT_HOME}")  # WordPress's 301
    moved_home = {
        **shortlink,
        "url": paths[SENT_HOME],
        "headers": [[n, HOME if n == "Location" else v] for n, v in shortlink["headers"]],
    }
    kept = [e for e in entries if e["url"] not in gone] + [moved_home]
    (copy / "responses.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept), "utf-8"
    )
    for name in bodies:  # nothing left that names either post, in any form
        data = (copy / name).read_bytes()
        for post_id in (REMOVED, SENT_HOME):
            slug = urls[post_id].rstrip("/").rsplit("/", 1)[1].encode()
            assert slug not in data and b"?p=%d<" % post_id not in data, (name, post_id)
    return copy


@pytest.mark.servers
@pytest.mark.processes
def test_a_full_run_marks_deleted_and_redirected_posts_and_unmarks_them_when_back(tmp_path):
    db = tmp_path / "archive.db"
    write_entry(tmp_path)
    with replay(CAPTURE) as base_url:
        first = crawl(base_url, db, "--site", "wp", "--full")
    assert first.returncode == 0, explain(first)
    before = _archived(db)
    assert sorted(before) == sorted(e["article_id"] for e in expected())
    assert all(row["gone_at"] is None for row in before.values())

    changed = _changed_capture(tmp_path / "changed")
    with replay(changed) as base_url:
        second = crawl(base_url, db, "--site", "wp", "--full")
    assert second.returncode == 0, explain(second)
    rows = _archived(db)
    assert sorted(rows) == sorted(before)  # nothing deleted
    assert rows[REMOVED]["gone_at"] and rows[REMOVED]["last_status"] == 404
    assert rows[SENT_HOME]["gone_at"] and rows[SENT_HOME]["last_status"] == 301
    for article_id, row in rows.items():
        if article_id in (REMOVED, SENT_HOME):  # marked, everything archived kept
            assert {k: v for k, v in row.items() if k not in ("gone_at", "last_status")} == {
                k: v for k, v in before[article_id].items() if k not in ("gone_at", "last_status")
            }
        else:
            assert (row["gone_at"], row["last_status"]) == (None, 200), article_id
            assert row["body_text"] == before[article_id]["body_text"]
    assert "2 withdrawn" in _last_summary(db)

    with replay(CAPTURE) as base_url:
        third = crawl(base_url, db, "--site", "wp", "--full")
    assert third.returncode == 0, explain(third)
    back = _archived(db)
    assert sorted(back) == sorted(before)
    for article_id, row in back.items():
        assert (row["gone_at"], row["last_status"]) == (None, 200), article_id
        assert row["body_text"] == before[article_id]["body_text"]
