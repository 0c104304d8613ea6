"""``hdnd-crawler``: a thin command line over the library. Each command's help has an example."""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hdnd_crawler import __version__

if TYPE_CHECKING:
    from hdnd_crawler.archive.store import Archive


@click.group()
@click.version_option(__version__, prog_name="hdnd-crawler")
def cli() -> None:
    """Archive Vietnamese provincial government news sites that run NukeViet.

    \b
    Example:
        hdnd-crawler crawl --site hdnd
    """


class ArchiveUnusable(click.ClickException):
    """An archive file the command cannot use as it is: one line saying why and what to do."""

    exit_code = 2


def _open_archive(db: Path, readonly: bool) -> Archive:
    from hdnd_crawler.archive.schema import ArchiveError
    from hdnd_crawler.archive.store import Archive

    try:
        return Archive(db, readonly=readonly)
    except ArchiveError as exc:
        raise ArchiveUnusable(str(exc)) from exc
    except sqlite3.OperationalError as exc:  # unreadable, locked…
        raise ArchiveUnusable(f"{db}: {exc}") from exc


def _setting(value: str) -> tuple[str, str]:
    name, sep, setting = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint="--set")
    return name.strip(), setting


@cli.command()
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
    help="Override a Scrapy or crawler setting (repeatable), e.g. --set RECHECK_DAYS=30.",
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
    file beside the archive). Logs go to stderr as plain lines, or a live progress line on a
    terminal for one site; stdout gets a summary line per site, also stored in the crawl_runs
    table.

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
    from hdnd_crawler.crawl.plan import Mode
    from hdnd_crawler.crawl.registry import registry_for
    from hdnd_crawler.runs.lock import LockHeld
    from hdnd_crawler.runs.runner import exit_code, project_settings, run, run_sites
    from hdnd_crawler.sites.registry import SiteConfigError

    if every_site and sites:
        raise click.UsageError("--all and --site are alternatives: give one")
    if base_url and (every_site or len(sites) > 1):
        raise click.UsageError("--base-url is the mirror of one site: give one --site")
    values = dict(_setting(v) for v in overrides)
    if db is not None:
        values["ARCHIVE_DB"] = str(db)
    mode: Mode = "full" if full else "incremental"
    try:
        settings = project_settings(values)
        chosen = list(registry_for(settings).sites) if every_site else list(sites)
        if len(chosen) > 1:
            results = run_sites(chosen, mode, settings=settings)
            for result in results:
                click.echo(result.summary)
            sys.exit(exit_code(results))
        progress = sys.stderr.isatty()
        if progress and "LOG_LEVEL" not in values:
            settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
        result = run(
            chosen[0] if chosen else None,
            mode,
            base_url=base_url,
            settings=settings,
            progress=progress,
        )
    except SiteConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    except ArchiveError as exc:
        raise ArchiveUnusable(str(exc)) from exc
    except LockHeld as exc:
        click.echo(f"hdnd-crawler: {exc}; not starting.", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(result.summary)
    sys.exit(result.exit_code)


ARCHIVE_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_MARKED = re.compile("<mark>(.*?)</mark>", re.S)


@cli.command()
@click.argument("query")
@click.option("--db", type=ARCHIVE_FILE, default="archive/hdnd.db", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option(
    "--order",
    type=click.Choice(["newest", "relevance"]),
    default="newest",
    show_default=True,
    help="newest: latest publication first; relevance: best matches first (bm25, title hits"
    " weigh most), slower for a phrase found in most articles.",
)
def search(query: str, db: Path, limit: int, order: str) -> None:
    """Search the archive's articles and attachments in Vietnamese, newest first.

    Diacritics never matter: "hoi dong" and "Hội đồng" find the same articles. Words typed
    together are one phrase; quote phrases to ask for several at once. Prints title, date,
    URL and a snippet with the hits [bracketed] (highlighted on a terminal). The archive is
    only read, never changed. Exit status 1: nothing matched; 2: bad options, or an archive to
    upgrade first (hdnd-crawler migrate).

    \b
    Example:
        hdnd-crawler search "hoi dong nhan dan"
        hdnd-crawler search '"ky hop" "ngan sach"' --limit 5
        hdnd-crawler search "thac Ban Gioc" --order relevance
    """
    from hdnd_crawler.archive.search import search as find

    archive = _open_archive(db, readonly=True)
    try:
        hits = find(
            archive.db.conn, query, limit, "relevance" if order == "relevance" else "newest"
        )
    finally:
        archive.close()
    if not hits:
        click.echo(f"No article matches {query!r}.", err=True)
        sys.exit(1)
    color = sys.stdout.isatty()
    for hit in hits:
        snippet = _MARKED.sub(
            lambda m: click.style(m[1], bold=True, fg="yellow") if color else f"[{m[1]}]",
            hit.snippet,
        )
        click.echo(click.style(hit.title, bold=True))
        click.echo(f"{(hit.published_at or '')[:16].replace('T', ' ')}  {hit.url}")
        click.echo(f"  {snippet}\n")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), required=True, help="Output format."
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only articles published on or after this day (YYYY-MM-DD, the site's local date).",
)
@click.option("--site", metavar="SLUG", help="Only this site's articles.")
@click.option("--db", type=ARCHIVE_FILE, default="archive/hdnd.db", show_default=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    show_default=True,
    help="File to write; - is standard output.",
)
def export(fmt: str, since, site: str | None, db: Path, output: Path) -> None:
    """Write the archive's articles, oldest first, as JSON Lines or CSV (UTF-8).

    Every column of the articles table: text, metadata and the capture it was read from. In
    CSV, list fields (categories, tags, images, attachments) are JSON inside their cell. The
    rows stream out as they are read; on a terminal a progress bar shows on stderr. The archive
    is only read, never changed; one at an older schema version is upgraded by
    hdnd-crawler migrate.

    \b
    Example:
        hdnd-crawler export --format jsonl > hdnd.jsonl
        hdnd-crawler export --format csv --since 2024-01-01 -o hdnd-2024.csv
    """
    from hdnd_crawler.archive.export import export as write

    day = since.strftime("%Y-%m-%d") if since else None
    to_stdout = str(output) == "-"
    archive = _open_archive(db, readonly=True)
    out = sys.stdout if to_stdout else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        if sys.stderr.isatty() and not (to_stdout and sys.stdout.isatty()):
            total = archive.count_articles(site=site, since=day)
            with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
                count = write(archive, out, fmt, site, day, on_row=lambda: bar.update(1))
        else:
            count = write(archive, out, fmt, site, day)
    finally:
        archive.close()
        if not to_stdout:
            out.close()
    click.echo(f"{count} articles exported.", err=True)


@cli.command()
@click.option("--db", type=ARCHIVE_FILE, default="archive/hdnd.db", show_default=True)
def migrate(db: Path) -> None:
    """Upgrade an archive to the schema this hdnd-crawler reads and writes.

    A crawl (or reextract) upgrades the archive it opens; search, export and make serve only
    read, and refuse an archive at an older schema version until it is upgraded. Each
    migration is one transaction: an interrupted upgrade leaves the archive at the version
    before it. Copy the file first if an older hdnd-crawler must still use it.

    \b
    Example:
        hdnd-crawler migrate --db archive/hdnd.db
    """
    archive = _open_archive(db, readonly=False)
    found, now = archive.schema_versions
    archive.close()
    if found == now:
        click.echo(f"{db} is at schema version {now}, the latest: nothing to do.")
    else:
        click.echo(f"{db} upgraded from schema version {found} to {now}.")


@cli.command()
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
