"""The site registry: the user's file layered over the built-in one, and mistakes named."""

from __future__ import annotations

import pytest

from hdnd_crawler.sites.registry import SiteConfigError, get_site, registry

USER_SITE = """
[sites.tinh-uy]
cms = "nukeviet"
name = "Tỉnh ủy Cao Bằng"
base_url = "http://tinhuy.example.test"
module_path = "/vi/news"

[sites.tinh-uy.selectors]
body = "div.noi-dung"
"""


def test_the_built_in_default_site_is_hdnd_of_kind_nukeviet():
    site = get_site()
    assert (site.slug, site.cms, site.module) == ("hdnd", "nukeviet", "news")
    assert site.base_url == "http://hdnd.caobang.gov.vn"


def test_user_sites_are_layered_over_the_kind_defaults(tmp_path):
    user = tmp_path / "sites.toml"
    user.write_text(USER_SITE, encoding="utf-8")
    sites = registry(user).sites
    assert set(sites) == {"hdnd", "tinh-uy"}
    site = sites["tinh-uy"]
    assert site.selectors["body"] == "div.noi-dung"
    # Everything it does not say comes from [nukeviet].
    assert site.selectors["title"] == get_site("hdnd").selectors["title"]
    assert site.patterns.article.match("/vi/news/thoi-su/ky-hop-thu-9-123.html")
    assert not site.patterns.article.match("/thoi-su/ky-hop-thu-9-123.html")
    # The built-in default stays the default.
    assert registry(user).default_slug() == "hdnd"


def test_the_user_file_is_read_again_when_it_changes(tmp_path):
    user = tmp_path / "sites.toml"
    assert set(registry(user).sites) == {"hdnd"}  # no file yet: nothing added
    user.write_text(USER_SITE, encoding="utf-8")
    assert "tinh-uy" in registry(user).sites


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ('cms = "joomla"', "site 'tinh-uy': key 'cms' is 'joomla'"),
        ('base_url = "tinhuy.example.test"', "site 'tinh-uy': key 'base_url' must be"),
        ("start_paths = '/'", "site 'tinh-uy': key 'start_paths' must be a list of str"),
        ('selectors = { body = "div[" }', "site 'tinh-uy': key 'selectors.body' is not a CSS"),
        ('patterns = { article = "(" }', "site 'tinh-uy': key 'patterns.article' is not a regular"),
        ('labels = { author = "Tác giả" }', "site 'tinh-uy': key 'labels.author' must be a list"),
    ],
)
def test_a_mistake_names_the_file_the_site_and_the_key(tmp_path, mistake, message):
    user = tmp_path / "sites.toml"
    block = USER_SITE.split("\n[sites.tinh-uy.selectors]")[0]
    key = mistake.split(" = ")[0]
    lines = [line for line in block.splitlines() if not line.startswith(f"{key} =")]
    user.write_text("\n".join([*lines, mistake]) + "\n", encoding="utf-8")
    with pytest.raises(SiteConfigError) as raised:
        registry(user)
    assert message in str(raised.value)
    assert str(user) in str(raised.value)


def test_a_file_that_is_not_toml_is_reported(tmp_path):
    user = tmp_path / "sites.toml"
    user.write_text("[sites.x\n", encoding="utf-8")
    with pytest.raises(SiteConfigError, match="cannot read site registry"):
        registry(user)


def test_an_unknown_site_names_the_known_ones():
    with pytest.raises(SiteConfigError, match=r"unknown site 'nowhere' \(known: hdnd\)"):
        get_site("nowhere")


GENERIC_SITE = """
[sites.wp]
cms = "generic"
name = "WordPress site"
base_url = "http://wp.example.test"
article_ids = "wordpress"

[sites.wp.patterns]
article = '^/\\d{4}/\\d{2}/[^/]+/$'
"""


def test_a_generic_site_needs_no_news_module(tmp_path):
    user = tmp_path / "sites.toml"
    user.write_text(GENERIC_SITE, encoding="utf-8")
    site = registry(user).sites["wp"]
    assert (site.cms, site.module, site.article_ids) == ("generic", "", "wordpress")
    assert site.patterns.article.match("/2026/10/ky-hop/")
    assert site.patterns.category_page.match("/category/tin/ky-hop/page/2/")["category"] == (
        "tin/ky-hop"
    )
    assert "body" not in site.selectors  # whole page unless the entry names a content node


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        ('article_ids = "slug"', "key 'article_ids' must be one of url, wordpress"),
        ("patterns = {}", "key 'patterns.article' must be a string"),
        ("patterns = { article = '^/x/$', category = '^/c/$' }", "named groups (?P<category>"),
    ],
)
def test_a_generic_entry_is_checked_for_what_it_needs(tmp_path, mistake, message):
    user = tmp_path / "sites.toml"
    key = mistake.split(" = ")[0]
    lines = [line for line in GENERIC_SITE.split("\n[sites.wp.patterns]")[0].splitlines()]
    lines = [line for line in lines if not line.startswith(f"{key} =")]
    user.write_text("\n".join([*lines, mistake]) + "\n", encoding="utf-8")
    with pytest.raises(SiteConfigError, match="site 'wp': ") as raised:
        registry(user)
    assert message in str(raised.value)
