"""The generic extractors on single captured WordPress pages."""

from __future__ import annotations

import pytest

from devtools.evaluation import token_f1
from hdnd_crawler.extract.generic.article import parse_article
from hdnd_crawler.extract.generic.identity import url_id
from hdnd_crawler.extract.generic.listing import parse_feed, parse_listing, parse_sitemap
from tests.wordpress import captured, expected, expected_text, wp_site

HTML = "text/html; charset=UTF-8"
FIELDS = ("article_id", "url", "title", "published_at", "main_category", "categories", "author")
FIELDS += ("images", "attachments", "tags")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return wp_site(tmp_path_factory.mktemp("registry"))


@pytest.mark.parametrize("truth", expected(), ids=lambda e: str(e["article_id"]))
def test_every_post_page_gives_the_expected_fields_and_body(site, truth):
    body, _ = captured(truth["url"].removeprefix("http://wp.test"))
    article = parse_article(body, truth["url"], site, HTML)
    assert {f: getattr(article, f) for f in FIELDS} == {f: truth[f] for f in FIELDS}
    assert token_f1(article.body_text, expected_text(truth["article_id"])) >= 0.98
    assert article.extracted_by == "generic/content-node"


def test_block_theme_terms_are_told_apart_by_their_container(site):
    # Post 7: category and tag links are all rel="tag"; the tag "giám sát" shares its slug.
    body, _ = captured(
        "/2026/09/ban-kinh-te-ngan-sach-khao-sat-tinh-hinh-thuc-hien-du-toan-ngan-sach-9-thang/"
    )
    article = parse_article(body, "http://wp.test/", site, HTML)
    assert article.categories == ["Giám sát", "Tin hoạt động"]
    assert article.tags == ["Ban Kinh tế – Ngân sách", "ngân sách"]


def test_without_a_content_node_trafilatura_reads_the_whole_page(site):
    from dataclasses import replace

    whole_page = replace(site, selectors={k: v for k, v in site.selectors.items() if k != "body"})
    body, _ = captured("/2026/10/thong-bao-trieu-tap-ky-hop-thu-tu-hdnd-tinh-khoa-xviii/")
    article = parse_article(body, "http://wp.test/", whole_page, HTML)
    assert article.extracted_by == "generic/whole-page"
    assert token_f1(article.body_text, expected_text(11)) >= 0.98


def test_url_ids_are_53_bit_and_stable():
    number = url_id("http://wp.test/2026/10/x/")
    assert 0 < number < 2**53
    assert number == url_id("http://wp.test/2026/10/x/") != url_id("http://wp.test/2026/10/y/")


def test_a_wordpress_page_is_not_an_article(site):
    sitemap, _ = captured("/wp-sitemap-posts-page-1.xml")
    assert parse_sitemap(sitemap, "http://wp.test/wp-sitemap-posts-page-1.xml", site) == ([], [])


def test_the_sitemap_index_and_the_post_sitemap(site):
    index, _ = captured("/wp-sitemap.xml")
    sitemaps, articles = parse_sitemap(index, "http://wp.test/wp-sitemap.xml", site)
    assert "http://wp.test/wp-sitemap-posts-post-1.xml" in sitemaps and not articles
    posts, _ = captured("/wp-sitemap-posts-post-1.xml")
    assert len(parse_sitemap(posts, "http://wp.test/wp-sitemap-posts-post-1.xml", site)[1]) == 15


def test_feed_entries_carry_the_post_ids_of_their_guids(site):
    feed, _ = captured("/feed/")
    entries = parse_feed(feed, "http://wp.test/feed/", site)
    assert len(entries) == 10
    assert (entries[0].url, entries[0].article_id) == (
        "http://wp.test/2026/12/tiep-xuc-cu-tri-truoc-ky-hop-thu-nam-tai-thanh-pho-cao-bang/",
        26,
    )


def test_a_category_archive_lists_its_posts_and_next_page(site):
    page, _ = captured("/category/tin-hoat-dong/")
    listing = parse_listing(page, "http://wp.test/category/tin-hoat-dong/", site, HTML)
    assert listing.category == "Tin hoạt động"
    assert len(listing.articles) == 5
    assert listing.pages == ["http://wp.test/category/tin-hoat-dong/page/2/"]
