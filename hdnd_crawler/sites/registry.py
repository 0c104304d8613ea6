"""The site registry: ``sites.toml`` loaded once into frozen :class:`Site` objects.

A site's block is layered over the ``[nukeviet]`` defaults, so a new NukeViet site needs
only what differs from the stock news module.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

REGISTRY_PATH = Path(__file__).with_name("sites.toml")


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
    base_url: str
    aliases: tuple[str, ...]
    timezone: str
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
    for key in ("name", "base_url", "selectors", "patterns", "labels"):
        if key not in block:
            raise SiteConfigError(f"site {slug!r}: missing {key!r}")
    base = block["base_url"].rstrip("/")
    module_path = block.get("module_path", "")
    return Site(
        slug=slug,
        name=block["name"],
        base_url=base,
        aliases=tuple(a.rstrip("/") for a in block.get("aliases", [])),
        timezone=block["timezone"],
        module_path=module_path,
        start_paths=tuple(block["start_paths"]),
        feed_paths=tuple(block["feed_paths"]),
        sitemap_paths=tuple(block["sitemap_paths"]),
        patterns=_compile(block["patterns"], module_path),
        selectors=dict(block["selectors"]),
        labels={k: tuple(v) for k, v in block["labels"].items()},
        fetch_base=base,
    )


@cache
def load_registry(path: Path = REGISTRY_PATH) -> dict[str, Site]:
    """Read the registry file once; every site inherits the ``[nukeviet]`` defaults."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SiteConfigError(f"cannot read site registry {path}: {exc}") from exc
    defaults = raw.get("nukeviet", {})
    return {
        slug: build_site(slug, _merge(defaults, block))
        for slug, block in raw.get("sites", {}).items()
    }


def get_site(slug: str, base_url: str | None = None) -> Site:
    """The registered site ``slug``, optionally fetched from the mirror at ``base_url``."""
    sites = load_registry()
    if slug not in sites:
        known = ", ".join(sorted(sites)) or "none"
        raise SiteConfigError(f"unknown site {slug!r} (known: {known})")
    site = sites[slug]
    return site.mirrored_at(base_url) if base_url else site
