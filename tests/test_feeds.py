"""Atom feeds of the archive's new articles and of a saved search, served by Datasette."""

from __future__ import annotations

import asyncio
import sqlite3
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette

from hdnd_crawler.archive.search import search
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.records import Article
from tests.served import in_process

A = "{http://www.w3.org/2005/Atom}"


def article(article_id: int, title: str, body: str, site: str = "hdnd") -> Article:
    return Article(
        site=site,
        article_id=article_id,
        url=f"http://{site}.example.vn/tin-tuc/bai-{article_id}.html",
        title=title,
        published_at=f"2024-{article_id % 12 + 1:02d}-01T08:00:00+07:00",
        main_category="Tin tức",
        author="Minh Anh" if article_id % 2 else None,
        body_text=body,
    )


@pytest.fixture
def ds(tmp_path):
    archive = Archive(tmp_path / "hdnd.db")
    for n in range(1, 61):
        topic = "Hội đồng nhân dân tỉnh họp kỳ họp thứ" if n % 3 == 0 else "Ủy ban tổng kết"
        archive.upsert_article(article(n, f"Bài {n}: {topic} {n}", f"{topic} {n}. <b>đậm</b>"))
    archive.upsert_article(article(7, "Bài khác trang", "Nội dung của trang khác.", site="other"))
    archive.close()
    yield in_process(tmp_path / "hdnd.db")


def get(ds: Datasette, path: str):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


def parsed(ds: Datasette, path: str) -> ET.Element:
    response = get(ds, path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{A}{required}").text
    return feed


def entries(feed: ET.Element) -> list[dict]:
    out = []
    for entry in feed.findall(f"{A}entry"):
        links = {link.get("rel"): link.get("href") for link in entry.findall(f"{A}link")}
        out.append(
            {
                "id": entry.find(f"{A}id").text,
                "title": entry.find(f"{A}title").text,
                "links": links,
                "published": entry.find(f"{A}published").text,
                "updated": entry.find(f"{A}updated").text,
                "author": entry.find(f"{A}author/{A}name").text,
                "summary": entry.find(f"{A}summary").text,
            }
        )
    return out


def test_new_articles_feed_lists_the_newest_fifty_with_both_links(ds, tmp_path):
    found = entries(parsed(ds, "/-/feeds/new.atom"))
    assert len(found) == 50
    with sqlite3.connect(tmp_path / "hdnd.db") as conn:
        newest = conn.execute(
            "select site, article_id, title, url from articles order by published_at desc,"
            " rowid desc limit 50"
        ).fetchall()
    assert [e["title"] for e in found] == [row[2] for row in newest]
    site, article_id, _, url = newest[0]
    first = found[0]
    assert first["links"]["alternate"] == f"http://localhost/hdnd/articles/{site},{article_id}"
    assert first["links"]["related"] == url
    assert first["published"].endswith("+07:00") and first["updated"].endswith("Z")
    assert first["author"] in ("Minh Anh", site)
    # The body's markup stays text: the summary is escaped by the XML, never markup.
    assert "<b>đậm</b>" in found[0]["summary"] or "<b>đậm</b>" in found[1]["summary"]


def test_new_articles_feed_of_one_site(ds):
    found = entries(parsed(ds, "/-/feeds/new.atom?site=other"))
    assert [e["title"] for e in found] == ["Bài khác trang"]
    assert found[0]["links"]["related"] == "http://other.example.vn/tin-tuc/bai-7.html"


def test_search_feed_matches_search(ds, tmp_path):
    query = "hdnd ky hop"
    found = entries(parsed(ds, f"/-/feeds/search.atom?q={query}"))
    with sqlite3.connect(tmp_path / "hdnd.db") as conn:
        hits = search(conn, query, limit=50)
    assert len(hits) == 20
    assert [e["title"] for e in found] == [hit.title for hit in hits]
    assert [e["links"]["related"] for e in found] == [hit.url for hit in hits]
    assert "<mark>" not in found[0]["summary"]
    assert get(ds, "/-/feeds/search.atom").status_code == 400


def test_home_and_search_pages_link_their_feeds(ds):
    home = BeautifulSoup(get(ds, "/").text, "html.parser")
    feeds = home.select('link[rel="alternate"][type="application/atom+xml"]')
    assert [link["href"] for link in feeds] == ["/-/feeds/new.atom"]
    page = BeautifulSoup(get(ds, "/hdnd/search?q=kỳ+họp").text, "html.parser")
    hrefs = [
        link["href"] for link in page.select('link[rel="alternate"][type="application/atom+xml"]')
    ]
    assert "/-/feeds/search.atom?q=k%E1%BB%B3+h%E1%BB%8Dp" in hrefs
    assert parsed(ds, hrefs[-1]).find(f"{A}title").text == "Tìm kiếm: kỳ họp"
