"""`sites list|check|remove`, and `sites add` refusing what it cannot register, the registry
left byte for byte as it was."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from devtools.testsite.replay import replay
from hdnd_crawler.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
EGOV = FIXTURES / "nukeviet-egov" / "capture"

HAND_EDITED = """\
# My sites (a comment the tools must keep).
[sites.laocai]
cms = "nukeviet"
name = "HĐND tỉnh Lào Cai"
base_url = "http://hdnd.laocai.gov.vn"   # by hand
"""


def run(*args: str):
    return CliRunner().invoke(cli, ["sites", *args])


@pytest.fixture
def registry_file(tmp_path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(HAND_EDITED, encoding="utf-8")
    return path


def test_list_names_the_built_in_and_the_user_sites(registry_file):
    result = run("list", "--db", str(registry_file.parent / "hdnd.db"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[0] == "hdnd" and lines[0].endswith("built-in (default)")
    assert "http://hdnd.caobang.gov.vn" in lines[0]
    assert lines[1].startswith("laocai") and "HĐND tỉnh Lào Cai" in lines[1]
    assert lines[1].split()[-1] == "user"


def test_list_reports_a_mistake_in_the_registry_by_site_and_key(registry_file):
    registry_file.write_text(HAND_EDITED.replace('cms = "nukeviet"', "cms = 4"), "utf-8")
    result = run("list", "--db", str(registry_file.parent / "hdnd.db"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1
    assert "site 'laocai': key 'cms'" in result.output


def test_remove_takes_a_user_site_out_and_keeps_the_rest_of_the_file(registry_file, tmp_path):
    registry_file.write_text(
        HAND_EDITED
        + '\n[sites.bacgiang]\ncms = "nukeviet"\nname = "BG"\nbase_url = "http://bg.vn"\n',
        "utf-8",
    )
    result = run("remove", "bacgiang", "--db", str(tmp_path / "hdnd.db"))
    assert result.exit_code == 0, result.output
    assert registry_file.read_text("utf-8").rstrip() == HAND_EDITED.rstrip()
    listed = run("list", "--db", str(tmp_path / "hdnd.db"))
    assert "bacgiang" not in listed.output and "laocai" in listed.output


def test_the_built_in_site_cannot_be_removed(registry_file, tmp_path):
    before = registry_file.read_bytes()
    result = run("remove", "hdnd", "--db", str(tmp_path / "hdnd.db"))
    assert result.exit_code == 1
    assert "built in" in result.output
    assert registry_file.read_bytes() == before


def test_a_slug_already_taken_is_refused_before_anything_is_fetched(registry_file, tmp_path):
    before = registry_file.read_bytes()
    result = run("add", "http://127.0.0.1:9", "--slug", "laocai", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1
    assert "'laocai' is already registered" in result.output
    assert registry_file.read_bytes() == before


def _unused_port() -> int:
    with socket.socket() as probe:  # bound, never listening: nothing answers there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_address_that_does_not_answer_leaves_the_registry_unchanged(registry_file, tmp_path):
    before = registry_file.read_bytes()
    url = f"http://127.0.0.1:{_unused_port()}"
    result = run("add", url, "--slug", "nowhere", "--db", str(tmp_path / "hdnd.db"))
    assert result.exit_code == 1
    assert result.output.startswith("hdnd-crawler: ") and "does not answer" in result.output
    assert result.output.count("\n") == 1
    assert registry_file.read_bytes() == before


@contextmanager
def serving(pages: dict[str, bytes]) -> Iterator[str]:
    """A plain HTTP server on 127.0.0.1 answering ``pages`` by path, 404 otherwise."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


PLAIN_PAGE = b"<html><head><title>Shop</title></head><body><p>Hello</p></body></html>"


@pytest.mark.servers
def test_a_site_that_is_not_nukeviet_and_has_no_sitemap_is_refused(registry_file, tmp_path):
    # Not NukeViet: the generic probe reads it and finds no post URL to learn a pattern from.
    before = registry_file.read_bytes()
    with serving({"/": PLAIN_PAGE}) as url:
        result = run("add", url, "--slug", "shop", "--db", str(tmp_path / "hdnd.db"))
    assert result.exit_code == 1
    assert "no post URLs in a sitemap; write patterns.article by hand" in result.output
    assert result.output.count("\n") == 1
    assert registry_file.read_bytes() == before


@pytest.mark.servers
def test_a_site_whose_robots_txt_forbids_us_is_not_probed(registry_file, tmp_path):
    before = registry_file.read_bytes()
    robots = b"User-agent: *\nDisallow: /\n"
    with serving({"/robots.txt": robots, "/": PLAIN_PAGE}) as url:
        result = run("add", url, "--slug", "closed", "--db", str(tmp_path / "hdnd.db"))
    assert result.exit_code == 1
    assert "robots.txt forbids us /" in result.output
    assert registry_file.read_bytes() == before


@pytest.mark.servers
def test_check_prints_each_field_of_a_few_articles(tmp_path):
    db = str(tmp_path / "hdnd.db")
    with replay(EGOV) as mirror:
        assert run("add", "http://egov.test", "--db", db, "--fetch-from", mirror).exit_code == 0
        result = run("check", "egov", "--db", db, "--fetch-from", mirror)
    assert result.exit_code == 0, result.output
    assert "listing      http://egov.test/" in result.output
    assert result.output.count("  article      http://egov.test/") == 3
    assert "published_at 2024-" in result.output
    assert "ok: 3 of 3 articles have a title, a publication time and a body" in result.output


@pytest.mark.servers
def test_check_fails_when_the_entry_misses_the_body(tmp_path):
    db = str(tmp_path / "hdnd.db")
    with replay(EGOV) as mirror:
        assert run("add", "http://egov.test", "--db", db, "--fetch-from", mirror).exit_code == 0
        registry = tmp_path / "sites.toml"
        text = registry.read_text("utf-8") + '\n[sites.egov.selectors]\nbody = "div.gone"\n'
        registry.write_text(text, "utf-8")
        result = run("check", "egov", "--db", db, "--fetch-from", mirror)
    assert result.exit_code == 1
    assert "MISSING: body_text" in result.output
    assert "FAILED: 0 of 3" in result.output
