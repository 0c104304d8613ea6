"""A real Scrapy crawl of the fixture site served on 127.0.0.1, into a temporary archive."""

import pytest

from devtools.evaluation import leaked_boilerplate, token_f1
from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.store import Archive
from tests.conftest import EXPECTED, SITE_ROOT, expected_articles, run_crawl, starts

FIELDS = (
    "url",
    "title",
    "published_at",
    "updated_at",
    "main_category",
    "categories",
    "author",
    "source",
    "summary",
    "images",
    "attachments",
    "tags",
)
EXPECTED_BY_ID = {e["article_id"]: e for e in expected_articles()}


def rows(db_path):
    archive = Archive(db_path)
    try:
        return {row["article_id"]: row for row in archive.articles()}, archive.db[
            "article_versions"
        ].count
    finally:
        archive.close()


def without_sightings(table):
    return {k: {f: v for f, v in r.items() if f != "last_seen_at"} for k, r in table.items()}


@pytest.fixture(scope="module")
@starts("servers", "processes")
def crawled(tmp_path_factory):
    """Crawl once, crawl again unchanged, then edit one article and crawl a third time."""
    db = tmp_path_factory.mktemp("crawl") / "hdnd.db"
    state = SiteState(root=SITE_ROOT)
    with serve(state) as base_url:
        first_log = run_crawl(base_url, db).stderr
        first, first_versions = rows(db)
        requests_first = list(state.requests)
        run_crawl(base_url, db)
        second, second_versions = rows(db)
        edited_id = min(EXPECTED_BY_ID)
        path = EXPECTED_BY_ID[edited_id]["url"].removeprefix("http://hdnd.caobang.gov.vn")
        page = (SITE_ROOT / path.lstrip("/")).read_bytes()
        marker = b'id="news-bodyhtml" class="bodytext margin-bottom-lg">'
        assert marker in page
        state.overrides[path] = page.replace(
            marker, marker + "<p>Đoạn mới được biên tập viên bổ sung sau khi đăng.</p>".encode()
        )
        run_crawl(base_url, db)
        third, third_versions = rows(db)
    return {
        "first": first,
        "second": second,
        "third": third,
        "versions": (first_versions, second_versions, third_versions),
        "edited_id": edited_id,
        "requests": requests_first,
        "log": first_log,
        "db": db,
    }


def test_every_article_lands_once(crawled):
    assert sorted(crawled["first"]) == sorted(EXPECTED_BY_ID)


@pytest.mark.parametrize("article_id", sorted(EXPECTED_BY_ID))
def test_every_field_matches(crawled, article_id):
    row = crawled["first"][article_id]
    expected = EXPECTED_BY_ID[article_id]
    for name in FIELDS:
        assert row[name] == expected[name], name
    body = (EXPECTED / f"{article_id}.txt").read_text("utf-8")
    assert token_f1(row["body_text"], body) >= 0.99
    assert leaked_boilerplate(row["body_text"]) == []


def test_each_page_is_fetched_once(crawled):
    fetched = [p for p in crawled["requests"] if p.endswith(".html") and "download" not in p]
    assert len(fetched) == len(set(fetched))


def test_a_second_crawl_changes_nothing(crawled):
    assert without_sightings(crawled["second"]) == without_sightings(crawled["first"])
    assert crawled["versions"][:2] == (0, 0)


def test_an_edited_article_keeps_its_earlier_version(crawled):
    edited = crawled["edited_id"]
    assert crawled["versions"][2] == 1
    assert crawled["third"][edited]["body_text"].startswith("Đoạn mới được biên tập viên")
    archive = Archive(crawled["db"])
    (version,) = archive.versions("hdnd", edited)
    archive.close()
    assert version["body_text"] == crawled["first"][edited]["body_text"]
    unchanged = {k: v for k, v in crawled["third"].items() if k != edited}
    assert without_sightings(unchanged) == without_sightings(
        {k: v for k, v in crawled["first"].items() if k != edited}
    )
