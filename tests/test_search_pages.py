"""Datasette's search pages, served in-process with ``make serve``'s configuration.

The articles table's own search (``?_search=``), made by the plugin, finds the same articles as
Datasette's clause, page after page, counted by the index, with or without other filters, in
HTML and JSON. Every search page says how many articles matched and how the query was read;
one that found nothing suggests queries that find some."""

from __future__ import annotations

import asyncio
import sqlite3
import urllib.parse

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette

from hdnd_crawler.archive.search import register_functions
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.records import Article
from tests.served import SETTINGS, in_process

CATEGORIES = ("Kỳ họp", "Giám sát", "Tiếp xúc cử tri")


def article(n: int) -> Article:
    # Every third says the long form, every fifth the abbreviation; every fourth holds the
    # words of the phrase apart.
    words = ["Bài số", str(n), "về ngân sách tỉnh."]
    if n % 3 == 0:
        words.append("Hội đồng nhân dân tỉnh họp.")
    if n % 5 == 0:
        words.append("Thường trực HĐND làm việc.")
    if n % 4 == 0:
        words.append("Hội đồng thi đua và Ủy ban nhân dân.")
    return Article(
        site="hdnd",
        article_id=n,
        url=f"http://hdnd.caobang.gov.vn/tin/bai-{n}.html",
        title=f"Bài {n}" + (" kỳ họp" if n % 2 else ""),
        published_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:{n % 60:02d}:00+07:00",
        main_category=CATEGORIES[n % 3],
        author="Minh Anh",
        body_text=" ".join(words),
    )


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    archive = Archive(tmp_path_factory.mktemp("table-search") / "hdnd.db")
    try:
        archive.record_site(
            {"slug": "hdnd", "name": "HĐND tỉnh", "base_url": "http://x", "cms": "nukeviet"}
        )
        for n in range(1, 61):
            archive.upsert_article(article(n))
    finally:
        archive.close()
    return archive.path


@pytest.fixture(scope="module")
def ds(db_path) -> Datasette:
    return in_process(db_path, SETTINGS)


def get(ds: Datasette, path: str):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


def matching(db_path, query: str, where: str = "1") -> list[int]:
    """Datasette's own search clause, run directly: the article ids it finds, newest first."""
    conn = sqlite3.connect(db_path)
    register_functions(conn)
    try:
        sql = (
            "select article_id from articles where rowid in (select rowid from articles_fts"
            f" where articles_fts match escape_fts(?)) and {where} order by rowid desc"
        )
        return [row[0] for row in conn.execute(sql, [query])]
    finally:
        conn.close()


def local(url: str) -> str:
    """The path and query of one of Datasette's absolute links."""
    return urllib.parse.urlsplit(url)._replace(scheme="", netloc="").geturl()


def every_page(ds: Datasette, path: str) -> tuple[list[int], list[int | None]]:
    """The article ids of every page, following ``next_url``, and each page's count."""
    ids, counts = [], []
    while path:
        body = get(ds, path).json()
        ids += [row["article_id"] for row in body["rows"]]
        counts.append(body["filtered_table_rows_count"])
        path = (
            body["next_url"]
            and urllib.parse.urlsplit(body["next_url"])._replace(scheme="", netloc="").geturl()
        )
    return ids, counts


@pytest.mark.parametrize("query", ["hoi dong nhan dan", "HĐND", "ngan sach", "ky hop"])
def test_search_finds_what_datasettes_clause_finds_page_by_page(ds, db_path, query):
    expected = matching(db_path, query)
    assert expected, query
    ids, counts = every_page(
        ds,
        "/hdnd/articles.json?"
        + urllib.parse.urlencode({"_search": query, "_size": 7, "_shape": "objects"}),
    )
    assert ids == expected
    assert set(counts) == {len(expected)}


def test_the_abbreviation_and_its_long_form_find_each_other(db_path):
    # The fixture's arithmetic: long form in multiples of 3, abbreviation in multiples of 5.
    found = set(matching(db_path, "hoi dong nhan dan"))
    assert found == {n for n in range(1, 61) if n % 3 == 0 or n % 5 == 0}
    assert set(matching(db_path, "HĐND")) == found


def test_other_orders_and_filters_find_and_count_the_same(ds, db_path):
    query = "hoi dong nhan dan"
    ids, counts = every_page(
        ds,
        "/hdnd/articles.json?"
        + urllib.parse.urlencode(
            {"_search": query, "_sort": "title", "_size": 9, "_shape": "objects"}
        ),
    )
    assert sorted(ids) == sorted(matching(db_path, query))
    assert set(counts) == {len(ids)}
    # Another filter: Datasette counts, and both filters hold.
    path = "/hdnd/articles.json?" + urllib.parse.urlencode(
        {"_search": query, "main_category__exact": "Giám sát", "_size": 4, "_shape": "objects"}
    )
    ids, counts = every_page(ds, path)
    expected = matching(db_path, query, "main_category = 'Giám sát'")
    assert ids == expected and set(counts) == {len(expected)}


def test_html_page_counts_the_matches_and_pages_through_them(ds, db_path):
    expected = matching(db_path, "ngan sach")
    response = get(ds, "/hdnd/articles?_search=ngan+sach")
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("h3.hdnd-count").text.startswith(f"{len(expected)} bài")
    titles = [a.text for a in soup.select("td.col-title a")]
    assert len(titles) == 20
    following = local(soup.find("a", string="Trang sau")["href"])
    second = BeautifulSoup(get(ds, following).text, "html.parser")
    assert second.select_one("h3.hdnd-count").text.startswith(f"{len(expected)} bài")
    assert not set(titles) & {a.text for a in second.select("td.col-title a")}
    # The facets count every match, not the page's rows: the archive's own, and Datasette's.
    for facets in ("", "&_facet=main_category", "&_facet_array=categories"):
        body = get(ds, "/hdnd/articles.json?_search=ngan+sach" + facets).json()
        for name in ("main_category", "categories"):
            found = body["facet_results"][name]["results"]
            assert sum(value["count"] for value in found) == len(expected), (facets, name)
        assert [row[1] for row in body["rows"]] == expected[:20]


def test_raw_mode_column_search_and_shapes(ds, db_path):
    raw = get(
        ds,
        '/hdnd/articles.json?_searchmode=raw&_search="hoi dong nhan dan"&_size=100&_shape=objects',
    )
    body = raw.json()
    assert body["filtered_table_rows_count"] == len(body["rows"]) == 20  # multiples of 3
    titles = get(ds, "/hdnd/articles.json?_search_title=ky+hop&_size=100&_shape=objects").json()
    assert {row["article_id"] for row in titles["rows"]} == set(range(1, 61, 2))
    array = get(ds, "/hdnd/articles.json?_search=HĐND&_shape=array&_size=100").json()
    assert [row["article_id"] for row in array] == matching(db_path, "HĐND")


def test_an_invalid_raw_query_is_a_clear_error(ds):
    response = get(ds, '/hdnd/articles.json?_searchmode=raw&_search="unclosed')
    assert response.status_code == 400
    assert "unterminated string" in response.json()["error"]


def summary(ds: Datasette, path: str) -> list[str]:
    soup = BeautifulSoup(get(ds, path).text, "html.parser")
    return [
        p.get_text(" ", strip=True) for p in soup.select(".hdnd-found, .zero-results, .hdnd-try")
    ]


def test_a_search_says_how_many_matched_and_how_it_was_read(ds, db_path):
    council = len(matching(db_path, "hoi dong nhan dan"))
    assert summary(ds, "/hdnd/search?q=hoi+dong+nhan+dan") == [
        f"Tìm thấy {council} bài viết; đọc là: hoi dong nhan dan HOẶC HĐND."
    ]
    # More matches than rows shown: counted, not the rows' number.
    assert summary(ds, "/hdnd/search_ranked?q=ngan+sach&limit=5&_lang=en") == [
        'Found 60 articles; read as: "ngan sach" as a phrase first, then all of: ngan, sach.'
    ]
    table = BeautifulSoup(get(ds, "/hdnd/articles?_search=ky+hop+HĐND").text, "html.parser")
    expected = len(matching(db_path, "ky hop HĐND"))
    assert (
        table.select_one("h3.hdnd-count")
        .get_text(" ", strip=True)
        .startswith(
            f"{expected} bài viết; đọc là: các bài có đủ: ky, hop, (HĐND HOẶC Hội đồng nhân dân)."
        )
    )


def test_a_search_that_found_nothing_suggests_queries_that_find_some(ds):
    said = summary(ds, "/hdnd/search?q=ngan+sach+xyzzy&since=2024-01-01")
    assert said[0].startswith("Không tìm thấy bài viết nào chứa «ngan sach xyzzy»")
    assert said[1] == "Thử: ngan sach (60 bài viết); ngan (60 bài viết)"
    soup = BeautifulSoup(
        get(ds, "/hdnd/search?q=ngan+sach+xyzzy&since=2024-01-01").text, "html.parser"
    )
    # The suggestions keep the search's other fields.
    assert soup.select_one(".hdnd-try a")["href"] == "?q=ngan+sach&since=2024-01-01"
