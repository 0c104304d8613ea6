"""One spider per registered site, made from the registry: ``scrapy list`` names them all and
``scrapy crawl <slug>`` crawls one. The site's ``cms`` picks the spider that routes it."""

from __future__ import annotations

from hdnd_crawler.crawl.spiders.nukeviet import NukeVietSpider
from hdnd_crawler.sites.registry import Site, load_registry

SPIDERS: dict[str, type[NukeVietSpider]] = {"nukeviet": NukeVietSpider}


def spider_class(site: Site) -> type[NukeVietSpider]:
    """The spider class of a registered site: named after its slug, crawling it by default."""
    base = SPIDERS[site.cms]
    class_name = "".join(part.capitalize() for part in site.slug.replace("-", "_").split("_"))
    attributes = {"name": site.slug, "default_site": site.slug, "__module__": __name__}
    return type(f"{class_name}Spider", (base,), attributes)


# Module attributes, where Scrapy's spider loader finds spider classes.
globals().update({cls.__name__: cls for cls in map(spider_class, load_registry().values())})
