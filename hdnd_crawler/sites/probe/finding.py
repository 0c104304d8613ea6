"""What a probe of one site found: the registry entry to write, and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Finding:
    """One site probed.

    ``entry`` is the registry block without its slug (``cms``, ``name``, ``base_url`` and only
    what differs from the defaults block of that kind); ``found`` the lines printed to the user,
    one fact each; ``confidence`` from 0 (a guess) to 1 (every check passed); ``warnings`` what
    a person should look at before trusting the entry; ``notes`` a comment for keys of the
    entry (``"version"``, ``"selectors.title"``): how the probe learned it, written beside it.
    """

    cms: str
    entry: dict[str, Any]
    found: list[str] = field(default_factory=list)
    confidence: float = 0.0
    warnings: list[str] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
