"""The registry a crawl reads: the built-in one with the user's file named by its settings."""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings

from hdnd_crawler.sites.registry import Registry, registry, user_registry


def user_file(settings: BaseSettings) -> Path:
    """``SITES_FILE``, or the ``sites.toml`` beside ``ARCHIVE_DB``."""
    return Path(settings.get("SITES_FILE") or user_registry(settings.get("ARCHIVE_DB")))


def registry_for(settings: BaseSettings) -> Registry:
    return registry(user_file(settings))
