"""``status``: how each site's last crawls went, for the operator and for monitoring."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click

from hdnd_crawler.cli.common import ARCHIVE_FILE, check_site, open_archive


def _run_line(run: dict) -> str:
    when = (run["finished_at"] or run["started_at"] or "")[:16].replace("T", " ")
    counts = (
        f"{run['requests'] or 0} requests, {run['new_articles'] or 0} new,"
        f" {run['updated_articles'] or 0} updated, {run['unchanged_articles'] or 0} unchanged,"
        f" {run['errors'] or 0} errors"
    )
    code = "" if run["exit_code"] is None else f"exit {run['exit_code']}"
    return (
        f"  #{run['run_id']:<5} {when:16}  {run['mode']:<11} {run['status']:<14} {code:7} {counts}"
    )


@click.command()
@click.option("--site", metavar="SLUG", help="Only this site (default: every site crawled).")
@click.option(
    "--max-age",
    type=click.FloatRange(min=0),
    metavar="HOURS",
    help="Fail when a site's last good run finished this many hours ago or more"
    " (e.g. 26 for a daily crawl; 0 always fails).",
)
@click.option("--db", type=ARCHIVE_FILE, default="archive/hdnd.db", show_default=True)
def status(site: str | None, max_age: float | None, db: Path) -> None:
    """Show each site's last crawl runs, and fail when one needs attention: for monitoring.

    First one line per site, "OK slug: ..." or "FAIL slug: why", then the site's last runs
    (finished, mode, status, exit status, counts; times in UTC) from the crawl_runs table. A site
    fails when its last finished run was not ok, or, with --max-age, when its last ok run
    finished that long ago or more. The archive is only read, never changed.

    \b
    Exit status:
      0  every site ok
      1  a site failed (its FAIL line says why)
      2  bad options, an unknown site, or an archive it cannot read

    \b
    Example:
        hdnd-crawler status
        hdnd-crawler status --site hdnd --max-age 26   # a daily crawl, with 2 h to spare
    """
    from hdnd_crawler.archive.status import site_statuses

    archive = open_archive(db, readonly=True)
    try:
        check_site(archive, site)
        limit = timedelta(hours=max_age) if max_age is not None else None
        statuses = site_statuses(archive, [site] if site else None, limit)
    finally:
        archive.close()
    if not statuses:
        click.echo(f"OK: no site has been crawled into {db} yet.")
        return
    for each in statuses:
        click.echo(each.line)
    for each in statuses:
        click.echo(f"\n{each.slug}" + (f"  {each.name}" if each.name else ""))
        for run in each.runs:
            click.echo(_run_line(run))
        if not each.runs:
            click.echo("  no run yet")
    sys.exit(1 if any(each.problem for each in statuses) else 0)
