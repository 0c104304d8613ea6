"""Listing pages, the home page, feeds and sitemaps of the fixture site."""

import json

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.nukeviet.listing import parse_feed, parse_listing, parse_sitemap
from tests.conftest import BASE_URL, FIXTURES, SITE_ROOT, expected_articles

CATEGORY_URLS = {
    f"{BASE_URL}/{alias}/"
    for alias in ("hoat-dong-hdnd", "hoat-dong-doan-dbqh", "tin-tuc", "tin-huyen")
}


def listing(path: str, site):
    url = f"{BASE_URL}/{path.removesuffix('index.html')}"
    return parse_listing((SITE_ROOT / path).read_bytes(), url, site)


def test_home_page_names_every_category_sub_categories_included(site):
    home = parse_listing((SITE_ROOT / "index.html").read_bytes(), f"{BASE_URL}/", site)
    assert set(home.categories) == CATEGORY_URLS
    assert home.articles == []  # the home page is no listing: its blocks give no category
    assert home.other_articles


def test_category_page_items_name_and_pagination(site):
    first = listing("hoat-dong-hdnd/index.html", site)
    assert first.category == "Hoạt động HĐND"
    assert len(first.articles) == 4
    assert all(urls.article_id(u, site) for u in first.articles)
    assert f"{BASE_URL}/hoat-dong-hdnd/page-2/" in first.pages
    last = listing("hoat-dong-hdnd/page-3/index.html", site)
    assert last.category == "Hoạt động HĐND"
    assert f"{BASE_URL}/hoat-dong-hdnd/page-3/" not in last.pages


def test_a_secondary_category_lists_the_article_under_its_own_path(site):
    page = listing("tin-tuc/index.html", site)
    ids = [urls.article_id(u, site) for u in page.articles]
    assert 697 in ids
    assert any(
        u.startswith(f"{BASE_URL}/tin-tuc/") and u.endswith("-697.html") for u in page.articles
    )


def test_sub_category_page(site):
    page = listing("tin-huyen/index.html", site)
    assert page.category == "Tin huyện, thành phố"
    assert page.articles


def test_an_empty_listing_has_no_items_and_no_next_page(site):
    expected = json.loads((FIXTURES / "pages" / "listing_empty.json").read_text("utf-8"))
    page = parse_listing(
        (FIXTURES / "pages" / "listing_empty.html").read_bytes(), expected["url"], site
    )
    assert page.articles == []
    assert not any(urls.category_page(u, site)[1] > 4 for u in page.pages)


def test_feeds_and_sitemaps_reach_every_article(site):
    every_id = {e["article_id"] for e in expected_articles()}
    feed = parse_feed((SITE_ROOT / "rss" / "index.xml").read_bytes(), f"{BASE_URL}/rss/", site)
    assert {entry.article_id for entry in feed} == every_id
    index, none = parse_sitemap(
        (SITE_ROOT / "sitemap.xml").read_bytes(), f"{BASE_URL}/sitemap.xml", site
    )
    assert index == [f"{BASE_URL}/sitemap-vi.news.xml"] and none == []
    subs, articles = parse_sitemap((SITE_ROOT / "sitemap-vi.news.xml").read_bytes(), index[0], site)
    assert subs == []
    assert {urls.article_id(u, site) for u in articles} == every_id


def test_malformed_feeds_give_nothing(site):
    assert parse_feed(b"<rss><channel><item><link>", f"{BASE_URL}/rss/", site) == []
    assert parse_sitemap(b"not xml at all", f"{BASE_URL}/sitemap.xml", site) == ([], [])
