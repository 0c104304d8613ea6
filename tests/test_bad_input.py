"""Bad pages: a clear log line, the page dropped or counted, never a crash, nothing lost."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from itemadapter import ItemAdapter  # noqa: F401 - the pipelines' own item access

from devtools.testsite.faults import LAYOUT_CHANGES
from devtools.testsite.generate import generate_site
from devtools.testsite.server import SiteState, serve
from hdnd_crawler.extract.checks import (
    EmptyPage,
    IncompletePage,
    NotHtml,
    check_complete,
    layout_misses,
)
from hdnd_crawler.extract.nukeviet.article import parse_article
from tests.conftest import BASE_URL, FIXTURES, SITE_ROOT
from tests.crawling import articles, crawl, explain, runs, versions

PAGES = FIXTURES / "pages"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
TONES = "\u0300\u0301\u0303\u0309\u0323"  # what windows-1258 writes as combining marks


def windows_1258(text: str) -> bytes:
    """Vietnamese the way windows-1258 stores it: base letters precomposed, tones combining."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        tones = "".join(c for c in parts if c in TONES)
        out.append((base + tones).encode("cp1258", "xmlcharrefreplace"))
    return b"".join(out)


def fixture_article():
    path = next(p for p in sorted(SITE_ROOT.glob("*/*-*.html")))
    return path.read_bytes(), f"{BASE_URL}/{path.relative_to(SITE_ROOT).as_posix()}"


def test_a_whole_page_passes_and_cut_empty_or_binary_ones_do_not():
    page, _ = fixture_article()
    check_complete(page)
    check_complete(page.replace(b"</html>", b"</HTML>") + b"\n\n<!-- cron -->\n")
    with pytest.raises(IncompletePage, match="stops before </html>"):
        check_complete(page[: len(page) // 2])
    with pytest.raises(EmptyPage):
        check_complete(b"  \r\n")
    with pytest.raises(NotHtml):
        check_complete(PNG)


def test_layout_misses_names_the_selector_that_no_longer_matches(site):
    page, _ = fixture_article()
    assert layout_misses(page, site) == []
    changed = page
    for before, after in LAYOUT_CHANGES:
        changed = changed.replace(before, after)
    assert layout_misses(changed, site) == ["body"]
    # The mobile theme has no schema.org root but still a body: not a layout change.
    assert layout_misses((PAGES / "article_mobile.html").read_bytes(), site) == ["article_root"]


@pytest.mark.parametrize("declared", ["text/html; charset=UTF-8", None])
def test_a_windows_1258_page_under_a_wrong_charset_reads_like_the_utf8_one(site, declared):
    page, url = fixture_article()
    good = parse_article(page, url, site)
    legacy = windows_1258(page.decode("utf-8")).replace(
        b'<meta charset="UTF-8">', b'<meta charset="windows-1258">'
    )
    read = parse_article(legacy, url, site, declared)
    assert (read.title, read.body_text, read.author) == (good.title, good.body_text, good.author)


@pytest.mark.servers
@pytest.mark.processes
def test_bad_pages_in_a_crawl_are_logged_counted_and_lose_nothing(tmp_path):
    generated = generate_site(tmp_path / "site", 12, categories=3, per_page=6, seed=7)
    db = tmp_path / "hdnd.db"
    with serve(SiteState(root=generated.root)) as base_url:
        assert crawl(base_url, db, "--full").returncode == 0
    before = articles(db)

    paths = {i: e.url.removeprefix(generated.base_url) for i, e in generated.articles.items()}
    ids = sorted(paths)
    page = {i: (generated.root / paths[i].lstrip("/")).read_bytes() for i in ids}
    malformed = re.sub(rb"</(div|p|span)>", b"", page[ids[0]], count=40).replace(
        b"<body", b"<div <span>> <p <<b>\x00x</b>\n<body", 1
    )
    state = SiteState(root=generated.root)
    state.overrides = {
        paths[ids[0]]: malformed,
        paths[ids[1]]: b"",
        paths[ids[2]]: windows_1258(page[ids[2]].decode("utf-8")),
        paths[ids[3]]: page[ids[3]] + b"<!--" + b" " * (20 * 1024 * 1024) + b"-->",
        paths[ids[4]]: PNG,
        paths[ids[5]]: (PAGES / "article_no_date.html").read_bytes(),
        paths[ids[6]]: (PAGES / "article_empty_body.html").read_bytes(),
    }
    with serve(state) as base_url:
        result = crawl(base_url, db, "--full", RETRY_TIMES=1)
    assert result.returncode == 3, explain(result)  # partial: three pages could not be had

    after = articles(db)
    assert set(after) == set(before)
    for article_id, row in before.items():
        assert after[article_id]["content_hash"] == row["content_hash"], article_id
        assert versions(db, article_id) == []
    run = runs(db)[-1]
    kinds = json.loads(run["errors_by_kind"])
    log = result.stderr
    assert kinds == {"empty": 1, "too_large": 1, "not_html": 1, "invalid_article": 2}, log
    assert "empty response body" in log
    assert "binary content where an HTML page was expected" in log
    assert "(too_large)" in log and "larger than download max size" in log
    assert "no published_at on the page; not archived" in log
    assert "no body on the page; not archived" in log
    errors = [line for line in log.splitlines() if " ERROR: " in line]
    assert "Traceback" not in log and all("Gave up retrying" in line for line in errors)
