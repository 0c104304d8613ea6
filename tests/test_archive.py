import json
from collections import Counter

from hdnd_crawler.archive.migrations import MIGRATIONS
from hdnd_crawler.archive.store import FACET_COLUMNS, FACET_COUNTS, FACET_LISTS, Archive
from hdnd_crawler.records import Article
from tests.conftest import archive_at


def make_article(**changes) -> Article:
    fields = dict(
        site="hdnd",
        article_id=7,
        url="http://hdnd.caobang.gov.vn/hoat-dong-hdnd/bai-7.html",
        title="Kỳ họp thứ 7",
        published_at="2024-07-10T17:25:00+07:00",
        main_category="Hoạt động HĐND",
        categories=["Hoạt động HĐND"],
        author="Minh Anh",
        summary="Tóm tắt.",
        body_text="Đoạn một.\n\nĐoạn hai.",
        body_html="<p>Đoạn một.</p><p>Đoạn hai.</p>",
        tags=["kỳ họp"],
    )
    fields.update(changes)
    return Article(**fields)


def test_new_then_unchanged_then_updated_keeps_the_old_version(fresh_db):
    assert fresh_db.upsert_article(make_article(), seen_at="2024-07-11T00:00:00+00:00") == "new"
    first = fresh_db.get_article("hdnd", 7)
    again = fresh_db.upsert_article(make_article(), seen_at="2024-07-12T00:00:00+00:00")
    assert again == "unchanged"
    same = fresh_db.get_article("hdnd", 7)
    assert {k: v for k, v in same.items() if k != "last_seen_at"} == {
        k: v for k, v in first.items() if k != "last_seen_at"
    }
    assert same["last_seen_at"] == "2024-07-12T00:00:00+00:00"
    assert fresh_db.versions("hdnd", 7) == []

    edited = make_article(body_text="Đoạn một, đã sửa.\n\nĐoạn hai.")
    assert fresh_db.upsert_article(edited, seen_at="2024-07-13T00:00:00+00:00") == "updated"
    row = fresh_db.get_article("hdnd", 7)
    assert row["body_text"].startswith("Đoạn một, đã sửa.")
    assert row["first_seen_at"] == "2024-07-11T00:00:00+00:00"
    (version,) = fresh_db.versions("hdnd", 7)
    assert version["body_text"] == "Đoạn một.\n\nĐoạn hai."
    assert version["content_hash"] == first["content_hash"]
    assert version["seen_from"] == "2024-07-11T00:00:00+00:00"
    assert version["seen_until"] == "2024-07-13T00:00:00+00:00"


def test_counters_and_markup_alone_are_not_a_change(fresh_db):
    fresh_db.upsert_article(make_article())
    assert fresh_db.upsert_article(make_article(body_html="<p>Đoạn một.</p>")) == "unchanged"


def test_categories_from_listings_join_the_main_one_in_either_order(fresh_db):
    fresh_db.add_category("hdnd", 7, "Tin tức - Sự kiện")
    fresh_db.upsert_article(make_article())
    fresh_db.add_category("hdnd", 7, "Hoạt động Đoàn ĐBQH")
    fresh_db.add_category("hdnd", 7, "Tin tức - Sự kiện")
    row = fresh_db.get_article("hdnd", 7)
    assert row["categories"] == ["Hoạt động HĐND", "Hoạt động Đoàn ĐBQH", "Tin tức - Sự kiện"]
    assert fresh_db.versions("hdnd", 7) == []


def test_capture_of_the_current_content_is_kept_until_it_changes(fresh_db):
    capture = {"warc_file": "a.warc.gz", "warc_record_id": "<urn:uuid:1>", "http_status": 200}
    fresh_db.upsert_article(make_article(capture=capture))
    fresh_db.upsert_article(make_article(capture={**capture, "warc_file": "b.warc.gz"}))
    assert fresh_db.get_article("hdnd", 7)["warc_file"] == "a.warc.gz"
    fresh_db.upsert_article(
        make_article(title="Mới", capture={**capture, "warc_file": "c.warc.gz"})
    )
    assert fresh_db.get_article("hdnd", 7)["warc_file"] == "c.warc.gz"
    assert fresh_db.versions("hdnd", 7)[0]["warc_file"] == "a.warc.gz"


def test_migrations_run_once(tmp_path):
    Archive(tmp_path / "a.db").close()
    archive = Archive(tmp_path / "a.db")
    rows = list(archive.db["schema_migrations"].rows)
    assert [r["version"] for r in rows] == list(range(1, len(MIGRATIONS) + 1))
    archive.close()


def kept_counts(archive: Archive) -> dict[tuple[str, object], int]:
    rows = archive.db.conn.execute(f"select facet, value, count from {FACET_COUNTS}")
    return {(facet, value): count for facet, value, count in rows}


def live_counts(archive: Archive) -> dict[tuple[str, object], int]:
    """What the facet counts are, counted afresh from every article row."""
    counts: Counter[tuple[str, object]] = Counter()
    columns = ", ".join((*FACET_COLUMNS, *FACET_LISTS))
    for row in archive.db.conn.execute(f"select {columns} from articles"):
        values = dict(zip((*FACET_COLUMNS, *FACET_LISTS), row, strict=True))
        counts.update((c, values[c]) for c in FACET_COLUMNS if values[c] is not None)
        for column in FACET_LISTS:
            try:
                listed = json.loads(values[column] or "[]")
            except json.JSONDecodeError:
                listed = []
            counts.update((column, v) for v in listed if v is not None)
    return dict(counts)


def test_facet_counts_follow_inserts_updates_and_deletes(fresh_db):
    fresh_db.upsert_article(make_article())
    fresh_db.upsert_article(make_article(article_id=8, author=None, published_at="2023-01-02"))
    fresh_db.add_category("hdnd", 8, "Tin tức - Sự kiện")
    fresh_db.add_category("hdnd", 7, "Tin tức - Sự kiện")
    assert kept_counts(fresh_db) == live_counts(fresh_db)
    assert kept_counts(fresh_db)[("categories", "Tin tức - Sự kiện")] == 2
    assert kept_counts(fresh_db)[("published_year", 2023)] == 1

    # An edit that moves the article to another year, author and category.
    fresh_db.upsert_article(
        make_article(published_at="2025-01-01T08:00:00+07:00", author="Hoàng Lan", title="Mới")
    )
    fresh_db.mark_gone("hdnd", 8, 404)
    assert kept_counts(fresh_db) == live_counts(fresh_db)
    assert ("author", "Minh Anh") not in kept_counts(fresh_db)
    assert ("published_year", 2024) not in kept_counts(fresh_db)

    with fresh_db.db.conn:
        conn = fresh_db.db.conn
        conn.execute("update articles set categories = 'not json' where article_id = 7")
        conn.execute("update articles set categories = '[\"A\", \"A\", null]', site = 'x'")
        conn.execute("delete from articles where article_id = 8")
    assert (
        kept_counts(fresh_db)
        == live_counts(fresh_db)
        == {
            ("site", "x"): 1,
            ("main_category", "Hoạt động HĐND"): 1,
            ("author", "Hoàng Lan"): 1,
            ("published_year", 2025): 1,
            ("categories", "A"): 2,
        }
    )


def test_facet_counts_migration_counts_the_articles_already_stored(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    old = archive_at(path, 5, monkeypatch)
    # Rows as a release at version 5 wrote them: the second learnt its category from a listing.
    with old:
        old.execute(
            "insert into articles (site, article_id, url, title, published_at, main_category,"
            " categories, author, body_text, content_hash) values"
            " ('hdnd', 7, 'u7', 'Kỳ họp thứ 7', '2024-07-10T17:25:00+07:00', 'Hoạt động HĐND',"
            " '[\"Hoạt động HĐND\"]', 'Minh Anh', 'Đoạn một.', 'h7'),"
            " ('hdnd', 8, 'u8', 'Kỳ họp thứ 8', '2024-07-11T17:25:00+07:00', null,"
            " '[\"Tin tức - Sự kiện\"]', 'Minh Anh', 'Đoạn một.', 'h8')"
        )
    old.close()
    archive = Archive(path)
    try:
        assert kept_counts(archive) == live_counts(archive)
        assert kept_counts(archive)[("site", "hdnd")] == 2
    finally:
        archive.close()
