"""The generated site: deterministic, and a real crawl of it archives exactly what it wrote."""

import json
import re

import pytest

from devtools.testsite.generate import generate_site
from devtools.testsite.render import page_window
from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.store import Archive
from tests.conftest import run_crawl, starts

ARTICLES = 60
# Two a page: the longest category has more than seven pages, which NukeViet lists in part.
PER_PAGE = 2


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate_site(tmp_path_factory.mktemp("site"), ARTICLES, categories=5, per_page=PER_PAGE)


@pytest.fixture(scope="module")
@starts("servers", "processes")
def archived(generated, tmp_path_factory):
    db = tmp_path_factory.mktemp("archive") / "hdnd.db"
    with serve(SiteState(root=generated.root)) as base_url:
        run_crawl(base_url, db)
    archive = Archive(db)
    try:
        return {row["article_id"]: row for row in archive.articles()}
    finally:
        archive.close()


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_site(generated, tmp_path):
    again = generate_site(tmp_path / "again", ARTICLES, categories=5, per_page=PER_PAGE)
    other = generate_site(tmp_path / "other", ARTICLES, categories=5, per_page=PER_PAGE, seed=1)
    assert tree(again.root) == tree(generated.root)
    assert again.articles == generated.articles
    assert [a.title for a in other.articles.values()] != [
        a.title for a in generated.articles.values()
    ]


def test_the_site_has_every_page_kind(generated):
    files = tree(generated.root)
    sub = [c for c in generated.categories if c.parent]
    assert len(generated.categories) == 5 and len(sub) == 1
    assert b"Sitemap: " in files["robots.txt"]
    assert b"sitemap-vi.news.xml" in files["sitemap.xml"]
    assert files["rss/index.xml"].count(b"<item>") == 30
    for cat in generated.categories:
        assert f"{cat.alias}/index.html" in files
    assert any("/page-2/" in name for name in files)
    downloads = json.loads(files["_downloads.json"])
    assert all(entry["file"] in files for entry in downloads.values())


@pytest.mark.parametrize(
    ("page", "total", "shown"),
    [
        (1, 7, [1, 2, 3, 4, 5, 6, 7]),
        (1, 9, [1, 2, None, 9]),
        (3, 9, [1, 2, 3, 4, None, 9]),
        (5, 9, [1, None, 4, 5, 6, None, 9]),
        (6, 9, [1, None, 5, 6, 7, 8, 9]),
        (9, 9, [1, None, 8, 9]),
    ],
)
def test_pagination_lists_the_pages_nukeviet_lists(page, total, shown):
    assert page_window(page, total) == shown


def test_a_long_category_is_walked_through_its_window_of_pages(generated, archived):
    longest = max(
        generated.categories,
        key=lambda c: len(list(generated.root.joinpath(c.alias).glob("page-*"))),
    )
    first = generated.root.joinpath(longest.alias, "index.html").read_text("utf-8")
    linked = set(re.findall(rf'href="/{longest.alias}/page-(\d+)/"', first))
    assert len(list(generated.root.joinpath(longest.alias).glob("page-*"))) > 7
    assert "<span>...</span>" in first and len(linked) == 2
    listed = {a for a in generated.articles.values() if longest.title in a.categories}
    assert listed and all(a.article_id in archived for a in listed)


def test_bodies_cover_every_markup_case(generated):
    pages = b"".join(
        generated.root.joinpath(a.url.split("/", 3)[3]).read_bytes()
        for a in generated.articles.values()
    ).decode("utf-8")
    for markup in (
        "<br />\n<br />",
        '<figure class="image">',
        'class="image-center"',
        '<table border="1"',
        "<caption>",
        "<ul>",
        "<ol>",
        "<h3>",
        "<blockquote>",
        "<p>&nbsp;</p>",
        '<p style="text-align: right;"><strong>',
        'alt="IMG_',
    ):
        assert markup in pages, markup
    assert re.search(r'id="news-bodyhtml"[^>]*>\n[^<\s]', pages), "bare text before the first <p>"
    lengths = sorted(len(a.body_text) for a in generated.articles.values())
    assert lengths[-1] > 5 * lengths[0]


def test_the_crawl_archives_exactly_the_generated_articles(generated, archived):
    assert sorted(archived) == sorted(generated.articles)


@pytest.mark.parametrize("article_id", range(1001, 1001 + ARTICLES))
def test_each_archived_article_is_the_one_written(generated, archived, article_id):
    expected, row = generated.articles[article_id], archived[article_id]
    assert row["url"] == expected.url
    assert row["title"] == expected.title
    assert row["published_at"] == expected.published_at
    assert row["main_category"] == expected.main_category
    assert row["categories"] == list(expected.categories)
    assert row["author"] == expected.author
    assert row["body_text"] == expected.body_text
    assert [a["name"] for a in row["attachments"]] == list(expected.attachments)
