"""Commands of a crawl spread over machines: ``enqueue`` jobs, run ``worker``s and one ``writer``.

Redis and the cluster modules are imported inside the commands: ``crawl`` never loads them.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from hdnd_crawler.cli.common import setting

REDIS = click.option(
    "--redis",
    "redis_url",
    required=True,
    metavar="URL",
    help="The shared Redis, redis://host:port/db.",
)
IDLE_EXIT = click.option(
    "--idle-exit",
    type=float,
    metavar="SECONDS",
    help="Exit after this long with nothing to do (default: run until stopped).",
)
DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive file (default: the ARCHIVE_DB setting); its sites.toml is the registry.",
)
SET = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a setting (repeatable).",
)


def _settings(db: Path | None, overrides: tuple[str, ...]) -> dict[str, str]:
    values = dict(setting(v) for v in overrides)
    if db is not None:
        values["ARCHIVE_DB"] = str(db)
    return values


def _logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")


@click.command()
@REDIS
@click.option(
    "--site", "sites", metavar="SLUG", multiple=True, help="A registered site (repeatable)."
)
@click.option("--all", "every_site", is_flag=True, help="Every registered site.")
@click.option(
    "--full/--incremental",
    default=False,
    help="As for `crawl`: everything and withdrawals, or what is new (the default).",
)
@DB
def enqueue(
    redis_url: str, sites: tuple[str, ...], every_site: bool, full: bool, db: Path | None
) -> None:
    """Queue crawl jobs of sites for the workers; the writer opens their runs.

    \b
    Example:
        hdnd-crawler enqueue --redis redis://archive-host:6379/0 --all --full
    """
    from hdnd_crawler.cluster.jobs import connect
    from hdnd_crawler.cluster.jobs import enqueue as queue_jobs
    from hdnd_crawler.crawl.registry import registry_for
    from hdnd_crawler.runs.runner import project_settings
    from hdnd_crawler.sites.registry import SiteConfigError

    if every_site == bool(sites):
        raise click.UsageError("give --site SLUG (repeatable) or --all")
    registry = registry_for(project_settings(_settings(db, ())))
    try:
        chosen = [registry.get(slug) for slug in (registry.sites if every_site else sites)]
    except SiteConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    count = queue_jobs(connect(redis_url), chosen, "full" if full else "incremental")
    click.echo(f"{count} job(s) queued: {', '.join(site.slug for site in chosen)}")


@click.command()
@REDIS
@IDLE_EXIT
@SET
def worker(redis_url: str, idle_exit: float | None, overrides: tuple[str, ...]) -> None:
    """Crawl jobs from Redis, with as many other workers as there are, on any machine.

    A worker needs no archive and no registry: jobs carry their site. Start one or more per
    machine; one writer beside the archive stores what they fetch.

    \b
    Example:
        hdnd-crawler worker --redis redis://archive-host:6379/0
    """
    from hdnd_crawler.cluster.worker import work, worker_settings

    settings = worker_settings(redis_url, _settings(None, overrides))
    _logging(settings.get("LOG_LEVEL"))
    crawled = work(redis_url, settings, idle_exit)
    click.echo(f"worker done; took part in: {', '.join(crawled) or 'nothing'}")


@click.command()
@REDIS
@DB
@IDLE_EXIT
@SET
def writer(
    redis_url: str, db: Path | None, idle_exit: float | None, overrides: tuple[str, ...]
) -> None:
    """Store what the workers fetch: the one process writing the archive (run it beside it).

    Opens a crawl run for each queued job, publishes what the archive holds of its site for
    the workers to plan with, and records the run when every worker is done with it. Exits
    with the most serious status of the runs it finished (as `crawl`).

    \b
    Example:
        hdnd-crawler writer --redis redis://localhost:6379/0 --db /srv/hdnd/hdnd.db
    """
    from hdnd_crawler.cluster.writer import write
    from hdnd_crawler.runs.runner import exit_code, project_settings

    settings = project_settings(_settings(db, overrides))
    _logging(settings.get("LOG_LEVEL"))
    results = write(redis_url, settings, idle_exit)
    for result in results:
        click.echo(result.summary)
    sys.exit(exit_code(results))
