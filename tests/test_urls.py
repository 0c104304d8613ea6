import pytest

from hdnd_crawler.extract import urls
from hdnd_crawler.sites.registry import get_site

CANONICAL = "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html"


@pytest.mark.parametrize(
    "url",
    [
        CANONICAL,
        "https://hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html",
        "http://www.hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html",
        "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html?utm_source=zalo&fbclid=1",
        "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html#binh-luan",
        "http://HDND.caobang.gov.vn:80/hoat-dong-hdnd/ky-hop-thu-20-123.html",
        "http://hdnd.caobang.gov.vn/index.php?language=vi&nv=news&op=hoat-dong-hdnd/ky-hop-thu-20-123",
    ],
)
def test_every_url_form_of_an_article_is_one_canonical_url(url):
    site = get_site("hdnd")
    assert urls.canonical_url(url, site) == CANONICAL
    assert urls.article_id(url, site) == 123


def test_secondary_category_url_keeps_the_article_id():
    site = get_site("hdnd")
    assert urls.article_id("http://hdnd.caobang.gov.vn/tin-tuc/ky-hop-thu-20-123.html", site) == 123


def test_mirror_urls_map_to_the_site_and_back():
    site = get_site("hdnd", "http://127.0.0.1:8123")
    mirror = "http://127.0.0.1:8123/hoat-dong-hdnd/ky-hop-thu-20-123.html"
    assert urls.canonical_url(mirror, site) == CANONICAL
    assert urls.fetch_url(CANONICAL, site) == mirror


def test_non_article_urls_have_no_id():
    site = get_site("hdnd")
    for url in [
        "http://hdnd.caobang.gov.vn/",
        "http://hdnd.caobang.gov.vn/tin-tuc/",
        "http://hdnd.caobang.gov.vn/tin-tuc/page-2/",
        "http://hdnd.caobang.gov.vn/tag/ky-hop-12",
        "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/ky-hop-thu-20-123.html?download=1&id=0",
        "http://example.org/tin-tuc/bai-9.html",
    ]:
        assert urls.article_id(url, site) is None, url


def test_listing_pages():
    site = get_site("hdnd")
    assert urls.category_page("http://hdnd.caobang.gov.vn/tin-tuc/", site) == ("tin-tuc", 1)
    assert urls.category_page("http://hdnd.caobang.gov.vn/tin-tuc/page-3/", site) == ("tin-tuc", 3)
    assert urls.category_page("http://hdnd.caobang.gov.vn/rss/", site) is None
    assert urls.feed_category("http://hdnd.caobang.gov.vn/rss/tin-huyen/", site) == "tin-huyen"


def test_attachment_links_keep_their_selector():
    site = get_site("hdnd")
    url = "https://hdnd.caobang.gov.vn/hoat-dong-hdnd/a-1.html?download=1&id=2&utm_source=x"
    assert urls.canonical_url(url, site) == (
        "http://hdnd.caobang.gov.vn/hoat-dong-hdnd/a-1.html?download=1&id=2"
    )
