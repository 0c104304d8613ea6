"""``sites add|list|check|remove``: the user's registry of sites, beside the archive."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import click

DEFAULT_DB = Path("archive/hdnd.db")
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")

db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DB,
    show_default=True,
    help="The archive whose registry (the sites.toml beside it) to use.",
)
fetch_from_option = click.option(
    "--fetch-from",
    metavar="URL",
    help="Read the site's pages from this mirror (a staging copy, a local replay of a"
    " captured site) while naming them by the site's own address.",
)


def _origin(url: str, option: str) -> str:
    parts = urlsplit(url if "//" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"expected http(s)://host, got {url!r}", param_hint=option)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _fail(message: str) -> None:
    click.echo(f"hdnd-crawler: {message}", err=True)
    sys.exit(1)


@click.group()
def sites() -> None:
    """The sites to crawl: add one by probing it, list, check or remove them.

    Sites you add are kept in sites.toml beside the archive (--db), layered over the built-in
    registry; the file may be edited by hand.

    \b
    Example:
        hdnd-crawler sites add http://hdnd.laocai.gov.vn --slug laocai
        hdnd-crawler sites check laocai
    """


@sites.command()
@click.argument("url")
@click.option("--slug", help="Short name for --site (default: from the host name).")
@click.option("--name", help="The site's name (default: the one its pages give).")
@db_option
@fetch_from_option
def add(url: str, slug: str | None, name: str | None, db: Path, fetch_from: str | None) -> None:
    """Probe the site at URL and register it.

    Reads a handful of the site's own pages (home, RSS list, a category, a few articles;
    robots.txt obeyed), tells which CMS and version it runs, where its news are, its language
    and categories, and learns the selectors of a custom theme. Prints what it found and how
    sure it is, then adds the entry, with comments saying so, to sites.toml. Nothing is
    written when the site does not answer, is not a news site, or forbids us.

    \b
    Example:
        hdnd-crawler sites add http://hdnd.caobang.gov.vn --slug caobang
        hdnd-crawler sites add http://egov.test --slug egov --fetch-from http://127.0.0.1:8100
    """
    from hdnd_crawler.sites.probe.add import probe_site
    from hdnd_crawler.sites.probe.entry import add_site
    from hdnd_crawler.sites.probe.fetch import PoliteFetch, ProbeError
    from hdnd_crawler.sites.registry import SiteConfigError, registry, user_registry

    base_url = _origin(url, "URL")
    mirror = _origin(fetch_from, "--fetch-from") if fetch_from else None
    slug = slug or _slug_of(base_url)
    if not SLUG.fullmatch(slug):
        raise click.BadParameter("lower-case letters, digits, - and _", param_hint="--slug")
    user_file = user_registry(db)
    try:
        if slug in registry(user_file).sites:
            _fail(f"site {slug!r} is already registered; pick another --slug")
        fetch = PoliteFetch(base_url, mirror)
        finding = probe_site(base_url, fetch)
    except (ProbeError, SiteConfigError) as exc:
        _fail(str(exc))
    if name:
        finding.entry["name"] = name
    click.echo(f"Probed {base_url} ({fetch.requests} requests):")
    for line in finding.found:
        click.echo(f"  {line}")
    for warning in finding.warnings:
        click.echo(f"  warning: {warning}")
    click.echo(f"Confidence: {finding.confidence:.2f}")
    try:
        add_site(user_file, slug, finding, date.today())
    except SiteConfigError as exc:
        _fail(str(exc))
    click.echo(f"Added site {slug!r} ({finding.cms}) to {user_file}; crawl it with")
    click.echo(f"  hdnd-crawler crawl --site {slug} --db {db}")


def _slug_of(base_url: str) -> str:
    host = urlsplit(base_url).hostname or ""
    labels = [label for label in host.split(".") if label not in ("www", "hdnd")]
    return re.sub(r"[^a-z0-9_-]", "-", labels[0] if labels else host)


@sites.command("list")
@db_option
def list_sites(db: Path) -> None:
    """The registered sites: slug, name, kind, address, and where each is registered.

    \b
    Example:
        hdnd-crawler sites list --db /srv/hdnd/hdnd.db
    """
    from hdnd_crawler.sites.registry import SiteConfigError, builtin_slugs, registry, user_registry

    try:
        known = registry(user_registry(db))
    except SiteConfigError as exc:
        _fail(str(exc))
    builtin = builtin_slugs()
    rows = [
        (
            slug,
            site.name,
            site.cms,
            site.base_url,
            "built-in" if slug in builtin else "user",
        )
        for slug, site in known.sites.items()
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    for row in rows:
        default = " (default)" if row[0] == known.default else ""
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[4]]) + default)


@sites.command()
@click.argument("slug", required=False)
@db_option
@fetch_from_option
def check(slug: str | None, db: Path, fetch_from: str | None) -> None:
    """Read a listing page and a few articles of a site (default: every site) with its entry,
    and print what was found, field by field. Exit 1 when an article lacks its title,
    publication time or body, or none could be read.

    \b
    Example:
        hdnd-crawler sites check caobang
    """
    from hdnd_crawler.sites.probe.check import check_site, missing
    from hdnd_crawler.sites.probe.fetch import PoliteFetch, ProbeError
    from hdnd_crawler.sites.registry import SiteConfigError, registry, user_registry

    try:
        known = registry(user_registry(db))
        chosen = [known.get(slug)] if slug else list(known.sites.values())
    except SiteConfigError as exc:
        _fail(str(exc))
    if fetch_from and len(chosen) > 1:
        raise click.UsageError("--fetch-from is the mirror of one site: name it")
    failed = False
    for site in chosen:
        click.echo(f"{site.slug}  {site.base_url}  ({site.cms})")
        mirror = _origin(fetch_from, "--fetch-from") if fetch_from else None
        try:
            result = check_site(site, PoliteFetch(site.base_url, mirror))
        except ProbeError as exc:
            click.echo(f"  error: {exc}")
            failed = True
            continue
        listing = result.listing
        if listing is not None:
            click.echo(
                f"  listing      {result.listing_url}: {len(listing.articles)} articles listed,"
                f" {len(listing.pages)} more pages, {len(listing.categories)} category links,"
                f" category {listing.category!r}"
            )
        for url, article in result.articles:
            click.echo(f"  article      {url}")
            for line in _fields(article):
                click.echo(f"    {line}")
            lacking = missing(article)
            if lacking:
                click.echo(f"    MISSING: {', '.join(lacking)}")
        whole = sum(not missing(a) for _, a in result.articles)
        click.echo(
            f"  {'ok' if result.ok else 'FAILED'}: {whole} of {len(result.articles)}"
            " articles have a title, a publication time and a body"
        )
        failed = failed or not result.ok
    sys.exit(1 if failed else 0)


def _fields(article) -> list[str]:  # noqa: ANN001 - an Article, or None
    if article is None:
        return ["(the page could not be read)"]
    body = article.body_text or ""
    return [
        f"title        {article.title!r}",
        f"published_at {article.published_at}",
        f"updated_at   {article.updated_at}",
        f"category     {article.main_category!r}",
        f"author       {article.author!r}",
        f"source       {article.source!r}",
        f"summary      {len(article.summary or '')} characters",
        f"body         {len(body)} characters: {body[:60]!r}",
        f"images       {len(article.images)}, attachments {len(article.attachments)},"
        f" tags {len(article.tags)}",
    ]


@sites.command()
@click.argument("slug")
@db_option
def remove(slug: str, db: Path) -> None:
    """Remove a site you added (the built-in ones stay); its archived articles stay too.

    \b
    Example:
        hdnd-crawler sites remove caobang
    """
    from hdnd_crawler.sites.probe.entry import remove_site
    from hdnd_crawler.sites.registry import SiteConfigError, builtin_slugs, user_registry

    if slug in builtin_slugs():
        _fail(f"site {slug!r} is built in and cannot be removed")
    user_file = user_registry(db)
    try:
        remove_site(user_file, slug)
    except SiteConfigError as exc:
        _fail(str(exc))
    click.echo(f"Removed site {slug!r} from {user_file}")
