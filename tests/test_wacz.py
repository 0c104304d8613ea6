"""``hdnd-crawler export --format wacz``: the crawls' WARC files, indexed, with the archived
articles as pages, every file hashed in datapackage.json, as ReplayWeb.page reads it."""

from __future__ import annotations

import hashlib
import json
import zipfile

import pytest
from click.testing import CliRunner

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.cli import cli
from tests.conftest import SITE_ROOT, run_crawl


@pytest.fixture(scope="module")
def wacz(tmp_path_factory):
    db = tmp_path_factory.mktemp("wacz") / "archive.db"
    with serve(SiteState(root=SITE_ROOT)) as base_url:
        run_crawl(base_url, db)
    out = db.parent / "hdnd.wacz"
    result = CliRunner().invoke(
        cli, ["export", "--format", "wacz", "--db", str(db), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "27 pages in" in result.output
    return db, out


@pytest.mark.servers
@pytest.mark.processes
def test_a_wacz_holds_the_warc_files_their_index_and_the_articles_as_pages(wacz):
    db, out = wacz
    with zipfile.ZipFile(out) as package:
        names = set(package.namelist())
        warcs = sorted(p.name for p in (db.parent / "warc").glob("*.warc.gz"))
        assert {f"archive/{name}" for name in warcs} <= names
        assert {"indexes/index.cdx", "pages/pages.jsonl", "datapackage.json"} <= names
        # WARC files are stored as they are: readers seek into them inside the ZIP.
        for name in warcs:
            info = package.getinfo(f"archive/{name}")
            assert info.compress_type == zipfile.ZIP_STORED
            assert package.read(info) == (db.parent / "warc" / name).read_bytes()
        described = package.read("datapackage.json")
        data = json.loads(described)
        assert data["wacz_version"] == "1.1.1"
        for resource in data["resources"]:
            body = package.read(resource["path"])
            assert resource["hash"] == f"sha256:{hashlib.sha256(body).hexdigest()}"
            assert resource["bytes"] == len(body)
        assert {r["path"] for r in data["resources"]} == names - {
            "datapackage.json",
            "datapackage-digest.json",
        }
        digest = json.loads(package.read("datapackage-digest.json"))
        assert digest["hash"] == f"sha256:{hashlib.sha256(described).hexdigest()}"
        header, *pages = [
            json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()
        ]
        assert header["format"] == "json-pages-1.0"
        assert len(pages) == 27
        first = next(p for p in pages if p["id"] == "hdnd-697")
        assert first["url"].endswith("-697.html") and first["title"].startswith("Kỳ họp thứ 20")
        index = package.read("indexes/index.cdx").decode("utf-8").splitlines()
        assert index and all(
            json.loads(line.split(" ", 2)[2])["filename"] in warcs for line in index
        )


@pytest.mark.servers
@pytest.mark.processes
def test_a_wacz_goes_to_a_file_and_needs_the_warc_files(wacz, tmp_path):
    db, _ = wacz
    to_stdout = CliRunner().invoke(cli, ["export", "--format", "wacz", "--db", str(db)])
    assert to_stdout.exit_code == 2 and "give -o FILE.wacz" in to_stdout.output
    moved = tmp_path / "archive.db"
    moved.write_bytes(db.read_bytes())
    no_warcs = CliRunner().invoke(
        cli, ["export", "--format", "wacz", "--db", str(moved), "-o", str(tmp_path / "x.wacz")]
    )
    assert no_warcs.exit_code == 2 and "no WARC directory" in no_warcs.output
