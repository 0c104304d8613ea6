"""pywb replays an archived page as captured, from the crawl's WARC files, never from the site;
every article page links to that capture with rel="memento"."""

from __future__ import annotations

import html
import re
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.store import Archive
from hdnd_crawler.browse.replay import memento_url, start
from tests.conftest import BASE_URL, SITE_ROOT, run_crawl, starts
from tests.test_datasette import archive_db, datasette, free_port, get_text  # noqa: F401

STARTUP_DEADLINE = 60


class Started(threading.Thread):
    """Drains pywb's log; ``ready`` once its server listens (or it ended)."""

    def __init__(self, process: subprocess.Popen):
        super().__init__(daemon=True)
        self.process = process
        self.lines: list[str] = []
        self.ready = threading.Event()

    def run(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line)
            if "Starting Gevent Server" in line:
                self.ready.set()
        self.ready.set()


@pytest.fixture(scope="module")
@starts("servers", "processes")
def replayed(tmp_path_factory):
    """A crawl of the fixture site, the site still up (its request log watched), and pywb
    serving the crawl's WARC files: (archive db, site state, site base URL, pywb base URL)."""
    root = tmp_path_factory.mktemp("pywb")
    db = root / "archive" / "hdnd.db"
    db.parent.mkdir()
    state = SiteState(root=SITE_ROOT)
    with serve(state) as site_url:
        run_crawl(site_url, db)
        port = free_port()
        work = root / "pywb"
        work.mkdir()
        process = start(work, db.parent / "warc", port, log=subprocess.PIPE)
        log = Started(process)
        log.start()
        try:
            if not log.ready.wait(STARTUP_DEADLINE) or process.poll() is not None:
                pytest.fail("pywb did not start:\n" + "".join(log.lines))
            yield db, state, site_url, f"http://127.0.0.1:{port}/hdnd/"
        finally:
            process.terminate()
            process.wait(timeout=30)


def stored_articles(db: Path) -> list[dict]:
    archive = Archive(db, readonly=True)
    try:
        return [dict(r) for r in archive.db.query("select * from articles order by article_id")]
    finally:
        archive.close()


def test_pywb_replays_the_captured_page_and_never_asks_the_site(replayed):
    db, state, site_url, replay_base = replayed
    articles = stored_articles(db)
    assert len(articles) > 10
    asked_before = len(state.requests)
    for article in articles[:5]:
        # A test crawl fetches a mirror of the site (Site.mirrored_at): its WARC records hold
        # the mirror's URL where a real crawl's hold the row's own.
        captured = article["url"].replace(BASE_URL, site_url)
        with urllib.request.urlopen(memento_url(captured, article["fetched_at"], replay_base)) as r:
            page = html.unescape(r.read().decode("utf-8"))
            assert r.headers["Memento-Datetime"]
        assert article["title"] in page
        assert article["body_text"].split("\n\n")[0][:60] in page
    # Not captured: a 404 from pywb, not a fetch from the site.
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{replay_base}20260101000000/{site_url}/never-crawled.html")
    assert missing.value.code == 404
    assert len(state.requests) == asked_before


def test_pywb_replays_an_article_page_with_its_stylesheet_and_what_that_names(replayed):
    db, state, site_url, replay_base = replayed
    article = stored_articles(db)[0]
    captured = article["url"].replace(BASE_URL, site_url)
    with urllib.request.urlopen(memento_url(captured, article["fetched_at"], replay_base)) as r:
        page = r.read().decode("utf-8")
    # pywb points the page's stylesheet at its own capture of it.
    (href,) = re.findall(r'href="([^"]*/themes/hdnd/css/style\.css[^"]*)"', page)
    asked_before = len(state.requests)
    with urllib.request.urlopen(urllib.parse.urljoin(replay_base, href)) as r:
        assert r.status == 200 and r.headers["Content-Type"].startswith("text/css")
        stylesheet = r.read().decode("utf-8")
    assert "font-family" in stylesheet
    (font,) = re.findall(r"url\('([^']*roboto-regular\.woff2)'\)", stylesheet)
    with urllib.request.urlopen(urllib.parse.urljoin(replay_base, font)) as r:
        assert r.read() == (SITE_ROOT / "themes/hdnd/fonts/roboto-regular.woff2").read_bytes()
    assert len(state.requests) == asked_before  # all from the capture


def test_memento_url_is_pywbs_collection_timestamp_and_original_url():
    assert (
        memento_url(f"{BASE_URL}/tin-tuc/a-1.html", "2026-12-04T16:49:19+00:00", "http://x/hdnd/")
        == f"http://x/hdnd/20261204164919/{BASE_URL}/tin-tuc/a-1.html"
    )
    assert memento_url(f"{BASE_URL}/a.html", None) is None


def test_article_page_links_its_capture_with_rel_memento(datasette):  # noqa: F811 - the fixture
    page = get_text(f"{datasette}/hdnd/articles/hdnd,412")
    (href,) = re.findall(r'<a rel="memento" href="([^"]+)"', page)
    assert re.fullmatch(
        rf"http://127\.0\.0\.1:\d+/hdnd/\d{{14}}/{re.escape(BASE_URL)}/.+-412\.html", href
    )
