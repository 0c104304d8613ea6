"""``python -m hdnd_crawler``: the ``hdnd-crawler`` command without an installed script."""

from hdnd_crawler.cli import cli

cli(prog_name="hdnd-crawler")
