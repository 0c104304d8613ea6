"""One spider per registered site, made from the registry: ``scrapy list`` names them all and
``scrapy crawl <slug>`` crawls one. The site's ``cms`` picks the spider that routes it."""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.spiderloader import SpiderLoader

from hdnd_crawler.crawl.registry import registry_for
from hdnd_crawler.crawl.spiders.generic import GenericSpider
from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider
from hdnd_crawler.sites.registry import Site

SPIDERS: dict[str, type[NukeVietSpider]] = {"nukeviet": NukeVietSpider, "generic": GenericSpider}


def spider_class(site: Site) -> type[NukeVietSpider]:
    """The spider class of a registered site: named after its slug, crawling it by default."""
    base = SPIDERS[site.cms]
    class_name = "".join(part.capitalize() for part in site.slug.replace("-", "_").split("_"))
    attributes = {"name": site.slug, "registered": site, "__module__": __name__}
    return type(f"{class_name}Spider", (base,), attributes)


class RegistrySpiderLoader(SpiderLoader):
    """Scrapy's spider loader, plus a spider for each site of the registry the settings name
    (the built-in sites and those in the user's file beside the archive)."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        for site in registry_for(settings).sites.values():
            self._spiders[site.slug] = spider_class(site)
