"""Datasette's own pages (the database, every table with all its fields, SQL, other tables' rows,
errors) speak Vietnamese by default and English on ``?_lang=en``, as the reader's pages do; served
in-process with ``make serve``'s configuration."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.browse.labels import WORDS, counted, describe
from tests.served import SETTINGS, in_process
from tests.test_browse_ui import ARTICLES, SITE

# Datasette's words, none of which a Vietnamese page may show.
ENGLISH = [
    "Powered by",
    "Queries took",
    "Data license",
    "Data source",
    "rows",
    "row",
    "records",
    "results",
    "where",
    "sorted by",
    "descending",
    "Next page",
    "Advanced export",
    "JSON shape",
    "CSV options",
    "Export CSV",
    "View and edit SQL",
    "Custom SQL query",
    "Run SQL",
    "Format SQL",
    "Edit SQL",
    "This data as",
    "Apply",
    "Search",
    "column",
    "remove filter",
    "contains",
    "Tables",
    "Queries",
    "hidden",
    "Suggested facets",
    "Links from other tables",
    "Not found",
    "Error",
    "Table not found",
    "Database not found",
    "Record not found",
]
# Our Vietnamese words, none of which an English page may show (the data stays as written).
VIETNAMESE = [
    "Chạy trên",
    "Truy vấn mất",
    "Giấy phép dữ liệu",
    "Nguồn dữ liệu",
    "xếp theo",
    "Trang sau",
    "Xuất dữ liệu nâng cao",
    "Truy vấn SQL",
    "Chạy SQL",
    "Dữ liệu này dạng",
    "Áp dụng",
    "Không tìm thấy",
    "Về trang chủ",
]

FILTERED = "/hdnd/articles?_fields=all&title__contains=k%E1%BB%B3"  # title contains "kỳ"
# (path, status, Vietnamese words the page shows, the same in English)
PAGES = [
    ("/hdnd", 200, ["Bảng", "Truy vấn có sẵn", "Truy vấn SQL", "Chạy SQL", "3 dòng"],
     ["Tables", "Queries", "Custom SQL query", "Run SQL", "3 rows"]),
    ("/hdnd/articles?_fields=all&_size=1", 200,
     ["3 dòng xếp theo rowid giảm dần", "Trang sau", "Xuất dữ liệu nâng cao", "Xem và sửa SQL",
      "Áp dụng", "Dữ liệu này dạng", "Chạy trên", "Giấy phép dữ liệu"],
     ["3 rows sorted by rowid descending", "Next page", "Advanced export", "View and edit SQL",
      "Apply", "This data as", "Powered by", "Data license"]),
    (FILTERED, 200, ['2 dòng có title chứa "kỳ" xếp theo rowid giảm dần', "- bỏ bộ lọc -"],
     ['2 rows where title contains "kỳ" sorted by rowid descending', "- remove filter -"]),
    ("/hdnd/crawl_runs", 200, ["0 dòng xếp theo started_at giảm dần", "Không có dòng nào."],
     ["0 rows sorted by started_at descending", "0 records"]),
    ("/hdnd/article_versions", 200, ["0 dòng xếp theo seen_until giảm dần"],
     ["0 rows sorted by seen_until descending"]),
    ("/hdnd/attachments", 200, ["0 dòng"], ["0 rows"]),
    ("/hdnd/sites", 200, ["1 dòng", "Xuất dữ liệu nâng cao"], ["1 row", "Advanced export"]),
    ("/hdnd/sites/hdnd", 200, ["Dữ liệu này dạng"], ["This data as"]),
    ("/hdnd?sql=select+title+from+articles", 200, ["Truy vấn SQL trả về 3 dòng", "Chạy SQL"],
     ["Custom SQL query returning 3 rows", "Run SQL"]),
    ("/hdnd/latest", 200, ["Truy vấn SQL trả về 3 dòng", "Sửa SQL"],
     ["Custom SQL query returning 3 rows", "Edit SQL"]),
    ("/hdnd/no_such_table", 404, ["Không tìm thấy", "Không có bảng này."],
     ["Not found", "Table not found."]),
    ("/no_such_database", 404, ["Không tìm thấy", "Không có cơ sở dữ liệu này."],
     ["Not found", "Database not found."]),
    ("/hdnd/articles/hdnd,999", 404, ["Không tìm thấy", "Không có dòng này."],
     ["Not found", "Record not found."]),
]  # fmt: skip


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Datasette:
    archive = Archive(tmp_path_factory.mktemp("language") / "hdnd.db")
    try:
        archive.record_site(SITE)
        for a in ARTICLES:
            archive.upsert_article(a)
    finally:
        archive.close()
    return in_process(archive.path, SETTINGS)


def fetch(ds: Datasette, path: str, status: int = 200) -> tuple[BeautifulSoup, str]:
    """The page, and the words a reader sees on it: its text, its buttons and its labels."""

    async def get() -> str:
        response = await ds.client.get(path)
        assert response.status_code == status, (path, response.text)
        return response.text

    soup = BeautifulSoup(asyncio.run(get()), "html.parser")
    # Code, and the data in the cells (English where the archive wrote it so), are not words of
    # the page.
    for code in [*soup(["script", "style", "textarea"]), *soup.select(".rows-and-columns td")]:
        code.decompose()
    seen = [soup.get_text(" ")]
    seen += [tag["value"] for tag in soup.select("input[type=submit]")]
    seen += [tag["aria-label"] for tag in soup.select("[aria-label]")]
    return soup, " ".join(" ".join(seen).split())


def english(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "_lang=en"


def absent(phrases: list[str], text: str) -> list[str]:
    return [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


@pytest.mark.parametrize(("path", "status", "vietnamese", "in_english"), PAGES)
def test_datasettes_pages_speak_vietnamese_by_default(ds, path, status, vietnamese, in_english):
    soup, text = fetch(ds, path, status)
    assert soup.html["lang"] == "vi"
    assert [w for w in vietnamese if w not in text] == [], text
    assert absent(ENGLISH, text) == [], text
    # The way to English stays on the page.
    assert soup.find("a", string=WORDS["vi"]["other_language"])


@pytest.mark.parametrize(("path", "status", "vietnamese", "in_english"), PAGES)
def test_datasettes_pages_speak_english_on_request(ds, path, status, vietnamese, in_english):
    soup, text = fetch(ds, english(path), status)
    assert soup.html["lang"] == "en"
    assert [w for w in in_english if w not in text] == [], text
    assert absent(VIETNAMESE, text) == [], text
    back = soup.find("a", string=WORDS["en"]["other_language"])
    assert back and "_lang" not in back["href"]


def test_every_table_the_database_page_lists_is_vietnamese(ds):
    soup, _ = fetch(ds, "/hdnd?_show_hidden=1")
    tables = [a["href"] for a in soup.select("div.db-table h3 a")]
    assert "/hdnd/crawl_runs" in tables and len(tables) > 8
    for path in tables:
        _, text = fetch(ds, path)
        assert absent(ENGLISH, text) == [], (path, text)
        # The article list is the reader's own page, with its own words.
        assert "Dữ liệu này dạng" in text or path == "/hdnd/articles", path


def test_a_path_nothing_serves_is_not_found_in_the_pages_language(ds):
    # With rich importable, as beside the development tools make serve shares, Datasette's own
    # handler failed on a path no route serves: the plugin keeps it from printing with rich.
    import rich  # noqa: F401 - the environment the test is about

    soup, text = fetch(ds, "/-/no/such/page", 404)
    assert soup.h1.text == "Không tìm thấy" and "Không có trang nào ở địa chỉ này." in text
    soup, text = fetch(ds, "/-/no/such/page?_lang=en", 404)
    assert soup.h1.text == "Not found" and "There is no page at this address." in text


def test_links_from_english_pages_stay_english(ds):
    soup, _ = fetch(ds, "/hdnd?_lang=en")
    assert soup.select_one("div.db-table h3 a")["href"].endswith("?_lang=en")
    assert soup.select_one("form.sql input[name=_lang]")["value"] == "en"


def test_filters_and_the_column_menu_are_named_in_the_pages_language(ds):
    async def get(path: str) -> str:
        return (await ds.client.get(path)).text

    soup, _ = fetch(ds, FILTERED)
    chosen = soup.select_one("select[name=_filter_op_1] option[selected]")
    assert (chosen["value"], chosen.text) == ("contains", "chứa")
    # table.js writes its column menu in English; the page renames its items.
    assert json.dumps(WORDS["vi"]["sort_ascending"]) in asyncio.run(get(FILTERED))
    assert json.dumps("Sort ascending") in asyncio.run(get(english(FILTERED)))


def test_json_and_csv_are_datasettes_own_in_any_language(ds):
    async def get(path: str) -> tuple[int, str]:
        response = await ds.client.get(path)
        return response.status_code, response.text

    for path in ("/hdnd/no_such_table.json", "/hdnd/no_such_table.json?_lang=en"):
        status, body = asyncio.run(get(path))
        assert (status, json.loads(body)) == (
            404,
            {"ok": False, "error": "Table not found", "status": 404, "title": None},
        )
    status, body = asyncio.run(get("/hdnd/sites.csv?_lang=en"))
    assert status == 200 and body.startswith("slug,name,base_url,cms")


def test_counts_and_descriptions_in_each_language():
    assert counted(12345, "rows", "vi") == "12.345 dòng"
    assert counted(1, "rows", "en") == "1 row"
    assert counted(12345, "rows", "en") == "12,345 rows"
    selections = [
        ("title", "contains", "kỳ họp"),
        ("article_id", "gt", "5"),
        ("site", "exact", "1"),
    ]
    assert describe("vi", selections, "ngân sách", None, "rowid") == (
        'có khớp tìm kiếm "ngân sách", title chứa "kỳ họp", article_id > 5 và site = 1'
        " xếp theo rowid giảm dần"
    )
    assert describe("en", selections[:1], None, "title", None) == (
        'where title contains "kỳ họp" sorted by title'
    )
    assert describe("en", [], None, None, None) == ""
