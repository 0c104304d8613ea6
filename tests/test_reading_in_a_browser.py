"""A researcher's reading journey in Chromium, over what ``make serve`` runs: Datasette beside
pywb, serving two real crawls of the fixture site.

The site is crawled under its own name (http://hdnd.caobang.gov.vn, reached through the local
site server acting as the crawl's HTTP proxy), so the WARC files hold the URLs the archive stores,
as a real crawl's do, and the article page's replay link lands on a capture. Chromium resolves
the site's name to the same server: anything the browser asked of the site would be in its
request log, which every test checks stays empty while it reads.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from devtools.testsite.server import SiteState, serve
from hdnd_crawler.archive.store import Archive
from tests.browser import chromium
from tests.conftest import BASE_URL, REPO, SITE_ROOT, run_crawl, starts
from tests.test_datasette import (
    STARTUP_DEADLINE,
    free_port,
    holding,
    searchable_texts,
    serve_command,
    wait_until_serving,
)
from tests.test_evidence import captured_bodies
from tests.test_feeds import A, entries

pytestmark = pytest.mark.browser

COUNCIL, ABBREVIATION = "Hội đồng nhân dân", "HĐND"
PICTURED = 697  # the article whose two images the site serves (real JPEG bytes)
# Between the two crawls the site edits this article: a word goes, the council's name comes.
EDITED = "/tin-tuc/cao-bang-to-chuc-le-ky-niem-70-nam-chien-thang-dien-bien-phu-624.html"
EDITED_ID = 624
BEFORE = "Dự lễ có các đồng chí nguyên lãnh đạo tỉnh"
AFTER = "Dự lễ có các đồng chí lãnh đạo Hội đồng nhân dân tỉnh"


@dataclass
class Site:
    state: SiteState
    url: str
    image: bytes  # what the site answers for each of PICTURED's images

    def asked_since(self, mark: int) -> list[str]:
        return self.state.requests[mark:]


@pytest.fixture(scope="module")
@starts("servers")
def website() -> Site:
    state = SiteState(root=SITE_ROOT)
    # The fixture tree holds no image files: a real one (captured from a real site) stands in.
    image = next(b for b in captured_bodies().values() if b.startswith(b"\xff\xd8"))
    page = (SITE_ROOT / "hoat-dong-hdnd").glob(f"*-{PICTURED}.html")
    for path in re.findall(r'src="(/uploads/news/[^"]+\.jpg)"', next(page).read_text("utf-8")):
        state.overrides[path] = image
    with serve(state) as url:
        yield Site(state, url, image)


@pytest.fixture(scope="module")
@starts("servers", "processes")
def archive_db(website, tmp_path_factory) -> Path:
    """Two full crawls into ``archive/hdnd.db`` (WARC files beside it, as ``make serve`` reads
    them); between them the site edits one article."""
    db = tmp_path_factory.mktemp("reading") / "archive" / "hdnd.db"
    db.parent.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("http_proxy", website.url)
        env.delenv("no_proxy", raising=False)
        env.delenv("NO_PROXY", raising=False)
        run_crawl(BASE_URL, db)
        page = (SITE_ROOT / EDITED.lstrip("/")).read_text("utf-8")
        assert page.count(BEFORE) == 1
        website.state.overrides[EDITED] = page.replace(BEFORE, AFTER).encode("utf-8")
        run_crawl(BASE_URL, db)
    assert all(urlsplit(path).hostname == "hdnd.caobang.gov.vn" for path in website.state.requests)
    return db


@dataclass
class Served:
    datasette: str
    replay: str


def wait_until_listening(port: int, process: subprocess.Popen) -> None:
    """Until pywb (started before Datasette, but slower to start) accepts connections."""
    deadline = threading.Event()
    timer = threading.Timer(STARTUP_DEADLINE, deadline.set)
    timer.start()
    try:
        while not deadline.is_set() and process.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except ConnectionRefusedError:
                deadline.wait(0.1)
        pytest.fail(f"pywb did not listen on {port}: see pywb.log beside the WARC directory")
    finally:
        timer.cancel()


@pytest.fixture(scope="module")
@starts("servers", "processes")
def served(archive_db) -> Served:
    port, replay_port = free_port(), free_port()
    # Memento links then point at this pywb, as make serve's do at its own.
    env = {k: v for k, v in os.environ.items() if k != "HDND_REPLAY_URL"}
    process = subprocess.Popen(
        serve_command(archive_db, port, replay_port),
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_until_serving(process, f"http://127.0.0.1:{port}")
        wait_until_listening(replay_port, process)
        yield Served(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{replay_port}/hdnd/")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(website, served):
    """One Chromium for the module; the site's name leads to the site server, nowhere else."""
    host = urlsplit(BASE_URL).hostname
    with chromium(f"--host-resolver-rules=MAP {host} {urlsplit(website.url).netloc}") as launched:
        # The watch works: a page of the site, asked for by name, is in the site's log.
        mark = len(website.state.requests)
        # (fetched, not opened: an opened page would have Chromium ask for /favicon.ico later)
        probe = launched.new_page()
        probe.evaluate("url => fetch(url, {mode: 'no-cors'})", f"{BASE_URL}/robots.txt")
        probe.close()
        assert website.asked_since(mark) == ["/robots.txt"]
        yield launched


@pytest.fixture
def page(browser, website):
    """A fresh page; the test fails if the browser asked the site for anything meanwhile."""
    mark = len(website.state.requests)
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()
    assert website.asked_since(mark) == []


def stored(db: Path) -> dict[int, dict]:
    archive = Archive(db, readonly=True)
    try:
        return {row["article_id"]: dict(row) for row in archive.articles("hdnd")}
    finally:
        archive.close()


def search_in_home_box(page, served: Served, query: str) -> set[str]:
    page.goto(served.datasette)
    page.fill("#hdnd-q", query)
    page.press("#hdnd-q", "Enter")
    page.wait_for_url(re.compile(r"/hdnd/search\?q="))
    return set(page.locator("td.col-title").all_inner_texts())


def test_a_search_finds_the_council_by_its_name_or_its_abbreviation(page, served, archive_db):
    texts = searchable_texts(archive_db)
    named = holding(texts, COUNCIL, folded=True)
    abbreviated = holding(texts, ABBREVIATION, folded=True)
    only_named, only_abbreviated = named - abbreviated, abbreviated - named
    assert only_named == {EDITED_ID} and len(only_abbreviated) > 10, "a useless check"
    expected = {texts[article_id][0] for article_id in named | abbreviated}
    # The home page's box (every hit on one page): the abbreviation finds the article that
    # only names the council in full, the full name those that only abbreviate it.
    assert search_in_home_box(page, served, ABBREVIATION) == expected
    assert texts[EDITED_ID][0] in expected
    assert search_in_home_box(page, served, COUNCIL) == expected
    assert search_in_home_box(page, served, "hội đồng nhân dân".upper()) == expected
    # The article list's own box, 20 rows a page: the first page of the same articles.
    page.goto(f"{served.datasette}/hdnd/articles")
    page.fill("#_search", ABBREVIATION)
    page.press("#_search", "Enter")
    page.wait_for_url(re.compile(r"_search=H%C4%90ND"))
    titles = page.locator("td.col-title").all_inner_texts()
    assert set(titles) <= expected and len(titles) == min(20, len(expected))


def test_the_article_page_shows_its_images_from_the_archive(page, served, website, archive_db):
    article = stored(archive_db)[PICTURED]
    assert len(article["images"]) == 2
    page.goto(f"{served.datasette}/hdnd/articles/hdnd,{PICTURED}")
    images = page.locator("figure.hdnd-image img")
    assert images.count() == 2
    for n, image in enumerate(article["images"]):
        shown = images.nth(n)
        shown.scroll_into_view_if_needed()  # they load lazily
        shown.evaluate("img => img.decode()")
        assert shown.evaluate("img => img.naturalWidth") > 0
        src = shown.evaluate("img => img.currentSrc")
        assert src.startswith(f"{served.datasette}/-/capture/image?url=")
        assert shown.get_attribute("alt") == image["caption"]
        assert page.request.get(src).body() == website.image
    # Each captioned, with the address it had on the site (as text, not loaded).
    assert page.locator("figure.hdnd-image figcaption").all_inner_texts() == [
        f"{image['caption']} {image['url']}" for image in article["images"]
    ]


def test_the_replay_link_opens_the_page_as_captured(page, served, archive_db):
    article = stored(archive_db)[412]
    page.goto(f"{served.datasette}/hdnd/articles/hdnd,412")
    requests: list = []
    page.on("request", lambda request: requests.append(request))
    with page.expect_navigation() as navigation:
        page.click('a[rel="memento"]')
    response = navigation.value
    assert response.status == 200 and response.headers["memento-datetime"]
    assert page.url.startswith(served.replay) and page.url.endswith(article["url"])
    shown = page.inner_text("body")
    assert article["title"] in shown
    assert article["body_text"].split("\n\n")[0][:80] in shown
    # Its images, styles and links come from pywb too: none from the site (the page fixture
    # checks the site's log), and none from the live web (pywb has none).
    assert {urlsplit(r.url).netloc for r in requests} == {urlsplit(served.replay).netloc}


def test_the_diff_view_marks_the_words_an_edit_removed_and_added(page, served, archive_db):
    assert AFTER in stored(archive_db)[EDITED_ID]["body_text"]
    page.goto(f"{served.datasette}/hdnd/articles/hdnd,{EDITED_ID}")
    page.click("a.hdnd-diff-link")
    page.wait_for_url(re.compile(rf"/-/diff/hdnd/{EDITED_ID}$"))
    current = page.locator("section.version").first
    assert current.locator("del").all_inner_texts() == ["nguyên"]
    assert current.locator("ins").all_inner_texts() == ["Hội đồng nhân dân"]
    # Marked as the template says: struck out, and not.
    assert current.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == (
        "line-through"
    )
    assert current.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine") == (
        "none"
    )


def fetched_feed(page, href: str) -> list[dict]:
    """The feed at ``href`` as the browser's fetch() gets it: Atom, its entries."""
    answer = page.evaluate(
        "async url => { const r = await fetch(url);"
        " return [r.status, r.headers.get('content-type'), await r.text()]; }",
        href,
    )
    status, kind, text = answer
    assert status == 200 and kind.startswith("application/atom+xml")
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{A}feed"
    return entries(feed)


def test_the_feeds_list_the_newest_articles_and_a_searchs(page, served, archive_db):
    articles = stored(archive_db)
    newest = sorted(articles.values(), key=lambda a: a["published_at"], reverse=True)
    page.goto(served.datasette)
    link = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert link.count() == 1
    found = fetched_feed(page, link.evaluate("l => l.href"))
    assert [e["title"] for e in found] == [a["title"] for a in newest]
    assert [e["links"]["related"] for e in found] == [a["url"] for a in newest]
    first = found[0]["links"]["alternate"]
    assert first == f"{served.datasette}/hdnd/articles/hdnd,{newest[0]['article_id']}"
    page.goto(first)
    assert page.title() == newest[0]["title"]
    # A search's page offers its own feed, as a link in its head and one to click.
    shown = search_in_home_box(page, served, ABBREVIATION)
    links = page.locator('link[rel="alternate"][type="application/atom+xml"]')
    assert links.count() == 2
    href = links.nth(1).evaluate("l => l.href")
    assert page.locator("p.hdnd-feed a").evaluate("a => a.href") == href
    searched = fetched_feed(page, href)
    assert {e["title"] for e in searched} == shown
    assert all(e["links"]["alternate"].startswith(f"{served.datasette}/hdnd/") for e in searched)
