"""Validate → Normalize → Deduplicate → Store, each on its own."""

import logging
import sqlite3
import unicodedata

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from hdnd_crawler.archive.search import search
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.pipelines import (
    DeduplicatePipeline,
    NormalizePipeline,
    StorePipeline,
    ValidatePipeline,
)
from hdnd_crawler.records import Article, CategoryMembership
from hdnd_crawler.sites.registry import get_site

SPIDER = spider_class(get_site("hdnd"))


@pytest.fixture
def crawler(tmp_path):
    crawler = get_crawler(SPIDER, {"ARCHIVE_DB": str(tmp_path / "a.db")})
    crawler.spider = crawler._create_spider()
    return crawler


def article(**changes) -> Article:
    fields = dict(
        site="hdnd",
        article_id=5,
        url="https://www.hdnd.caobang.gov.vn/tin-tuc/bai-5.html?utm_source=zalo",
        title="Tiêu đề",
        published_at="2024-07-10T17:25:00+07:00",
        main_category="Tin tức - Sự kiện",
        body_text="Nội dung.",
    )
    fields.update(changes)
    return Article(**fields)


@pytest.mark.parametrize(
    "changes,reason",
    [
        ({"title": ""}, "title"),
        ({"published_at": None}, "published_at"),
        ({"body_text": ""}, "body"),
    ],
)
def test_validate_drops_what_cannot_be_archived_and_says_why(crawler, changes, reason):
    with pytest.raises(DropItem, match=reason):
        ValidatePipeline(crawler).process_item(article(**changes))
    assert crawler.stats.get_value("hdnd/dropped/invalid") == 1


def test_a_photo_story_or_a_document_alone_is_content(crawler):
    pictures = article(body_text="", body_html='<figure><img src="http://x/a.jpg"></figure>')
    document = article(body_text="", attachments=[{"url": "http://x/a.pdf", "name": "NQ 12"}])
    for item in (pictures, document):
        assert ValidatePipeline(crawler).process_item(item) is item


def test_validate_passes_a_complete_article(crawler):
    item = article()
    assert ValidatePipeline(crawler).process_item(item) is item


def test_normalize_nfc_spaces_and_canonical_urls(crawler):
    decomposed = unicodedata.normalize("NFD", "Hội đồng  nhân\u00a0dân")
    item = NormalizePipeline(crawler).process_item(
        article(
            title=decomposed,
            images=[{"url": "https://hdnd.caobang.gov.vn/uploads/a.jpg", "caption": decomposed}],
        )
    )
    assert item.title == "Hội đồng nhân dân"
    assert item.url == "http://hdnd.caobang.gov.vn/tin-tuc/bai-5.html"
    assert item.images[0]["url"] == "http://hdnd.caobang.gov.vn/uploads/a.jpg"
    assert item.images[0]["caption"] == unicodedata.normalize("NFC", decomposed)


def test_deduplicate_one_record_per_article_and_category(crawler):
    pipeline = DeduplicatePipeline(crawler)
    pipeline.process_item(article())
    with pytest.raises(DropItem):
        pipeline.process_item(article(url="http://hdnd.caobang.gov.vn/hoat-dong-hdnd/bai-5.html"))
    membership = CategoryMembership("hdnd", 5, "Tin tức - Sự kiện")
    assert pipeline.process_item(membership) is membership
    with pytest.raises(DropItem):
        pipeline.process_item(CategoryMembership("hdnd", 5, "Tin tức - Sự kiện"))


def test_store_writes_rows_and_memberships(crawler, tmp_path):
    store = StorePipeline(crawler)
    store.open_spider()
    store.process_item(CategoryMembership("hdnd", 5, "Hoạt động HĐND"))
    store.process_item(article(url="http://hdnd.caobang.gov.vn/tin-tuc/bai-5.html"))
    row = store.archive.get_article("hdnd", 5)
    store.close_spider()
    assert row["categories"] == ["Tin tức - Sự kiện", "Hoạt động HĐND"]
    assert crawler.stats.get_value("hdnd/articles/new") == 1


def test_store_merges_the_search_index_after_a_run_that_wrote_to_it(crawler, caplog):
    caplog.set_level(logging.INFO)
    store = StorePipeline(crawler)
    store.open_spider()
    for article_id in range(1, 6):
        store.process_item(article(article_id=article_id, body_text=f"Bài số {article_id}."))
    segments = store.archive.search_segments()
    assert segments > 1  # committed one by one
    store.close_spider()
    assert f"Search index merged from {segments} b-trees into one" in caplog.text

    again = StorePipeline(crawler)
    again.open_spider()
    again.process_item(article(article_id=3, body_text="Bài số 3."))
    assert again.archive.search_segments() == 1
    again.close_spider()  # nothing written: nothing to merge
    assert caplog.text.count("Search index merged") == 1
    with sqlite3.connect(crawler.settings["ARCHIVE_DB"]) as conn:
        assert [hit.article_id for hit in search(conn, "bai so 3")] == [3]
