"""The site registry: TOML files loaded into frozen :class:`Site` objects.

Two files, layered: the built-in ``sites.toml`` beside this module (the defaults block of each
kind of CMS, e.g. ``[nukeviet]``, and the built-in sites), and the user's own registry, a
``sites.toml`` beside the archive that ``hdnd-crawler sites add`` writes and a person may edit.
A site's block names its kind (``cms``) and is layered over that kind's defaults block, so a
new NukeViet site needs only what differs from the stock news module.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cssselect import SelectorError, parse

REGISTRY_PATH = Path(__file__).with_name("sites.toml")
# The user's registry is a file of this name beside the archive database.
USER_REGISTRY_NAME = "sites.toml"
# The kinds of site the crawler knows; each has a defaults block of that name in the registry.
CMS_KINDS = ("nukeviet", "generic")
# How a generic site's articles are identified (``article_ids``): by a stable number derived
# from the canonical URL, or by WordPress's own post ids (read from the page and its feeds).
ARTICLE_IDS = ("url", "wordpress")
# A pattern a site need not have (a generic site without category archives) matches nothing.
NEVER = "(?!)"


class SiteConfigError(ValueError):
    """The registry is malformed or names no such site; the message names the file, site and
    key at fault."""


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
    # Generic sites: "url" or "wordpress" (ARTICLE_IDS); NukeViet's ids are in its URLs.
    article_ids: str = ""

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


def user_registry(archive_db: str | Path) -> Path:
    """Where the user's registry of the archive ``archive_db`` is: a file beside it."""
    return Path(archive_db).parent / USER_REGISTRY_NAME


def _merge(defaults: dict, override: dict) -> dict:
    merged = dict(defaults)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# What each key of a merged site block must hold: the type, and for lists and tables the type
# of their values. Anything else is a mistake in a hand-edited file, reported by key.
_STRING_KEYS = ("name", "cms", "base_url", "timezone", "module", "module_path", "article_ids")
_LIST_KEYS = ("aliases", "start_paths", "feed_paths", "sitemap_paths")
_PATTERN_KEYS = ("article", "category", "category_page", "tag")


def _expect(slug: str, key: str, value: Any, kind: type, item: type | None = None) -> None:
    ok = isinstance(value, kind)
    if ok and item is not None:
        values = value.values() if isinstance(value, dict) else value
        ok = all(isinstance(v, item) for v in values)
    if not ok:
        wanted = kind.__name__ + (f" of {item.__name__}" if item else "")
        raise SiteConfigError(f"site {slug!r}: key {key!r} must be a {wanted}, got {value!r}")


# What each kind of site must say; the rest of a block is checked when present.
_REQUIRED = {
    "nukeviet": ("cms", "name", "base_url", "module", "selectors", "patterns", "labels"),
    "generic": ("cms", "name", "base_url", "article_ids", "selectors", "patterns"),
}
# Patterns a kind must have, and the named groups the crawl reads from each pattern.
_REQUIRED_PATTERNS = {"nukeviet": _PATTERN_KEYS, "generic": ("article",)}
_PATTERN_GROUPS = {"category": ("category",), "category_page": ("category", "page")}


def _check(slug: str, block: dict) -> None:
    required = _REQUIRED.get(block.get("cms", ""), _REQUIRED["nukeviet"])
    for key in (*required, "timezone", "start_paths", "feed_paths", "sitemap_paths"):
        if key not in block:
            raise SiteConfigError(f"site {slug!r}: missing key {key!r}")
    for key in _STRING_KEYS:
        if key in block:
            _expect(slug, key, block[key], str)
    for key in _LIST_KEYS:
        if key in block:
            _expect(slug, key, block[key], list, str)
    parts = urlsplit(block["base_url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SiteConfigError(
            f"site {slug!r}: key 'base_url' must be http(s)://host, got {block['base_url']!r}"
        )
    _expect(slug, "selectors", block["selectors"], dict, str)
    for name, selector in block["selectors"].items():
        try:
            parse(selector)
        except SelectorError as exc:
            raise SiteConfigError(
                f"site {slug!r}: key 'selectors.{name}' is not a CSS selector ({exc}): {selector!r}"
            ) from None
    _expect(slug, "labels", block.get("labels", {}), dict)
    for name, labels in block.get("labels", {}).items():
        _expect(slug, f"labels.{name}", labels, list, str)
    _expect(slug, "patterns", block["patterns"], dict)
    if block["cms"] == "generic" and block["article_ids"] not in ARTICLE_IDS:
        raise SiteConfigError(
            f"site {slug!r}: key 'article_ids' must be one of {', '.join(ARTICLE_IDS)},"
            f" got {block['article_ids']!r}"
        )


def _compile(slug: str, raw: dict, module_path: str, cms: str) -> Patterns:
    module = re.escape(module_path.rstrip("/"))
    compiled = {}
    for key in _PATTERN_KEYS:
        if key not in raw and key not in _REQUIRED_PATTERNS[cms]:
            raw = {**raw, key: NEVER}
        if not isinstance(raw.get(key), str):
            raise SiteConfigError(f"site {slug!r}: key 'patterns.{key}' must be a string")
        try:
            compiled[key] = re.compile(raw[key].replace("{module}", module))
        except re.error as exc:
            raise SiteConfigError(
                f"site {slug!r}: key 'patterns.{key}' is not a regular expression ({exc})"
            ) from None
        # The generic crawl pages listings by these groups (NukeViet's are checked by use).
        groups = _PATTERN_GROUPS.get(key, ()) if cms == "generic" else ()
        if raw[key] != NEVER and not set(groups) <= set(compiled[key].groupindex):
            raise SiteConfigError(
                f"site {slug!r}: key 'patterns.{key}' must have the named groups "
                + ", ".join(f"(?P<{g}>…)" for g in groups)
            )
    not_category = raw.get("not_category", [] if cms == "generic" else None)
    _expect(slug, "patterns.not_category", not_category, list, str)
    return Patterns(**compiled, not_category=frozenset(not_category or ()))


def build_site(slug: str, block: dict) -> Site:
    """Turn one merged registry block into a :class:`Site`, checking every key."""
    _check(slug, block)
    base = block["base_url"].rstrip("/")
    module_path = block.get("module_path", "")
    return Site(
        slug=slug,
        name=block["name"],
        cms=block["cms"],
        base_url=base,
        aliases=tuple(a.rstrip("/") for a in block.get("aliases", [])),
        timezone=block["timezone"],
        module=block.get("module", ""),
        module_path=module_path,
        start_paths=tuple(block["start_paths"]),
        feed_paths=tuple(block["feed_paths"]),
        sitemap_paths=tuple(block["sitemap_paths"]),
        patterns=_compile(slug, block["patterns"], module_path, block["cms"]),
        selectors=dict(block["selectors"]),
        labels={k: tuple(v) for k, v in block.get("labels", {}).items()},
        fetch_base=base,
        article_ids=block.get("article_ids", ""),
    )


def _kind(slug: str, block: Any) -> str:
    if not isinstance(block, dict):
        raise SiteConfigError(f"site {slug!r}: expected a table [sites.{slug}]")
    cms = block.get("cms")
    if cms not in CMS_KINDS:
        raise SiteConfigError(
            f"site {slug!r}: key 'cms' is {cms!r}; it must be one of {', '.join(CMS_KINDS)}"
        )
    return cms


def read_toml(path: Path) -> dict[str, Any]:
    """A registry file's tables; a file that is not there is an empty registry."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SiteConfigError(f"cannot read site registry {path}: {exc}") from exc


@dataclass(frozen=True)
class Registry:
    """The registered sites, and the one taken when none is named."""

    sites: dict[str, Site]
    default: str | None
    user_file: Path | None = None

    def default_slug(self) -> str:
        """The registry's ``default``, else its only site."""
        if self.default is not None:
            return self.default
        if len(self.sites) == 1:
            return next(iter(self.sites))
        raise SiteConfigError("no site named and the registry names no default: pick one")

    def get(self, slug: str | None = None, base_url: str | None = None) -> Site:
        """The site ``slug`` (default: :meth:`default_slug`), optionally fetched from the
        mirror at ``base_url``."""
        slug = slug or self.default_slug()
        if slug not in self.sites:
            known = ", ".join(sorted(self.sites)) or "none"
            raise SiteConfigError(f"unknown site {slug!r} (known: {known})")
        site = self.sites[slug]
        return site.mirrored_at(base_url) if base_url else site


def _file_state(path: Path | None) -> tuple[int, int] | None:
    try:
        stat = path.stat() if path else None
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


@cache
def _load(user_file: Path | None, state: tuple[int, int] | None) -> Registry:
    raw = read_toml(REGISTRY_PATH)
    if user_file is not None:
        raw = _merge(raw, read_toml(user_file))
    try:
        sites = {
            slug: build_site(slug, _merge(raw.get(_kind(slug, block), {}), block))
            for slug, block in raw.get("sites", {}).items()
        }
    except SiteConfigError as exc:
        # Only the user's file is edited by hand: the mistake is there.
        raise SiteConfigError(f"{exc} (in {user_file})" if user_file else str(exc)) from None
    default = raw.get("default")
    if default is not None and default not in sites:
        raise SiteConfigError(f"the registry's default site {default!r} is not registered")
    return Registry(sites, default, user_file)


def registry(user_file: Path | None = None) -> Registry:
    """The built-in registry with the user's file ``user_file`` (if any) layered over it; read
    again whenever that file changes."""
    return _load(user_file, _file_state(user_file))


def get_site(
    slug: str | None = None, base_url: str | None = None, user_file: Path | None = None
) -> Site:
    """The registered site ``slug`` (default: the registry's default site), optionally fetched
    from the mirror at ``base_url``."""
    return registry(user_file).get(slug, base_url)


def site_from_block(slug: str, block: dict[str, Any]) -> Site:
    """The site a registry block would make (layered over its kind's built-in defaults),
    checked as a file's would be; what ``sites add`` tries before writing it."""
    defaults = read_toml(REGISTRY_PATH).get(_kind(slug, block), {})
    return build_site(slug, _merge(defaults, block))


def builtin_slugs() -> frozenset[str]:
    """The sites of the built-in registry, which ``sites remove`` leaves alone."""
    return frozenset(read_toml(REGISTRY_PATH).get("sites", {}))
