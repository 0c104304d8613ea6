"""An article page's requisites (stylesheets, scripts, fonts, chrome pictures) are captured into
the WARC files, each once a crawl, so that the page replays as it looked; one the site fails to
serve leaves the run ok."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from devtools.testsite.server import Reply, SiteState, serve
from hdnd_crawler.cli import cli
from hdnd_crawler.crawl.warc import warc_files
from hdnd_crawler.extract.requisites import Requisite, page_requisites, stylesheet_requisites
from hdnd_crawler.sites.registry import Site, get_site, registry
from tests.conftest import FIXTURES, SITE_ROOT, starts
from tests.crawling import crawl, explain, runs

EGOV = FIXTURES / "nukeviet-egov"
THEMED = FIXTURES / "nukeviet-45-theme"
THEME = "/themes/hdnd"
# Answers with a reset, every time: a requisite that cannot be fetched at all.
BROKEN = f"{THEME}/js/news.js?t=1718675417"


def fixture_site(directory: Path) -> Site:
    return next(s for s in registry(directory / "registry.toml").sites.values() if s.slug != "hdnd")


def captured_page(directory: Path, path: str) -> bytes:
    for line in (directory / "capture" / "responses.jsonl").read_text("utf-8").splitlines():
        response = json.loads(line)
        if response["url"] == path:
            return (directory / "capture" / response["body"]).read_bytes()
    raise LookupError(path)


EGOV_ARTICLE = "/hoat-dong-hdnd/thuong-truc-hdnd-tinh-hop-phien-thuong-ky-thang-8-2024-26.html"


def test_a_real_article_page_names_its_stylesheets_scripts_icon_and_chrome_pictures():
    site = fixture_site(EGOV)
    found = page_requisites(captured_page(EGOV, EGOV_ARTICLE), site.base_url + EGOV_ARTICLE, site)
    kinds = collections.Counter(r.kind for r in found)
    assert kinds == {"script": 16, "stylesheet": 10, "image": 6, "icon": 1}
    assert found[0] == Requisite("http://egov.test/favicon.ico", "icon")
    # Both spellings of the rel, StyleSheet and stylesheet, with its type and spaces around.
    for path in ("/themes/egov/css/style.css", "/themes/egov/css/jquery.metisMenu.css"):
        assert Requisite(f"http://egov.test{path}?t=1592811506", "stylesheet") in found
    assert len({r.url for r in found}) == len(found)  # preloaded scripts once
    images = [r.url.removeprefix("http://egov.test") for r in found if r.kind == "image"]
    # The logo links home: kept. Menu icons and banners inside links to other pages are not,
    # nor the cron-job pixel (/index.php?second=cronjobs&p=…), nor rel=canonical/alternate.
    assert "/uploads/logo.png" in images and "/uploads/banner_1.jpg" in images
    assert not [i for i in images if "banners/" in i or "menu/user" in i or "?" in i]
    assert not [r for r in found if "/rss/" in r.url or r.url.endswith(".html")]


def test_a_themed_article_page_leaves_out_the_thumbnails_of_other_articles():
    site = fixture_site(THEMED)
    path = "/hoat-dong-hdnd/thuong-truc-hdnd-tinh-hop-phien-thuong-ky-thang-8-2024-29.html"
    body = captured_page(THEMED, path)
    found = page_requisites(body, site.base_url + path, site)
    assert Requisite(
        "http://theme.test/themes/caobang/css/style.css?t=1796397950", "stylesheet"
    ) in (found)
    assert not [r for r in found if "/assets/news/" in r.url]  # related news thumbnails
    assert body.count(b"/assets/news/")  # which the page does show


def test_a_base_href_style_blocks_and_other_hosts():
    site = get_site("hdnd")
    page = b"""<html><head><base href="http://hdnd.caobang.gov.vn/themes/x/">
<link rel="preload" as="font" href="fonts/a.woff2"><link rel="dns-prefetch" href="/nothing">
<link rel="stylesheet" href="https://cdn.example.org/lib.css">
<link rel="apple-touch-icon" href="data:image/png;base64,AAAA">
<style>@import "inline.css"; .h { background: url( 'img/h.png' ) }</style>
<script src="js/app.js"></script></head><body><p>x</p></body></html>"""
    found = page_requisites(page, "http://hdnd.caobang.gov.vn/tin-tuc/a-1.html", site)
    base = "http://hdnd.caobang.gov.vn/themes/x/"
    assert found == [
        Requisite(base + "fonts/a.woff2", "resource"),
        Requisite(base + "js/app.js", "script"),
        Requisite(base + "inline.css", "stylesheet"),
        Requisite(base + "img/h.png", "resource"),
    ]
    assert page_requisites(b"%PDF-1.4 not a page", base, site) == []


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        (
            "news.css",  # a UTF-8 BOM, quoted URLs relative to the stylesheet, named twice
            "http://egov.test/themes/egov/css/news.css?t=1592811506",
            ["http://egov.test/themes/egov/images/squared-blue.png"],
        ),
        (
            "jquery.rating.css",  # bare URLs, beside the stylesheet
            "http://egov.test/assets/js/star-rating/jquery.rating.css?t=1592811506",
            [
                "http://egov.test/assets/js/star-rating/delete.gif",
                "http://egov.test/assets/js/star-rating/star.gif",
            ],
        ),
        (
            "font-awesome.min.head.css",  # fonts with queries, ?#iefix, a #fragment
            "http://egov.test/assets/css/font-awesome.min.css?t=1592811506",
            [
                "http://egov.test/assets/fonts/fontawesome-webfont.eot?v=4.7.0",
                "http://egov.test/assets/fonts/fontawesome-webfont.eot",
                "http://egov.test/assets/fonts/fontawesome-webfont.woff2?v=4.7.0",
                "http://egov.test/assets/fonts/fontawesome-webfont.woff?v=4.7.0",
                "http://egov.test/assets/fonts/fontawesome-webfont.ttf?v=4.7.0",
                "http://egov.test/assets/fonts/fontawesome-webfont.svg?v=4.7.0",
            ],
        ),
    ],
)
def test_a_real_stylesheet_names_its_fonts_and_pictures(name, url, expected):
    body = (EGOV / "stylesheets" / name).read_bytes()
    found = stylesheet_requisites(body, url, fixture_site(EGOV))
    assert found == [Requisite(u, "resource") for u in expected]


def test_a_stylesheets_imports_are_stylesheets_and_comments_data_and_other_hosts_are_not():
    body = (SITE_ROOT / "themes/hdnd/css/style.css").read_bytes()
    url = "http://hdnd.caobang.gov.vn/themes/hdnd/css/style.css?t=1718675417"
    assert stylesheet_requisites(body, url, get_site("hdnd")) == [
        Requisite("http://hdnd.caobang.gov.vn/themes/hdnd/css/print.css", "stylesheet"),
        Requisite("http://hdnd.caobang.gov.vn/themes/hdnd/fonts/roboto-regular.woff2", "resource"),
        Requisite("http://hdnd.caobang.gov.vn/themes/hdnd/images/bg-header.png", "resource"),
    ]


def test_capture_requisites_is_checked_as_a_switch(tmp_path):
    args = ["crawl", "--db", str(tmp_path / "hdnd.db"), "--base-url", "http://127.0.0.1:9"]
    result = CliRunner().invoke(cli, [*args, "--set", "CAPTURE_REQUISITES=maybe"])
    assert result.exit_code == 2
    assert "CAPTURE_REQUISITES must be true or false" in result.output


def responses(directory: Path) -> collections.Counter:
    """How many response records each URL path (and query) has in the crawl's WARC files."""
    seen: collections.Counter = collections.Counter()
    for path in warc_files(directory):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    target = record.rec_headers.get_header("WARC-Target-URI")
                    seen[target.split("/", 3)[3]] += 1
    return seen


@pytest.fixture(scope="module")
@starts("servers", "processes")
def crawled(tmp_path_factory):
    """A crawl of the fixture site (its theme served, /assets/ missing, one script reset every
    time), and one with CAPTURE_REQUISITES off: (db, WARC counts, requests) of each."""
    done = {}
    for switch in ("true", "false"):
        db = tmp_path_factory.mktemp(f"requisites-{switch}") / "hdnd.db"
        state = SiteState(
            root=SITE_ROOT, intercept=lambda p: Reply(0, reset=True) if p == BROKEN else None
        )
        with serve(state) as base_url:
            result = crawl(base_url, db, CAPTURE_REQUISITES=switch)
        assert result.returncode == 0, explain(result)
        done[switch] = (db, responses(db.parent / "warc"), state.requests, result)
    return done


def test_each_requisite_is_captured_once_with_what_its_stylesheet_names(crawled):
    db, seen, requests, _ = crawled["true"]
    for path in (
        "themes/hdnd/css/style.css?t=1718675417",
        "themes/hdnd/css/print.css",  # imported by style.css
        "themes/hdnd/fonts/roboto-regular.woff2",
        "themes/hdnd/images/bg-header.png",
        "themes/hdnd/js/main.js?t=1718675417",
        "favicon.ico",  # a 404: captured as the site answered
        "assets/css/font-awesome.min.css?t=1718675417",
    ):
        assert seen[path] == 1, path
    assert not [path for path in seen if "old-header" in path or "partner" in path]
    # Every article page names them; each was asked for once.
    assert requests.count(f"{THEME}/css/style.css?t=1718675417") == 1
    assert len([path for path in seen if path.endswith(".html")]) > 20


def test_a_requisite_that_fails_leaves_the_run_ok(crawled):
    db, _, requests, result = crawled["true"]
    # Tried and retried (RETRY_TIMES = 4; Twisted also tries again on a reused connection).
    assert requests.count(BROKEN) >= 5
    (run,) = runs(db)
    assert run["status"] == "ok" and run["exit_code"] == 0
    assert "Requisite not captured" in result.stderr


def test_capture_requisites_off_asks_for_none(crawled):
    _, seen, requests, _ = crawled["false"]
    assert not [path for path in requests if path.startswith(THEME) or path == "/favicon.ico"]
    assert crawled["true"][1].keys() - seen.keys() >= {"themes/hdnd/css/style.css?t=1718675417"}
