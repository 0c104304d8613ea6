"""An article's evidence comes from the archive alone: images captured into the WARC files and
shown through our route, stored attachments served with their text, and an APA citation."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from datasette.app import Datasette
from warcio.archiveiterator import ArchiveIterator

from devtools.testsite.replay import replay
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.browse.plugin import citation
from hdnd_crawler.crawl.warc import warc_files
from tests.conftest import FIXTURES, starts
from tests.crawling import crawl, explain
from tests.served import in_process

NAME = "nukeviet-egov"
CAPTURE = FIXTURES / NAME / "capture"


def captured_bodies() -> dict[str, bytes]:
    """The fixture's image bytes by path, as the real site answered them."""
    found = {}
    for line in (CAPTURE / "responses.jsonl").read_text("utf-8").splitlines():
        response = json.loads(line)
        types = {k.lower(): v for k, v in response["headers"]}
        if response["status"] == 200 and types.get("content-type", "").startswith("image/"):
            found[response["url"]] = (CAPTURE / response["body"]).read_bytes()
    return found


@pytest.fixture(scope="module")
@starts("servers", "processes")
def crawled(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("evidence") / "archive.db"
    shutil.copy(FIXTURES / NAME / "registry.toml", db.parent / "sites.toml")
    with replay(CAPTURE) as base_url:
        result = crawl(base_url, db, "--site", NAME, "--full")
    assert result.returncode == 0, explain(result)
    return db


def article_images(db: Path) -> dict[str, str]:
    """Each image an archived article lists (canonical URL → caption)."""
    archive = Archive(db, readonly=True)
    try:
        return {
            image["url"]: image.get("caption", "")
            for row in archive.articles()
            for image in row["images"]
        }
    finally:
        archive.close()


def test_the_articles_images_land_in_the_warc_files(crawled):
    expected = captured_bodies()
    images = article_images(crawled)
    assert len(images) >= 10
    responses = {}
    for path in warc_files(crawled.parent / "warc"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                if record.rec_type == "response" and record.http_headers:
                    kind = record.http_headers.get_header("Content-Type") or ""
                    if kind.startswith("image/"):
                        url = record.rec_headers.get_header("WARC-Target-URI")
                        responses[urlsplit(url).path] = record.content_stream().read()
    for url in images:
        path = urlsplit(url).path
        assert responses[path] == expected[path], url


def test_the_store_points_at_each_images_record(crawled):
    images = article_images(crawled)
    archive = Archive(crawled, readonly=True)
    try:
        rows = list(archive.db.query("select * from captures"))
    finally:
        archive.close()
    # Beside them, the pictures of the pages' chrome (the logo) their requisites brought: a row
    # each, as one of them may be an article's picture too (fetched once, whoever asked).
    assert set(images) <= {row["url"] for row in rows}
    assert all(row["content_type"].startswith("image/") and row["length"] > 0 for row in rows)


@pytest.fixture(scope="module")
def datasette(crawled) -> Datasette:
    return in_process(crawled)


def get(ds: Datasette, path: str):
    async def fetch():
        return await ds.client.get(path)

    return asyncio.run(fetch())


def article_with(db: Path, what: str) -> dict:
    archive = Archive(db, readonly=True)
    try:
        return next(row for row in archive.articles() if row[what])
    finally:
        archive.close()


def article_path(row: dict) -> str:
    return f"/archive/articles/{row['site']},{row['article_id']}"


def test_the_article_page_shows_its_images_from_the_archive(crawled, datasette):
    expected = captured_bodies()
    row = article_with(crawled, "images")
    response = get(datasette, article_path(row))
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    figures = page.select("figure.hdnd-image")
    assert len(figures) == len(row["images"])
    for figure, image in zip(figures, row["images"], strict=True):
        src = figure.img["src"]
        assert src.startswith("/-/capture/image?url=")
        assert (image.get("caption") or "") in figure.figcaption.text
        shown = get(datasette, src)
        assert shown.status_code == 200
        assert shown.headers["content-type"].startswith("image/")
        assert shown.content == expected[urlsplit(image["url"]).path]
    # Nothing on the page loads from the site itself.
    assert all(img["src"].startswith("/-/") for img in page.select("img"))


def test_an_image_never_captured_is_not_found(datasette):
    missing = get(datasette, "/-/capture/image?url=http://egov.test/uploads/none.jpg")
    assert missing.status_code == 404


def test_attachments_open_from_the_archive_with_their_text(crawled, datasette):
    row = article_with(crawled, "attachments")
    archive = Archive(crawled, readonly=True)
    try:
        stored = archive.attachments(row["site"])
    finally:
        archive.close()
    stored = [f for f in stored if f["article_id"] == row["article_id"] and f["path"]]
    assert stored
    page = BeautifulSoup(get(datasette, article_path(row)).text, "html.parser")
    links = page.select("a.hdnd-file")
    assert len(links) == len(stored)
    for link, attachment in zip(links, stored, strict=True):
        served = get(datasette, link["href"])
        assert served.status_code == 200
        assert served.headers["content-type"] == attachment["media_type"]
        assert served.content == (crawled.parent / "files" / attachment["path"]).read_bytes()
    texts = [d.pre.text for d in page.select("details.hdnd-file-text")]
    assert texts == [f["text"] for f in stored if f["text"]]
    assert texts and all(texts)
    # Only files the archive recorded: not the database, not another path.
    assert get(datasette, "/-/files/../archive.db").status_code == 404


def test_the_citation_names_every_part_in_apa_style(crawled, datasette):
    row = article_with(crawled, "author")
    page = BeautifulSoup(get(datasette, article_path(row)).text, "html.parser")
    cited = page.select_one("p.citation").text
    published = row["published_at"][:10]
    year, month, day = (int(part) for part in published.split("-"))
    assert cited.startswith(f"{row['author'].rstrip('.')}. ({year}, ")
    assert f" {day}). {row['title'].rstrip('.')}. " in cited
    assert f". {row['url']}. Archived " in cited
    assert cited.endswith(f"http://localhost{article_path(row)}")
    provenance = page.select_one("p.provenance").text
    assert row["warc_file"] in provenance and row["payload_digest"] in provenance


def test_a_citation_without_author_or_date_puts_the_title_first():
    article = {
        "author": "",
        "title": "Kỳ họp thứ 21.",
        "published_at": None,
        "url": "http://egov.test/a-1.html",
        "fetched_at": "2026-12-04T10:00:00+00:00",
    }
    assert citation(article, "HĐND tỉnh", "http://archive/a") == (
        "Kỳ họp thứ 21. (n.d.). HĐND tỉnh. http://egov.test/a-1.html."
        " Archived 4 December 2026 at http://archive/a"
    )
