"""Commands that read the archive without changing it, and ``migrate``, which upgrades it."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TextIO

import click

from hdnd_crawler.cli.common import ARCHIVE_FILE, check_site, open_archive

_MARKED = re.compile("<mark>(.*?)</mark>", re.S)


@click.command()
@click.argument("query")
@click.option("--db", type=ARCHIVE_FILE, default="archive/hdnd.db", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option(
    "--order",
    type=click.Choice(["newest", "relevance"]),
    default="newest",
    show_default=True,
    help="newest: latest publication first; relevance: best matches first (bm25, title hits"
    " weigh most), slower for a phrase found in most articles. Either way, articles holding"
    " the words as one phrase come first.",
)
@click.option("--site", metavar="SLUG", help="Only this site's articles.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only articles published on or after this day (YYYY-MM-DD, the site's local date).",
)
@click.option(
    "--category",
    metavar="NAME",
    help="Only articles listed in this category (diacritics optional).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object per hit on stdout (title, published_at, url, site, site_name,"
    " article_id, snippet without markup, snippet_html with <mark>).",
)
def search(
    query: str,
    db: Path,
    limit: int,
    order: str,
    site: str | None,
    since: datetime | None,
    category: str | None,
    as_json: bool,
) -> None:
    """Search the archive's articles and attachments in Vietnamese, newest first.

    Diacritics never matter: "hoi dong" and "Hội đồng" find the same articles. Every word
    typed must be in the article, anywhere; articles holding them as one phrase come first.
    Abbreviations and their long forms find each other ("hoi dong nhan dan" finds "HĐND" too).
    Quote a phrase to find it exactly. Prints title, date, URL (and, in an archive of several
    sites, the site's name) and a snippet with the hits [bracketed] (highlighted on a
    terminal); then, on stderr, how many matched ("20 of 39") and how the query was read. The
    archive is only read, never changed. Exit status 1: nothing matched (with what to try
    instead); 2: bad options, or an archive to upgrade first (hdnd-crawler migrate).

    \b
    Example:
        hdnd-crawler search "hoi dong nhan dan"
        hdnd-crawler search "ky hop ngan sach" --limit 5
        hdnd-crawler search '"ky hop thu 20"' --since 2024-01-01
        hdnd-crawler search "thac Ban Gioc" --order relevance
        hdnd-crawler search "UBND" --site hdnd --json
    """
    from hdnd_crawler.archive.search import Filters, Order, find

    filters = Filters(site, since.strftime("%Y-%m-%d") if since else None, category)
    archive = open_archive(db, readonly=True)
    try:
        check_site(archive, site)
        ranked: Order = "relevance" if order == "relevance" else "newest"
        results = find(archive.db.conn, query, limit, ranked, filters)
        several_sites = archive.count_sites() > 1
    finally:
        archive.close()
    if not results.hits:
        click.echo(f"No article matches {query!r} (read as: {results.reading}).", err=True)
        tries = [f"{q} ({n} articles)" for q, n in results.suggestions] or [
            "fewer words, or the long form of an abbreviation"
        ]
        click.echo("Try: " + "; ".join(tries), err=True)
        sys.exit(1)
    color = sys.stdout.isatty() and not as_json
    for hit in results.hits:
        if as_json:
            record = {**asdict(hit), "snippet": _MARKED.sub(r"\1", hit.snippet)}
            click.echo(json.dumps({**record, "snippet_html": hit.snippet}, ensure_ascii=False))
            continue
        snippet = _MARKED.sub(
            lambda m: click.style(m[1], bold=True, fg="yellow") if color else f"[{m[1]}]",
            hit.snippet,
        )
        click.echo(click.style(hit.title, bold=True))
        where = f"  {hit.site_name}" if several_sites else ""
        click.echo(f"{(hit.published_at or '')[:16].replace('T', ' ')}  {hit.url}{where}")
        click.echo(f"  {snippet}\n")
    among = f"; best first of the newest {results.ranked_among:,}" if results.ranked_among else ""
    click.echo(
        f"{len(results.hits)} of {results.total} articles{among}; read as: {results.reading}",
        err=True,
    )


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "wacz"]),
    required=True,
    help="Output format: articles as JSON Lines or CSV, or the whole capture as WACZ.",
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
    type=click.Path(allow_dash=True, path_type=Path),
    default="-",
    show_default=True,
    help="File to write; - is standard output (not for WACZ).",
)
@click.option(
    "--warc-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="WACZ: the crawls' WARC files (default: the warc directory beside the archive).",
)
def export(
    fmt: str, since, site: str | None, db: Path, output: Path, warc_dir: Path | None
) -> None:
    """Write the archive's articles, oldest first, as JSON Lines or CSV (UTF-8), or the whole
    capture as a WACZ file that ReplayWeb.page opens.

    Every column of the articles table: text, metadata and the capture it was read from. In
    CSV, list fields (categories, tags, images, attachments) are JSON inside their cell; the
    file starts with a UTF-8 byte order mark, so that Excel shows Vietnamese as written. The
    rows stream out as they are read; on a terminal a progress bar shows on stderr. The archive
    is only read, never changed; one at an older schema version is upgraded by
    hdnd-crawler migrate.

    \b
    Example:
        hdnd-crawler export --format jsonl > hdnd.jsonl
        hdnd-crawler export --format csv --since 2024-01-01 -o hdnd-2024.csv
        hdnd-crawler export --format wacz -o hdnd.wacz   # the WARC files, indexed, with pages

    A WACZ holds every WARC file (--since does not apply), its index, and the archived articles
    as its pages (of --site, or of every site).
    """
    if fmt == "wacz":
        _export_wacz(db, output, site, warc_dir or db.parent / "warc")
        return
    from hdnd_crawler.archive.export import export as write

    day = since.strftime("%Y-%m-%d") if since else None
    to_stdout = str(output) == "-"
    archive = open_archive(db, readonly=True)
    try:
        check_site(archive, site)
        with _output(output, fmt) as out:
            if sys.stderr.isatty() and not (to_stdout and sys.stdout.isatty()):
                total = archive.count_articles(site=site, since=day)
                with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
                    count = write(archive, out, fmt, site, day, on_row=lambda: bar.update(1))
            else:
                count = write(archive, out, fmt, site, day)
    finally:
        archive.close()
    click.echo(f"{count} articles exported.", err=True)


def _export_wacz(db: Path, output: Path, site: str | None, warc_dir: Path) -> None:
    from hdnd_crawler.archive.wacz import write_wacz

    if str(output) == "-":
        raise click.UsageError("a WACZ is a ZIP file: give -o FILE.wacz")
    if not warc_dir.is_dir():
        raise click.UsageError(f"no WARC directory at {warc_dir}: give --warc-dir")
    archive = open_archive(db, readonly=True)
    try:
        check_site(archive, site)
        pages = write_wacz(archive, warc_dir, output, site)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    finally:
        archive.close()
    click.echo(f"{pages} pages in {output}.", err=True)


@contextmanager
def _output(output: Path, fmt: str) -> Iterator[TextIO]:
    """Where export writes: the file, or standard output (``-``), as UTF-8; CSV with a byte
    order mark, without which Excel reads UTF-8 as the Windows code page and garbles Vietnamese.
    A file that cannot be written is one line, exit status 1."""
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        if str(output) == "-":
            if fmt != "csv":
                yield sys.stdout
                return
            out = io.TextIOWrapper(sys.stdout.buffer, encoding, newline="")
            try:
                yield out
            finally:
                out.flush()
                out.detach()  # standard output stays open
            return
        with open(output, "w", encoding=encoding, newline="") as out:
            yield out
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc


@click.command()
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
    archive = open_archive(db, readonly=False)
    found, now = archive.schema_versions
    reindexed = archive.reindexed
    archive.close()
    if found == now:
        click.echo(f"{db} is at schema version {now}, the latest: nothing to do.")
    else:
        click.echo(f"{db} upgraded from schema version {found} to {now}.")
    if reindexed:
        click.echo(f"Search index built again for {reindexed} articles (its abbreviations).")
