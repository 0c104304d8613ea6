"""The page showing what changed between an article's versions, word by word."""

from __future__ import annotations

import asyncio

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.browse.diff import word_diff
from hdnd_crawler.records import Article
from tests.served import in_process


def article(title: str, body: str, summary: str | None = None, article_id: int = 42) -> Article:
    return Article(
        site="hdnd",
        article_id=article_id,
        url=f"http://hdnd.caobang.gov.vn/ky-hop/bai-{article_id}.html",
        title=title,
        published_at="2024-07-01T08:00:00+07:00",
        main_category="Kỳ họp",
        summary=summary,
        body_text=body,
    )


@pytest.fixture
def ds(tmp_path):
    archive = Archive(tmp_path / "hdnd.db")
    archive.upsert_article(
        article("Kỳ họp thứ 20", "Hội đồng nhân dân tỉnh họp sáng nay.\n\nBa nghị quyết."),
        seen_at="2024-07-01T02:00:00+00:00",
    )
    archive.upsert_article(
        article(
            "Kỳ họp thứ 21",
            "Hội đồng nhân dân tỉnh họp chiều nay.\n\nBa nghị quyết.",
            summary="Tóm tắt mới",
        ),
        seen_at="2024-07-02T02:00:00+00:00",
    )
    archive.upsert_article(
        article(
            "Kỳ họp thứ 21",
            "Hội đồng nhân dân tỉnh họp chiều nay.\n\nBa nghị quyết <script>alert(1)</script>.",
            summary="Tóm tắt mới",
        ),
        seen_at="2024-07-03T02:00:00+00:00",
    )
    archive.upsert_article(article("Chưa sửa", "Không đổi.", article_id=43))
    archive.close()
    yield in_process(tmp_path / "hdnd.db")


def page(ds: Datasette, path: str) -> tuple[int, BeautifulSoup]:
    async def fetch():
        return await ds.client.get(path)

    response = asyncio.run(fetch())
    return response.status_code, BeautifulSoup(response.text, "html.parser")


def test_word_diff_marks_removed_and_added_words_and_escapes():
    html = str(word_diff("họp sáng nay <b>", "họp chiều nay <i>"))
    assert (
        html == "họp <del>sáng</del> <ins>chiều</ins> nay <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins>"
    )


def test_diff_page_shows_each_edit_newest_first(ds):
    status, soup = page(ds, "/-/diff/hdnd/42")
    assert status == 200
    versions = soup.select("section.version")
    assert [v.h2.text for v in versions] == ["Phiên bản hiện tại", "Phiên bản 2", "Phiên bản 1"]
    current, second, first = versions
    # The second version: title and body words changed, a summary appeared.
    assert [d.text for d in second.select("del")] == ["20", "sáng"]
    assert [i.text for i in second.select("ins")] == ["21", "Tóm tắt mới", "chiều"]
    assert "Thấy từ 2024-07-02T02:00:00+00:00 đến 2024-07-03T02:00:00+00:00" in second.text
    # The current version only added to the body; its <script> is text, never markup.
    assert [i.text for i in current.select("ins")] == ["quyết <script>alert(1)</script>."]
    assert [d.text for d in current.select("del")] == ["quyết."]
    assert not soup.select(".hdnd-diff script")
    assert "đến nay" in current.text
    assert "Bản đầu tiên được lưu." in first.text and not first.select("ins, del")
    assert soup.select_one('a[href="/hdnd/articles/hdnd,42"]')


def test_article_page_links_the_diff_only_when_it_changed(ds):
    _, changed = page(ds, "/hdnd/articles/hdnd,42")
    assert changed.select_one("a.hdnd-diff-link")["href"] == "/-/diff/hdnd/42"
    _, unchanged = page(ds, "/hdnd/articles/hdnd,43")
    assert unchanged.select_one("article") and not unchanged.select("a.hdnd-diff-link")


def test_unknown_article_is_not_found(ds):
    assert page(ds, "/-/diff/hdnd/999")[0] == 404
    assert page(ds, "/-/diff/hdnd/abc")[0] == 404
