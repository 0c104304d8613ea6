"""The archive's Datasette facets: counts as Datasette's own, kept until the file changes."""

from __future__ import annotations

import asyncio
import os

import pytest
import yaml
from datasette.app import Datasette

from hdnd_crawler.archive import Archive
from hdnd_crawler.facets import file_state
from hdnd_crawler.items import Article
from tests.conftest import REPO

METADATA = yaml.safe_load((REPO / "archive" / "metadata.yml").read_text("utf-8"))


def article(article_id: int, category: str, author: str) -> Article:
    return Article(
        site="hdnd",
        article_id=article_id,
        url=f"http://hdnd.caobang.gov.vn/ky-hop/bai-{article_id}.html",
        title=f"Bài {article_id}",
        published_at=f"2024-0{article_id}-01T08:00:00+07:00",
        main_category=category,
        author=author,
        body_text="Nội dung.",
    )


@pytest.fixture
def archive(tmp_path) -> Archive:
    archive = Archive(tmp_path / "hdnd.db")
    archive.upsert_article(article(1, "Kỳ họp", "Minh Anh"))
    archive.upsert_article(article(2, "Kỳ họp", "Hoàng Lan"))
    archive.upsert_article(article(3, "Giám sát", "Minh Anh"))
    archive.add_category("hdnd", 3, "Kỳ họp")
    yield archive
    archive.close()


def facets(ds: Datasette, query: str = "") -> dict[str, dict]:
    async def get() -> dict:
        response = await ds.client.get(f"/hdnd/articles.json?_size=1{query}")
        assert response.status_code == 200, response.text
        return response.json()["facet_results"]

    return {
        name: {r["value"]: r["count"] for r in facet["results"]}
        for name, facet in asyncio.run(get()).items()
    }


def test_counts_follow_filters_and_every_committed_write(archive):
    ds = Datasette([str(archive.path)], metadata=METADATA)
    first = facets(ds)
    assert first["categories"] == {"Kỳ họp": 3, "Giám sát": 1}
    assert first["main_category"] == {"Kỳ họp": 2, "Giám sát": 1}
    assert first["author"] == {"Minh Anh": 2, "Hoàng Lan": 1}
    assert first["published_year"] == {2024: 3}
    narrowed = facets(ds, "&categories__arraycontains=Giám+sát")
    assert narrowed["author"] == {"Minh Anh": 1}
    assert facets(ds) == first

    before = file_state(str(archive.path))
    archive.upsert_article(article(4, "Giám sát", "Hoàng Lan"))
    assert file_state(str(archive.path)) != before
    after = facets(ds)
    assert after["categories"] == {"Kỳ họp": 3, "Giám sát": 2}
    assert after["author"] == {"Minh Anh": 2, "Hoàng Lan": 2}


def test_file_state_of_a_file_without_log_and_of_none(tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"")
    state = file_state(str(path))
    assert state is not None and state[1] is None
    os.utime(path, ns=(1, 1))
    assert file_state(str(path)) != state
    assert file_state(None) is None
