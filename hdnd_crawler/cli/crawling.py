"""Commands that crawl: ``crawl`` (cron's) and ``reextract`` (from the WARC files alone)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from hdnd_crawler.cli.common import ArchiveUnusable, BadOption, setting


@click.command()
@click.option(
    "--site",
    "sites",
    metavar="SLUG",
    multiple=True,
    help="A registered site (repeatable; default: the registry's default site).",
)
@click.option("--all", "every_site", is_flag=True, help="Every registered site, at once.")
@click.option(
    "--full/--incremental",
    default=False,
    help="Walk every listing page and re-fetch every article, then re-check the archived "
    "articles no listing showed (--full); or fetch only what is new plus recent articles "
    "due for a re-check (--incremental, the default; an empty archive is always crawled full).",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Fetch from this mirror of the site (a staging copy); stored URLs stay the site's own."
    " One site only.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive file (default: the ARCHIVE_DB setting, archive/hdnd.db). Sites added with"
    " `sites add` are in the sites.toml beside it.",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or crawler setting (repeatable), e.g. --set RECHECK_DAYS=30; a"
    " name like a typo of a known one, or a value not of the setting's type, is refused.",
)
def crawl(
    sites: tuple[str, ...],
    every_site: bool,
    full: bool,
    base_url: str | None,
    db: Path | None,
    overrides: tuple[str, ...],
) -> None:
    """Crawl sites into the archive, once; meant for cron or a systemd timer.

    Several sites (--site repeated, or --all) are crawled at once, each as politely as one
    alone; one site's failure does not stop the others. One run at a time per site (a lock
    file beside the archive). Logs go to stderr (or LOG_FILE): warnings and each run's start
    and summary lines, or a live progress line on a terminal for one site; --set LOG_LEVEL=INFO
    logs every page and article. stdout gets a summary line per site, also stored in the
    crawl_runs table.

    \b
    Exit status (of several sites: the most serious, in the order 1, 4, 3, 5):
      0  ok
      1  failed: crashed, interrupted, or the site could not be reached
      2  usage error, or an archive it cannot write (another database, a newer version)
      3  partial: some pages failed for good after retries
      4  layout change suspected: bodies or listings went missing (rows left as they were)
      5  another crawl of this site is running

    \b
    Example:
        hdnd-crawler crawl                  # daily: new articles and recent edits
        hdnd-crawler crawl --full           # weekly: everything, and withdrawn articles
        hdnd-crawler crawl --all            # every registered site, at once
        hdnd-crawler crawl --db /srv/hdnd/hdnd.db --set LOG_FILE=/var/log/hdnd/crawl.log
    """
    from hdnd_crawler.archive.schema import ArchiveError
    from hdnd_crawler.crawl.health import EXIT_LOCKED
    from hdnd_crawler.crawl.overrides import SettingError
    from hdnd_crawler.crawl.plan import Mode
    from hdnd_crawler.crawl.registry import registry_for
    from hdnd_crawler.runs.lock import LockHeld
    from hdnd_crawler.runs.runner import exit_code, project_settings, run, run_sites
    from hdnd_crawler.sites.registry import SiteConfigError

    if every_site and sites:
        raise click.UsageError("--all and --site are alternatives: give one")
    if base_url and (every_site or len(sites) > 1):
        raise click.UsageError("--base-url is the mirror of one site: give one --site")
    values = dict(setting(v) for v in overrides)
    if db is not None:
        values["ARCHIVE_DB"] = str(db)
    mode: Mode = "full" if full else "incremental"
    try:
        settings = project_settings(values)
        if "LOG_LEVEL" not in values:
            # Warnings, and each run's start and summary lines (runs/journal.py): a handful of
            # lines for cron to mail. --set LOG_LEVEL=INFO logs every page and article.
            settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
        chosen = list(registry_for(settings).sites) if every_site else list(sites)
        if len(chosen) > 1:
            results = run_sites(chosen, mode, settings=settings)
            for result in results:
                click.echo(result.summary)
            sys.exit(exit_code(results))
        progress = sys.stderr.isatty()
        result = run(
            chosen[0] if chosen else None,
            mode,
            base_url=base_url,
            settings=settings,
            progress=progress,
        )
    except SiteConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    except SettingError as exc:
        raise BadOption(str(exc)) from exc
    except ArchiveError as exc:
        raise ArchiveUnusable(str(exc)) from exc
    except LockHeld as exc:
        click.echo(f"hdnd-crawler: {exc}; not starting.", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(result.summary)
    sys.exit(result.exit_code)


@click.command()
@click.option(
    "--warc-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default="archive/warc",
    show_default=True,
    help="Where the crawls' WARC files are.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default="archive/reextracted.db",
    show_default=True,
    help="The archive to build; a new file (attachments go to a files/ directory beside it).",
)
@click.option("--site", metavar="SLUG", help="Site slug, for WARC files that do not name one.")
def reextract(warc_dir: Path, db: Path, site: str | None) -> None:
    """Rebuild the archive from the crawls' WARC files alone, without the network.

    Every stored article page, category listing and attachment is read again, run by run in
    the order it was fetched, by today's extractors, and archived as the crawl would have
    (versions included), each row pointing to its capture. Compare the new file with the
    archive, then swap them. Not rebuilt: crawl_runs rows and withdrawal marks.

    \b
    Example:
        hdnd-crawler reextract --warc-dir archive/warc --db archive/reextracted.db
    """
    from scrapy.settings import Settings

    from hdnd_crawler.runs.reextract import ReextractError
    from hdnd_crawler.runs.reextract import reextract as replay

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Runs as they are replayed, and the closing merge of the search index (a pause of seconds).
    for name in ("hdnd_crawler.runs.reextract", "hdnd_crawler.archive.store"):
        logging.getLogger(name).setLevel(logging.INFO)
    settings = Settings()
    settings.setmodule("hdnd_crawler.crawl.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db), priority="cmdline")
    try:
        totals = replay(warc_dir, settings, site)
    except ReextractError as exc:
        raise click.ClickException(str(exc)) from exc
    articles = ", ".join(
        f"{totals[f'hdnd/articles/{k}']} {k}" for k in ("new", "updated", "unchanged")
    )
    attachments = sum(v for k, v in totals.items() if k.startswith("hdnd/attachments/"))
    click.echo(
        f"Re-extracted {totals['runs']} runs into {db}: articles {articles};"
        f" {attachments} attachment downloads; {totals['hdnd/dropped/invalid']} pages dropped."
    )
