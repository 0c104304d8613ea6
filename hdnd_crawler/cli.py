"""``hdnd-crawler``: a thin command line over the library. Each command's help has an example."""

from __future__ import annotations

import click

from hdnd_crawler import __version__


@click.group()
@click.version_option(__version__, prog_name="hdnd-crawler")
def cli() -> None:
    """Archive Vietnamese provincial government news sites that run NukeViet.

    \b
    Example:
        hdnd-crawler crawl --site hdnd
    """
