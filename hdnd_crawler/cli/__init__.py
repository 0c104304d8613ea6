"""``hdnd-crawler``: a thin command line over the library. Each command's help has an example."""

from __future__ import annotations

import click

from hdnd_crawler import __version__
from hdnd_crawler.cli.cluster import enqueue, worker, writer
from hdnd_crawler.cli.crawling import crawl, reextract
from hdnd_crawler.cli.reading import export, migrate, search
from hdnd_crawler.cli.replay import replay
from hdnd_crawler.cli.sites import sites
from hdnd_crawler.cli.status import status


@click.group()
@click.version_option(__version__, prog_name="hdnd-crawler")
def cli() -> None:
    """Archive the news of Vietnamese provincial government sites.

    \b
    Example:
        hdnd-crawler crawl --site hdnd
    """


for command in (
    crawl,
    reextract,
    search,
    export,
    migrate,
    replay,
    status,
    sites,
    enqueue,
    worker,
    writer,
):
    cli.add_command(command)
