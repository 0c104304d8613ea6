"""The crawler's manners: robots.txt, throttling, identity, retries with backoff, size limits."""

import asyncio

from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from hdnd_crawler import __version__
from hdnd_crawler.crawl.middlewares.retry import BackoffRetryMiddleware
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.sites.registry import get_site

SPIDER = spider_class(get_site("hdnd"))


def project_settings(**overrides) -> Settings:
    settings = get_project_settings()
    settings.setdict(overrides, priority="cmdline")
    SPIDER.update_settings(settings)
    return settings


def test_polite_defaults():
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getint("RETRY_TIMES") >= 3
    assert 503 in settings.getlist("RETRY_HTTP_CODES")
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 32 * 1024 * 1024
    assert settings.get("ARCHIVE_DB") == "archive/hdnd.db"


def test_user_agent_names_the_project_and_no_invented_contact():
    agent = project_settings().get("USER_AGENT")
    assert agent == f"hdnd-crawler/{__version__} (archival crawler)"
    # NukeViet switches to its phone theme on these words.
    assert not any(word in agent.lower() for word in ("mobile", "android", "iphone", "phone"))


def test_contact_url_from_the_command_line_reaches_the_user_agent():
    agent = project_settings(CONTACT_URL="https://archive.example.org/about").get("USER_AGENT")
    assert (
        agent
        == f"hdnd-crawler/{__version__} (archival crawler; +https://archive.example.org/about)"
    )


def test_an_explicit_user_agent_wins():
    assert project_settings(USER_AGENT="custom/1").get("USER_AGENT") == "custom/1"


def test_retries_back_off_exponentially_up_to_a_ceiling():
    crawler = get_crawler(
        SPIDER, {"RETRY_BACKOFF_BASE": 2.0, "RETRY_BACKOFF_MAX": 10.0, "RETRY_TIMES": 5}
    )
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    delays = [middleware._delay(Request("http://x/", meta={"retry_times": n})) for n in range(1, 6)]
    assert delays == [2.0, 4.0, 8.0, 10.0, 10.0]


async def _retry_once(settings) -> object:
    crawler = get_crawler(SPIDER, settings)
    crawler.spider = crawler._create_spider()
    middleware = BackoffRetryMiddleware.from_crawler(crawler)
    request = Request("http://hdnd.caobang.gov.vn/tin-tuc/")
    return await middleware.process_response(request, Response(request.url, status=503))


def test_a_server_error_is_retried_without_waiting_when_backoff_is_off():
    retried = asyncio.run(_retry_once({"RETRY_BACKOFF_BASE": 0}))
    assert isinstance(retried, Request)
    assert retried.meta["retry_times"] == 1
