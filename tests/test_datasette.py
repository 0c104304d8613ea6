"""Datasette over a crawled archive, started with ``make serve``'s own command line.

The archive is a real crawl of the fixture site plus a few stored articles that pin down the
phrase rules. Search answers are checked against every article's text, phrase by phrase.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import markupsafe
import pytest
import yaml
from bs4 import BeautifulSoup
from datasette.utils import to_css_class

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.readings import read
from hdnd_crawler.archive.search import SEARCH_SQL
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.archive.textfold import fold
from hdnd_crawler.browse.plugin import table_rows
from hdnd_crawler.records import Article
from tests.browser import chromium
from tests.conftest import REPO, SITE_ROOT, run_crawl, starts

STARTUP_DEADLINE = 60.0
PHRASE = "hội đồng nhân dân"


def stored(article_id: int, title: str, body: str, **more) -> Article:
    return Article(
        site="hdnd",
        article_id=article_id,
        url=f"http://hdnd.caobang.gov.vn/hoat-dong-hdnd/bai-{article_id}.html",
        title=title,
        published_at="2024-08-01T09:00:00+07:00",
        main_category="Hoạt động HĐND",
        body_text=body,
        **more,
    )


EXTRA = [
    stored(9001, "Khai mạc kỳ họp Hội đồng nhân dân tỉnh", "Hội đồng nhân dân tỉnh họp."),
    stored(9002, "Thông báo", "HỘI ĐỒNG NHÂN DÂN TỈNH CAO BẰNG thông báo lịch tiếp dân."),
    # Each word of the phrase, never together.
    stored(9003, "Hội đồng thi đua khen thưởng", "Ủy ban nhân dân tỉnh tổng kết thi đua."),
    stored(
        9004,
        "Bài có mã độc",
        "Nội dung an toàn.",
        body_html='<p>Nội dung an toàn.</p><script>alert("x")</script>'
        '<img src="http://evil.example/x.png" onerror="alert(1)"><a href="javascript:alert(2)">'
        "liên kết</a>",
    ),
    stored(9005, "Văn bản mới", "Xem tệp đính kèm."),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(db: Path, port: int, replay_port: int | None = None) -> list[str]:
    """The command ``make serve`` runs, for this archive, Datasette's port and pywb's."""
    dry_run = subprocess.run(
        [
            *("make", "-n", "serve", f"SERVE_DB={db}", f"SERVE_PORT={port}"),
            f"SERVE_REPLAY_PORT={replay_port or free_port()}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (line,) = [line for line in dry_run.splitlines() if "datasette serve" in line]
    return shlex.split(line)


class ServerLog(threading.Thread):
    """Drains the server's log (a full pipe would stall it); ``ready`` once it listens."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[str] = []
        self.ready = threading.Event()

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)
            if "Uvicorn running on" in line:
                self.ready.set()
        self.ready.set()  # the server ended: nothing more to wait for


def wait_until_serving(process: subprocess.Popen, base_url: str) -> None:
    log = ServerLog(process.stderr)
    log.start()
    if not log.ready.wait(STARTUP_DEADLINE) or process.poll() is not None:
        pytest.fail("Datasette did not start:\n" + "".join(log.lines))
    with urllib.request.urlopen(f"{base_url}/-/versions.json") as response:
        assert json.load(response)["datasette"]["version"].startswith("0.65.")


@pytest.fixture(scope="module")
@starts("servers", "processes")
def archive_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("datasette") / "hdnd.db"
    with serve(SiteState(root=SITE_ROOT)) as base_url:
        run_crawl(base_url, db)
    archive = Archive(db)
    try:
        run_id = archive.start_run("hdnd", "full")
        archive.finish_run(run_id, {"status": "ok", "exit_code": 0, "new_articles": 27})
        for article in EXTRA:
            archive.upsert_article(article)
        archive.upsert_attachment(
            {
                "site": "hdnd",
                "article_id": 9005,
                "url": "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/bai-9005.html?download=1&id=0",
                "file_name": "thong-bao.pdf",
                "media_type": "application/pdf",
                "bytes": 1,
                "sha256": "00" * 32,
                "text": "Thường trực Hội đồng nhân dân tỉnh thông báo.",
            }
        )
    finally:
        archive.close()
    return db


@pytest.fixture(scope="module")
@starts("servers", "processes")
def datasette(archive_db) -> str:
    port = free_port()
    process = subprocess.Popen(
        serve_command(archive_db, port),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(process, base_url)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get_json(url: str):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def get_text(url: str) -> str:
    with urllib.request.urlopen(url) as response:
        return response.read().decode("utf-8")


def searchable_texts(db: Path) -> dict[int, list[str]]:
    archive = Archive(db)
    try:
        texts = {
            a["article_id"]: [a["title"], a["summary"] or "", a["body_text"]]
            for a in archive.articles("hdnd")
        }
        for f in archive.attachments("hdnd"):
            texts[f["article_id"]] += [f["file_name"] or "", f["text"] or ""]
        return texts
    finally:
        archive.close()


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def holding(texts: dict[int, list[str]], phrase: str, folded: bool) -> set[int]:
    """Articles with the phrase inside one of their texts, word for word."""
    shape = fold if folded else str.lower
    wanted = words(shape(phrase))
    return {
        article_id
        for article_id, columns in texts.items()
        for column in columns
        if any(
            words(shape(column))[i : i + len(wanted)] == wanted
            for i in range(len(words(column)) - len(wanted) + 1)
        )
    }


def holding_every_term(texts: dict[int, list[str]], query: str) -> set[int]:
    """Articles holding each term of the query as search reads it (any of the term's forms:
    "hội đồng nhân dân" or "HĐND"), each term in any of their texts."""
    found = set(texts)
    for term in read(query).terms:
        found &= set().union(*(holding(texts, form, folded=True) for form in term.phrases))
    return found


def api_search(base_url: str, query: str, **params: str) -> set[int]:
    args = urllib.parse.urlencode({"_search": query, "_size": "max", "_shape": "objects", **params})
    page = get_json(f"{base_url}/hdnd/articles.json?{args}")
    assert page["next"] is None
    return {row["article_id"] for row in page["rows"]}


PHRASES = [
    "hội đồng nhân dân",
    "đại biểu",
    "Cao Bằng",
    "kỳ họp thứ 20",
    "nghị quyết",
    "tiếp xúc cử tri",
    "Luật Đất đai",
    "danh mục các nghị quyết",
]


@pytest.mark.parametrize("phrase", PHRASES)
def test_search_api_returns_every_article_with_every_word_and_no_other(
    datasette, archive_db, phrase
):
    texts = searchable_texts(archive_db)
    spelled_so = holding(texts, phrase, folded=False)
    any_spelling = holding_every_term(texts, phrase)
    assert spelled_so, f"no article holds {phrase!r}: a useless check"
    assert spelled_so <= any_spelling
    # Diacritics never matter: typed with them, without them or in capitals, the same answer.
    assert api_search(datasette, phrase) == any_spelling
    assert api_search(datasette, fold(phrase)) == any_spelling
    assert api_search(datasette, phrase.upper()) == any_spelling


@pytest.fixture(scope="module")
def phrase_holders(archive_db) -> dict[int, str]:
    """Title of each article holding "hội đồng nhân dân", however spelled (PDFs drop marks)."""
    texts = searchable_texts(archive_db)
    ids = holding(texts, PHRASE, folded=True)
    assert {9001, 9002, 9005} <= ids and 9003 not in ids
    return {article_id: texts[article_id][0] for article_id in ids}


@pytest.fixture(scope="module")
def council_holders(archive_db, phrase_holders) -> dict[int, str]:
    """Title of each article holding "hội đồng nhân dân" or its abbreviation "HĐND"."""
    texts = searchable_texts(archive_db)
    ids = holding(texts, "hdnd", folded=True)
    assert ids - set(phrase_holders), "no article says only HĐND: a useless check"
    return {**phrase_holders, **{article_id: texts[article_id][0] for article_id in ids}}


def test_search_api_phrases_words_and_raw_mode(
    datasette, archive_db, phrase_holders, council_holders
):
    assert api_search(datasette, "hoi dong nhan dan") == set(council_holders)
    assert api_search(datasette, "HDND") == api_search(datasette, "hđnd") == set(council_holders)
    assert 9003 in api_search(datasette, '"hoi dong" "nhan dan"')
    # FTS5 syntax typed by hand (raw mode) reaches the same folded index: tone marks typed or
    # not, đ typed as d.
    raw = {"_searchmode": "raw"}
    assert api_search(datasette, '"hoi dong nhan dan"', **raw) == set(phrase_holders)
    assert api_search(datasette, '"hội dong nhân dan"', **raw) == set(phrase_holders)
    assert api_search(datasette, 'title:"hoi dong nhan dan"', **raw) < set(phrase_holders)
    assert api_search(datasette, "khong co gi het") == set()


def test_canned_searches_order_and_show_snippets(datasette, phrase_holders, council_holders):
    args = urllib.parse.urlencode({"q": "hoi dong nhan dan", "_shape": "objects"})
    newest = get_json(f"{datasette}/hdnd/search.json?{args}")["rows"]
    dates = [r["published_at"] for r in newest]
    assert dates == sorted(dates, reverse=True)
    rows = get_json(f"{datasette}/hdnd/search_ranked.json?{args}")["rows"]
    assert {r["article_id"] for r in rows} == {r["article_id"] for r in newest}
    assert {r["article_id"] for r in rows} == set(council_holders)
    # The table's search box finds the same articles.
    assert api_search(datasette, "hoi dong nhan dan") == {r["article_id"] for r in newest}
    assert rows[0]["article_id"] == 9001  # the title hit
    by_id = {r["article_id"]: r["snippet"] for r in rows}
    assert "<mark>HỘI ĐỒNG NHÂN DÂN</mark> TỈNH CAO BẰNG" in by_id[9002]
    assert "Thường trực <mark>Hội đồng nhân dân</mark> tỉnh" in by_id[9005]
    page = get_text(f"{datasette}/hdnd/search?{urllib.parse.urlencode({'q': 'dai bieu'})}")
    assert "<mark>đại biểu</mark>" in page or "<mark>Đại biểu</mark>" in page


def test_canned_queries_and_crawl_log(datasette):
    latest = get_json(f"{datasette}/hdnd/latest.json?_shape=objects")["rows"]
    assert latest[0]["published_at"] >= latest[-1]["published_at"]
    months = get_json(f"{datasette}/hdnd/articles_per_month.json?_shape=objects")["rows"]
    assert {"month", "category", "articles"} <= set(months[0])
    assert sum(r["articles"] for r in months) >= 27
    (run,) = get_json(f"{datasette}/hdnd/crawl_runs.json?_shape=objects")["rows"]
    assert (run["site"], run["mode"], run["status"], run["new_articles"]) == (
        "hdnd",
        "full",
        "ok",
        27,
    )
    assert "crawl_runs" in get_text(f"{datasette}/hdnd")


def test_articles_table_is_newest_first_with_facets(datasette):
    page = get_json(f"{datasette}/hdnd/articles.json?_shape=objects&_size=max")
    dates = [row["published_at"] for row in page["rows"]]
    assert dates == sorted(dates, reverse=True)
    facets = page["facet_results"]
    assert {"main_category", "categories", "published_year", "author"} <= set(facets)
    years = {r["value"] for r in facets["published_year"]["results"]}
    assert {2023, 2024} <= years


def test_categories_facet_counts_every_listing_and_filters(datasette):
    page = get_json(f"{datasette}/hdnd/articles.json?_shape=objects&_size=max")
    listed: dict[str, int] = {}
    for row in page["rows"]:
        for category in json.loads(row["categories"]):
            listed[category] = listed.get(category, 0) + 1
    results = page["facet_results"]["categories"]["results"]
    assert {r["value"]: r["count"] for r in results} == listed
    assert any(count < len(page["rows"]) for count in listed.values())
    chosen = results[-1]
    url = chosen["toggle_url"].replace("/hdnd/articles?", "/hdnd/articles.json?")
    narrowed = get_json(url + "&_shape=objects&_size=max")
    assert len(narrowed["rows"]) == chosen["count"]
    assert all(chosen["value"] in json.loads(r["categories"]) for r in narrowed["rows"])
    (again,) = [r for r in narrowed["facet_results"]["categories"]["results"] if r["selected"]]
    assert again["value"] == chosen["value"]


def test_article_list_shows_no_bodies_html(datasette):
    # Datasette's table of every column, a link away from the reader's list.
    page = get_text(f"{datasette}/hdnd/articles?_fields=all")
    assert '<span class="hdnd-html">HTML, ' in page
    assert "<p>Nội dung an toàn.</p>" not in page


def test_article_list_cells_are_the_rows_values(datasette):
    page = BeautifulSoup(get_text(f"{datasette}/hdnd/articles?_size=50&_fields=all"), "html.parser")
    rows = get_json(f"{datasette}/hdnd/articles.json?_shape=objects&_size=50")["rows"]
    headers = [th["data-column"] for th in page.select("table.rows-and-columns thead th")]
    assert headers[0] == "Link" and set(headers[1:]) == set(rows[0]) - {"rowid"}
    sort_link = page.select_one("th.col-title a")
    assert sort_link["href"].endswith("_sort=title")
    shown = page.select("table.rows-and-columns tbody tr")
    assert len(shown) == len(rows) > 20
    for tr, row in zip(shown, rows, strict=True):
        cells = {td["class"][0].removeprefix("col-"): td for td in tr.find_all("td")}
        assert cells["Link"].a["href"].endswith(f"/hdnd/articles/hdnd,{row['article_id']}")
        assert cells["title"].get_text() == row["title"]
        assert cells["title"]["class"] == ["col-title", "type-str"]
        assert cells["article_id"]["class"] == ["col-article_id", "type-int"]
        assert cells["url"].a["href"] == row["url"]
        assert cells["body_text"].get_text().startswith(row["body_text"][:200])
        if row["body_html"]:
            assert cells["body_html"].get_text() == f"HTML, {len(row['body_html']):,} characters"


def test_table_rows_escape_text_keep_markup_and_name_classes_as_datasette_does():
    link = markupsafe.Markup('<a href="/hdnd/articles/hdnd,5">hdnd,5</a>')
    rows = [
        [
            {"column": "Link", "value": link, "value_type": "pk"},
            {"column": "title", "value": "<b>Kỳ họp</b> & phiên", "value_type": "str"},
            {"column": "số lượt", "value": 3, "value_type": "int"},
        ]
    ]
    assert table_rows(rows) == (
        '<tr><td class="col-Link type-pk"><a href="/hdnd/articles/hdnd,5">hdnd,5</a></td>'
        '<td class="col-title type-str">&lt;b&gt;Kỳ họp&lt;/b&gt; &amp; phiên</td>'
        f'<td class="col-{to_css_class("số lượt")} type-int">3</td></tr>\n'
    )
    assert to_css_class("số lượt") != "số lượt"


def test_article_page_reads_as_text_and_cleans_html(datasette):
    page = get_text(f"{datasette}/hdnd/articles/hdnd,697")
    assert "<h1>Kỳ họp thứ 20 HĐND tỉnh khóa XVII: Thông qua 15 nghị quyết quan trọng</h1>" in page
    assert "<p>Tại kỳ họp, các đại biểu" in page
    assert "nghi-quyet-12-nq-hdnd.pdf" in page
    assert "Cách trích dẫn" in page and ".warc.gz" in page
    assert "How to cite" in get_text(f"{datasette}/hdnd/articles/hdnd,697?_lang=en")
    unsafe = get_text(f"{datasette}/hdnd/articles/hdnd,9004")
    assert "<p>Nội dung an toàn.</p>" in unsafe
    assert "<script>alert" not in unsafe
    assert "onerror" not in unsafe and "evil.example" not in unsafe
    assert "javascript:alert" not in unsafe


def test_metadata_search_queries_are_the_command_line_ones():
    metadata = yaml.safe_load((REPO / "archive" / "metadata.yml").read_text("utf-8"))
    queries = metadata["databases"]["hdnd"]["queries"]
    assert queries["search"]["sql"] == SEARCH_SQL["newest"]
    assert queries["search_ranked"]["sql"] == SEARCH_SQL["relevance"]


@pytest.mark.browser
def test_search_box_in_a_real_browser(datasette, council_holders):
    expected = set(council_holders.values())
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{datasette}/hdnd/articles")
        dates = page.locator("td.col-date").all_inner_texts()
        assert len(dates) == 20 and all(re.fullmatch(r"\d\d/\d\d/\d{4}", d) for d in dates)
        page.fill("#_search", "hoi dong nhan dan")
        page.press("#_search", "Enter")
        page.wait_for_url(re.compile(r"_search=hoi\+dong\+nhan\+dan"))
        titles = set(page.locator("td.col-title").all_inner_texts())
        # The first page of them (Datasette shows 20 rows a page).
        assert titles <= expected and len(titles) == min(20, len(expected))
        page.click("text=Phù hợp nhất trước")
        page.wait_for_url(re.compile(r"/hdnd/search_ranked\?q="))
        marks = page.locator("td.col-snippet mark").all_inner_texts()
        assert "HỘI ĐỒNG NHÂN DÂN" in marks and "Hội đồng nhân dân" in marks
        # The home page's box, typed without diacritics, opens an article.
        page.goto(datasette)
        page.fill("#hdnd-q", "hoi dong nhan dan")
        page.press("#hdnd-q", "Enter")
        page.wait_for_url(re.compile(r"/hdnd/search\?q=hoi\+dong\+nhan\+dan"))
        found = set(page.locator("td.col-title").all_inner_texts())
        assert found <= expected and len(found) == min(50, len(expected))  # limit 50
        page.locator("td.col-title a").first.click()
        page.wait_for_url(re.compile(r"/hdnd/articles/hdnd,\d+$"))
        assert page.title() in expected
