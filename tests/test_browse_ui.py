"""What a reader sees in Datasette: lists of articles, searches and the home page, in Vietnamese
by default and in English on request, served in-process with ``make serve``'s configuration."""

from __future__ import annotations

import asyncio

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette

from hdnd_crawler.archive.store import Archive
from hdnd_crawler.browse.listing import local_date
from hdnd_crawler.records import Article
from tests.served import SETTINGS, in_process

SITE = {
    "slug": "hdnd",
    "name": "HĐND tỉnh Cao Bằng",
    "base_url": "http://hdnd.caobang.gov.vn",
    "cms": "nukeviet",
}


def article(article_id: int, title: str, published_at: str, category: str, **more) -> Article:
    return Article(
        site="hdnd",
        article_id=article_id,
        url=f"http://hdnd.caobang.gov.vn/ky-hop/bai-{article_id}.html",
        title=title,
        published_at=published_at,
        main_category=category,
        author=more.pop("author", "Minh Anh"),
        body_text=more.pop("body_text", "Nội dung của bài."),
        **more,
    )


ARTICLES = [
    article(
        1,
        "Khai mạc kỳ họp thứ 20 Hội đồng nhân dân tỉnh",
        "2023-12-05T08:30:00+07:00",
        "Kỳ họp",
        body_text="Hội đồng nhân dân tỉnh khai mạc kỳ họp thường lệ cuối năm.",
    ),
    article(
        2,
        "Giám sát việc thực hiện chính sách đất đai",
        "2024-03-01T23:45:00+07:00",
        "Giám sát",
        author="Hoàng Lan",
        body_text="Đoàn giám sát làm việc tại huyện.",
    ),
    article(
        3,
        "Tiếp xúc cử tri trước kỳ họp",
        "2024-06-10T07:00:00+07:00",
        "Tiếp xúc cử tri",
        body_text="Đại biểu HĐND tỉnh tiếp xúc cử tri xã.",
    ),
]


@pytest.fixture(scope="module")
def ds(tmp_path_factory) -> Datasette:
    archive = Archive(tmp_path_factory.mktemp("browse") / "hdnd.db")
    try:
        archive.record_site(SITE)
        for a in ARTICLES:
            archive.upsert_article(a)
    finally:
        archive.close()
    return in_process(archive.path, SETTINGS)


def page(ds: Datasette, path: str) -> BeautifulSoup:
    async def get() -> str:
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.text

    return BeautifulSoup(asyncio.run(get()), "html.parser")


def test_local_dates_are_the_sites_own_day():
    # 23:45 in Cao Bằng is the next day in UTC: the list shows the site's day.
    assert local_date("2024-03-01T23:45:00+07:00") == "01/03/2024"
    assert local_date("2024-02-29T16:45:00+00:00") == "29/02/2024"
    assert local_date(None) == ""


def test_every_page_is_vietnamese_by_default_and_english_on_request(ds):
    for path in ("/", "/hdnd/articles", "/hdnd/search?q=ky+hop", "/hdnd/articles/hdnd,1"):
        assert page(ds, path).html["lang"] == "vi", path
        english = page(ds, path + ("&" if "?" in path else "?") + "_lang=en")
        assert english.html["lang"] == "en", path
    assert page(ds, "/hdnd/articles?_lang=en").select_one("table.hdnd-articles th").text == (
        "Published"
    )


def test_article_list_reads_as_articles_with_dates_and_links(ds):
    soup = page(ds, "/hdnd/articles")
    assert [th.text for th in soup.select("table.hdnd-articles thead th")] == [
        "Ngày đăng",
        "Tiêu đề",
        "Trang",
        "Chuyên mục",
        "Tác giả",
    ]
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in soup.select("tbody tr")]
    assert rows == [
        ["10/06/2024", "Tiếp xúc cử tri trước kỳ họp", SITE["name"], "Tiếp xúc cử tri", "Minh Anh"],
        ["01/03/2024", ARTICLES[1].title, SITE["name"], "Giám sát", "Hoàng Lan"],
        ["05/12/2023", ARTICLES[0].title, SITE["name"], "Kỳ họp", "Minh Anh"],
    ]
    links = [a["href"] for a in soup.select("tbody td.col-title a")]
    assert links == ["/hdnd/articles/hdnd,3", "/hdnd/articles/hdnd,2", "/hdnd/articles/hdnd,1"]
    text = soup.get_text()
    assert "body_text" not in text and "rowid" not in text and "CREATE TABLE" not in text
    assert soup.title.text.strip() == "Danh sách bài viết – Kho lưu trữ tin bài"
    assert [a.text for a in soup.select("p.crumbs a")] == ["Trang chủ", "Dữ liệu"]
    # Every field stays a link away: Datasette's own table, and the exports.
    exports = {a.text: a["href"] for a in soup.select("p.export-links a")}
    assert exports["JSON"].startswith("/hdnd/articles.json")
    assert exports["CSV"].startswith("/hdnd/articles.csv")
    full = page(ds, exports["mọi trường (bảng đầy đủ)"])
    columns = {th["data-column"] for th in full.select("table.rows-and-columns th")}
    assert {"body_text", "body_html", "payload_digest", "warc_record_id"} <= columns


def test_facets_are_named_for_people_years_newest_first(ds):
    soup = page(ds, "/hdnd/articles")
    names = {
        div["data-column"]: div.select_one(".facet-info-name strong").contents[0].strip()
        for div in soup.select("div.facet-info")
    }
    assert names == {
        "main_category": "Chuyên mục",
        "categories": "Có trong chuyên mục",
        "published_year": "Năm",
        "author": "Tác giả",
        "site": "Trang",
    }
    years = [a.text for a in soup.select("#facet-published_year li a")]
    assert years == ["2024", "2023"]


def test_home_page_searches_the_articles(ds):
    soup = page(ds, "/")
    form = soup.select_one("form.hdnd-search")
    assert form["action"] == "/hdnd/search" and form.select_one("input[type=search]")["name"] == "q"
    found = page(ds, "/hdnd/search?q=hoi+dong+nhan+dan")
    assert found.title.text.startswith("hoi dong nhan dan – Tìm kiếm")
    # Newest first; article 3 says "HĐND tỉnh", the abbreviation.
    abbreviated, row = found.select("table.hdnd-articles tbody tr")
    assert abbreviated.select_one("td.col-snippet mark").text == "HĐND"
    assert row.select_one("td.col-date").text == "05/12/2023"
    assert row.select_one("td.col-title a")["href"] == "/hdnd/articles/hdnd,1"
    assert row.select_one("td.col-main_category").text == "Kỳ họp"
    assert row.select_one("td.col-snippet mark").text == "Hội đồng nhân dân"


def test_table_search_reads_as_articles_and_offers_the_ranked_one(ds):
    soup = page(ds, "/hdnd/articles?_search=hdnd")
    assert soup.title.text.strip() == "hdnd – Tìm kiếm"
    titles = [a.text for a in soup.select("tbody td.col-title a")]
    assert titles == [ARTICLES[2].title, ARTICLES[0].title]
    ranked = soup.select_one("h3.hdnd-count a")
    assert ranked.text == "Phù hợp nhất trước" and ranked["href"] == "/hdnd/search_ranked?q=hdnd"


@pytest.mark.parametrize(
    "path", ["/hdnd/articles?_search=khong+co+gi+het", "/hdnd/search?q=khong+co+gi+het"]
)
def test_an_empty_search_says_so_in_vietnamese_without_sql(ds, path):
    soup = page(ds, path)
    assert "Không tìm thấy bài viết nào" in soup.select_one("p.zero-results").text
    text = str(soup)
    assert "CREATE TABLE" not in text and "select" not in soup.get_text().lower()
    assert "0 records" not in text and "rows" not in soup.get_text()


def test_article_page_is_titled_and_worded_in_vietnamese(ds):
    soup = page(ds, "/hdnd/articles/hdnd,2")
    assert soup.title.text.strip() == ARTICLES[1].title
    assert soup.h1.text == ARTICLES[1].title
    headings = [h2.text for h2 in soup.select("article h2")]
    assert headings == ["Bản lưu", "Cách trích dẫn"]
    assert "01/03/2024" in soup.select_one("p.meta").text


def test_the_home_page_lists_the_sites_archived_with_their_articles(ds):
    sites = page(ds, "/").select("ul.hdnd-sites li")
    assert [li.get_text(strip=False).strip() for li in sites] == [
        f"{SITE['name']} ({SITE['base_url']}): {len(ARTICLES)} bài viết"
    ]
    assert sites[0].a["href"] == SITE["base_url"]
