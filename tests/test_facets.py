"""The archive's Datasette facets: counts as Datasette's own, kept until the file changes."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace

import pytest
from datasette.app import Datasette

from hdnd_crawler.archive.store import FACET_COUNTS, Archive
from hdnd_crawler.browse import facets as facets_module
from hdnd_crawler.browse.facets import file_state
from hdnd_crawler.records import Article
from tests.conftest import REPO
from tests.served import METADATA

METADATA_FACETS = METADATA["databases"]["hdnd"]["tables"]["articles"]["facets"]


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


def test_the_whole_list_shows_the_counts_the_archive_keeps(archive):
    ds = Datasette([str(archive.path)], metadata=METADATA)
    # Any filter, even one keeping every row, counts the rows instead.
    counted = facets(ds, "&_where=1")
    assert facets(ds) == counted
    with archive.db.conn:
        archive.db.conn.execute(
            f"update {FACET_COUNTS} set count = 9 where facet = 'author' and value = 'Hoàng Lan'"
        )
    assert facets(ds)["author"] == {"Hoàng Lan": 9, "Minh Anh": 2}
    assert facets(ds, "&_where=1") == counted


def test_a_search_counts_its_facets_as_datasette_does(archive):
    archive.upsert_article(replace(article(4, "Giám sát", "Hoàng Lan"), body_text="Tin khác."))
    ds = Datasette([str(archive.path)], metadata=METADATA)
    ours = facets(ds, "&_search=noi+dung")
    assert ours["categories"] == {"Kỳ họp": 3, "Giám sát": 1}
    assert ours["author"] == {"Minh Anh": 2, "Hoàng Lan": 1}
    # Datasette's own facets over the same rows, listed after ours (name_2).
    own = "&_facet=main_category&_facet=published_year&_facet=author&_facet=site"
    theirs = facets(ds, f"&_search=noi+dung{own}&_facet_array=categories")
    assert {name: theirs[f"{name}_2"] for name in ours} == ours


def test_a_search_found_in_many_articles_counts_its_newest_matches_and_says_so(
    archive, monkeypatch
):
    monkeypatch.setattr(facets_module, "SEARCH_FACET_ROWS", 2)
    templates = str(REPO / "archive" / "templates")
    ds = Datasette([str(archive.path)], metadata=METADATA, template_dir=templates)

    async def get(path: str) -> tuple[dict, str]:
        page = (await ds.client.get(f"/hdnd/articles.json?{path}")).json()
        return page["facet_results"], (await ds.client.get(f"/hdnd/articles?{path}")).text

    # Three articles hold "noi dung": the newest two (3 and 2) are counted, and said to be.
    found, html = asyncio.run(get("_search=noi+dung"))
    counts = {name: {r["value"]: r["count"] for r in f["results"]} for name, f in found.items()}
    assert counts["main_category"] == {"Giám sát": 1, "Kỳ họp": 1}
    assert counts["author"] == {"Hoàng Lan": 1, "Minh Anh": 1}
    assert {f["counted_in"] for f in found.values()} == {2}
    assert "chỉ tính 2 bài mới nhất" in html
    # One match (two or fewer) is counted whole, without a word.
    found, html = asyncio.run(get("_search=bai+1"))
    assert found["author"]["results"] == [{**found["author"]["results"][0], "value": "Minh Anh"}]
    assert {f["counted_in"] for f in found.values()} == {None}
    assert "bài mới nhất" not in html


def test_a_page_counts_every_facet_with_one_query(archive):
    settings = {"trace_debug": True, "suggest_facets": False}  # as make serve runs it
    ds = Datasette([str(archive.path)], metadata=METADATA, settings=settings)

    async def get() -> dict:
        return (await ds.client.get("/hdnd/articles.json?_search=noi+dung&_trace=1")).json()

    page = asyncio.run(get())
    assert len(page["facet_results"]) == len(METADATA_FACETS)
    counting = [t["sql"] for t in page["_trace"]["traces"] if "group by" in t.get("sql", "")]
    assert len(counting) == 1


def test_the_site_facet_shows_each_site_by_its_name(archive):
    archive.record_site(
        {
            "slug": "hdnd",
            "name": "Đoàn ĐBQH và HĐND tỉnh Cao Bằng",
            "base_url": "http://hdnd.caobang.gov.vn",
            "cms": "nukeviet",
        }
    )
    ds = Datasette([str(archive.path)], metadata=METADATA)

    async def get(query: str) -> dict:
        response = await ds.client.get(f"/hdnd/articles.json?_size=1{query}")
        return response.json()["facet_results"]["site"]["results"]

    for query in ("", "&_where=1"):  # kept counts, and counted over the rows
        (site,) = asyncio.run(get(query))
        assert (site["value"], site["label"], site["count"]) == (
            "hdnd",
            "Đoàn ĐBQH và HĐND tỉnh Cao Bằng",
            3,
        )
