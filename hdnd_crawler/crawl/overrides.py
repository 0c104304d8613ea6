"""Settings given on the command line, checked before a crawl starts.

Scrapy takes any ``NAME=VALUE`` and reads the value only when something asks for it: a typo in
a name is silently ignored, and a value of the wrong type fails deep inside a started crawl.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from scrapy.settings import BaseSettings


class SettingError(ValueError):
    """A ``--set`` the crawl cannot use; the message names it and says what is wanted."""


def _wanted(default: Any) -> str | None:
    """What a value must parse as to replace ``default``; None: anything goes."""
    if isinstance(default, bool):
        return "true or false (or 1 or 0)"
    if isinstance(default, int | float):
        # Not "a whole number" for an int: Scrapy reads DOWNLOAD_TIMEOUT = 180 (and we read
        # RECHECK_DAYS = 14) as a float.
        return "a number"
    if isinstance(default, list | tuple):
        numbers = bool(default) and all(isinstance(v, int) for v in default)
        return "a comma-separated list of whole numbers" if numbers else None
    if isinstance(default, dict | BaseSettings):
        return 'a JSON object, e.g. {"name": 100}'
    return None


def _parses(value: str, default: Any) -> bool:
    # As Scrapy's getbool/getint/getfloat/getlist/getdict will read it.
    try:
        if isinstance(default, bool):
            BaseSettings({"v": value}).getbool("v")
        elif isinstance(default, int | float):
            float(value)
        elif isinstance(default, list | tuple):
            [int(item) for item in value.split(",") if item.strip()]
        elif isinstance(default, dict | BaseSettings):
            return isinstance(json.loads(value), dict)
    except ValueError:
        return False
    return True


def check_overrides(overrides: Mapping[str, str], defaults: BaseSettings) -> None:
    """Raise :class:`SettingError` for the first of ``overrides`` whose name looks like a typo
    of a setting of ``defaults`` (ours and Scrapy's), or whose value does not parse as the type
    of that setting's default. Names unlike any known one pass: extensions have their own."""
    known = set(defaults)
    for name, value in overrides.items():
        if name not in known:
            close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=0.8)
            if close:
                raise SettingError(
                    f"--set {name}={value}: no setting is named {name}; did you mean {close[0]}?"
                )
            continue
        default = defaults.get(name)
        wanted = _wanted(default)
        if wanted and not _parses(value, default):
            shown = (
                json.dumps(default.copy_to_dict()) if isinstance(default, BaseSettings) else default
            )
            raise SettingError(f"--set {name}={value}: {name} must be {wanted} (default: {shown})")
