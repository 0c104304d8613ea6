"""Every field of every fixture article, extracted from the saved page's bytes."""

import json

import pytest

from hdnd_crawler.extract.nukeviet.article import parse_article
from hdnd_crawler.sites.registry import get_site
from tests.conftest import FIXTURES, expected_articles, file_response, fixture_path

PAGES = FIXTURES / "pages"

FIELDS = (
    "site",
    "article_id",
    "url",
    "title",
    "published_at",
    "updated_at",
    "main_category",
    "author",
    "source",
    "summary",
    "images",
    "attachments",
    "tags",
)
EXPECTED = expected_articles()


def extract(expected, site, url=None):
    response = file_response(fixture_path(expected["url"]), url or expected["url"])
    return parse_article(
        response.body, response.url, site, response.headers.get("Content-Type").decode()
    )


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: str(e["article_id"]))
def test_every_field(expected, site):
    article = extract(expected, site)
    for name in FIELDS:
        assert getattr(article, name) == expected[name], name
    # A page names its main category only; listings add the others during a crawl.
    assert article.categories == [expected["main_category"]]
    assert article.body_text
    assert article.body_html.startswith("<")


@pytest.mark.parametrize("expected", EXPECTED[:3], ids=lambda e: str(e["article_id"]))
def test_a_page_fetched_from_a_mirror_gives_the_same_record(expected, site):
    mirror = expected["url"].replace("http://hdnd.caobang.gov.vn", "http://127.0.0.1:8080")
    mirrored = get_site("hdnd", "http://127.0.0.1:8080")
    assert extract(expected, mirrored, mirror) == extract(expected, site)


@pytest.mark.parametrize("name", ["article_mobile", "article_no_date", "article_empty_body"])
def test_odd_pages_give_what_they_hold(name, site):
    """The phone theme, a page without any date, a page with an empty body."""
    expected = json.loads((PAGES / f"{name}.json").read_text("utf-8"))
    response = file_response(PAGES / f"{name}.html", expected["url"])
    article = parse_article(response.body, response.url, site)
    for field, value in expected.items():
        assert getattr(article, field) == value, field
    assert article.body_text == (PAGES / f"{name}.txt").read_text("utf-8").rstrip("\n")
