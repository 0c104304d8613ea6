"""`sites add` learns where a custom theme keeps the article text when no stock selector finds it.

The custom-theme capture kept NukeViet's ``#news-bodyhtml``; here a copy of it has the body
container renamed in every article page, so the probe must compare the article pages and
find the node holding each one's own text.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

from devtools.evaluation import leaked_boilerplate, token_f1
from devtools.testsite.replay import replay
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.cli import cli
from hdnd_crawler.extract.html import select_one, text_of
from hdnd_crawler.sites.registry import get_site
from tests.crawling import crawl, explain

pytestmark = [pytest.mark.servers, pytest.mark.processes]

FIXTURE = Path(__file__).parent / "fixtures" / "nukeviet-45-theme"
STOCK = b'<div id="news-bodyhtml" class="noi-dung-bai margin-bottom-lg">'
RENAMED = b'<div id="noi-dung" class="chi-tiet margin-bottom-lg">'


def _renamed_capture(directory: Path) -> dict[int, Path]:
    """A copy of the capture with the body container renamed; each article's page in it."""
    shutil.copytree(FIXTURE / "capture", directory)
    pages = {}
    for line in (directory / "responses.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        file = directory / entry["body"]
        data = file.read_bytes()
        if STOCK in data:
            file.write_bytes(data.replace(STOCK, RENAMED))
            article_id = int(entry["url"].rsplit("-", 1)[1].removesuffix(".html"))
            pages[article_id] = file
    return pages


def _expected() -> dict[int, str]:
    return {int(p.stem): p.read_text("utf-8") for p in (FIXTURE / "expected").glob("*.txt")}


def test_a_renamed_body_container_is_learned_and_crawled(tmp_path):
    pages = _renamed_capture(tmp_path / "capture")
    expected = _expected()
    assert sorted(pages) == sorted(expected)  # every article page had the stock container
    stock_body = get_site("hdnd").selectors["body"]
    db = tmp_path / "a.db"
    with replay(tmp_path / "capture") as mirror:
        added = CliRunner().invoke(
            cli,
            ["sites", "add", "http://theme.test", "--slug", "theme", "--fetch-from", mirror]
            + ["--db", str(db)],
        )
        assert added.exit_code == 0, added.output
        entry = tomllib.loads((tmp_path / "sites.toml").read_text("utf-8"))["sites"]["theme"]
        body = entry["selectors"]["body"]
        for article_id, page in pages.items():
            tree = lxml.html.fromstring(page.read_bytes())
            assert select_one(tree, stock_body) is None  # nothing stock finds it
            node = select_one(tree, body)
            assert node is not None and node.get("id") == "noi-dung", (body, article_id)
            text = text_of(node)
            assert token_f1(text, expected[article_id]) >= 0.98, article_id
            assert leaked_boilerplate(text) == [], article_id

        result = crawl(mirror, db, "--site", "theme", "--full")
        assert result.returncode == 0, explain(result)
    archive = Archive(db)
    try:
        rows = {row["article_id"]: row for row in archive.articles("theme")}
    finally:
        archive.close()
    assert sorted(rows) == sorted(expected)
    for article_id, row in rows.items():
        assert token_f1(row["body_text"], expected[article_id]) >= 0.98, article_id
        assert leaked_boilerplate(row["body_text"]) == [], article_id
