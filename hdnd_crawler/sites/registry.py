"""The site registry: ``sites.toml`` loaded once into frozen :class:`Site` objects.

A site's block names its kind of CMS (``cms``) and is layered over that kind's defaults block
(``[nukeviet]``), so a new NukeViet site needs only what differs from the stock news module.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY_PATH = Path(__file__).with_name("sites.toml")
# The kinds of site the crawler knows; each has a defaults block of that name in the registry.
CMS_KINDS = ("nukeviet",)


class SiteConfigError(ValueError):
    """The registry is malformed or names no such site."""


@dataclass(frozen=True)
class Patterns:
    article: re.Pattern[str]
    category: re.Pattern[str]
    category_page: re.Pattern[str]
    tag: re.Pattern[str]
    not_category: frozenset[str]


@dataclass(frozen=True)
class Site:
    """Everything the crawler knows about one site; no code anywhere else holds site literals."""

    slug: str
    name: str
    cms: str
    base_url: str
    aliases: tuple[str, ...]
    timezone: str
    # The news module's name, and the path it lives under ("" when it is the home module).
    module: str
    module_path: str
    start_paths: tuple[str, ...]
    feed_paths: tuple[str, ...]
    sitemap_paths: tuple[str, ...]
    patterns: Patterns
    selectors: dict[str, str] = field(hash=False, compare=False)
    labels: dict[str, tuple[str, ...]] = field(hash=False, compare=False)
    # Where requests go; differs from base_url when crawling a mirror of the site.
    fetch_base: str = ""

    @property
    def origins(self) -> tuple[str, ...]:
        """Every scheme://host that serves this site, the fetch origin included."""
        return tuple(dict.fromkeys((self.base_url, *self.aliases, self.fetch_base)))

    def mirrored_at(self, fetch_base: str) -> Site:
        """The same site, fetched from another origin (a local copy, a staging mirror)."""
        parts = urlsplit(fetch_base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SiteConfigError(f"base_url must be http(s)://host[:port], got {fetch_base!r}")
        return replace(self, fetch_base=f"{parts.scheme}://{parts.netloc}")


def _merge(defaults: dict, override: dict) -> dict:
    merged = dict(defaults)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _compile(raw: dict, module_path: str) -> Patterns:
    module = re.escape(module_path.rstrip("/"))
    try:
        return Patterns(
            article=re.compile(raw["article"].replace("{module}", module)),
            category=re.compile(raw["category"].replace("{module}", module)),
            category_page=re.compile(raw["category_page"].replace("{module}", module)),
            tag=re.compile(raw["tag"].replace("{module}", module)),
            not_category=frozenset(raw["not_category"]),
        )
    except (KeyError, re.error) as exc:
        raise SiteConfigError(f"bad [patterns] entry: {exc}") from exc


def build_site(slug: str, block: dict) -> Site:
    """Turn one merged registry block into a :class:`Site`, checking required keys."""
    for key in ("name", "cms", "base_url", "module", "selectors", "patterns", "labels"):
        if key not in block:
            raise SiteConfigError(f"site {slug!r}: missing {key!r}")
    base = block["base_url"].rstrip("/")
    module_path = block.get("module_path", "")
    return Site(
        slug=slug,
        name=block["name"],
        cms=block["cms"],
        base_url=base,
        aliases=tuple(a.rstrip("/") for a in block.get("aliases", [])),
        timezone=block["timezone"],
        module=block["module"],
        module_path=module_path,
        start_paths=tuple(block["start_paths"]),
        feed_paths=tuple(block["feed_paths"]),
        sitemap_paths=tuple(block["sitemap_paths"]),
        patterns=_compile(block["patterns"], module_path),
        selectors=dict(block["selectors"]),
        labels={k: tuple(v) for k, v in block["labels"].items()},
        fetch_base=base,
    )


def _kind(slug: str, block: dict) -> str:
    cms = block.get("cms")
    if cms not in CMS_KINDS:
        raise SiteConfigError(
            f"site {slug!r}: 'cms' is {cms!r}; it must be one of {', '.join(CMS_KINDS)}"
        )
    return cms


@cache
def _read(path: Path) -> tuple[dict[str, Site], str | None]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SiteConfigError(f"cannot read site registry {path}: {exc}") from exc
    sites = {
        slug: build_site(slug, _merge(raw.get(_kind(slug, block), {}), block))
        for slug, block in raw.get("sites", {}).items()
    }
    default = raw.get("default")
    if default is not None and default not in sites:
        raise SiteConfigError(f"registry {path}: default site {default!r} is not registered")
    return sites, default


def load_registry(path: Path = REGISTRY_PATH) -> dict[str, Site]:
    """Every registered site, read once; each inherits the defaults block of its kind."""
    return _read(path)[0]


def default_slug(path: Path = REGISTRY_PATH) -> str:
    """The site taken when none is named: the registry's ``default``, else its only site."""
    sites, default = _read(path)
    if default is None and len(sites) == 1:
        default = next(iter(sites))
    if default is None:
        raise SiteConfigError("no site named and the registry names no default: pick one")
    return default


def get_site(slug: str | None = None, base_url: str | None = None) -> Site:
    """The registered site ``slug`` (default: :func:`default_slug`), optionally fetched from the
    mirror at ``base_url``."""
    sites = load_registry()
    slug = slug or default_slug()
    if slug not in sites:
        known = ", ".join(sorted(sites)) or "none"
        raise SiteConfigError(f"unknown site {slug!r} (known: {known})")
    site = sites[slug]
    return site.mirrored_at(base_url) if base_url else site
