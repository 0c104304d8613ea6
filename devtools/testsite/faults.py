"""Deterministic faults for the local site, plugged in as ``SiteState.intercept``.

Each :class:`Fault` names the request paths it hits and how many times per path (the first
request only, by default, so a retry gets the real page). ``every_nth`` answers 503 to every
n-th request whatever its path: 5 is the "20% of requests fail" of a struggling server.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import count
from typing import Literal
from urllib.parse import urlsplit

from devtools.testsite.server import ARTICLE_PATH, Reply, SiteState, answer

# Fewer than the crawler's retries, so the "20 % unavailable" server is always got through.
MAX_REFUSALS_PER_PATH = 2
FaultKind = Literal["unavailable", "reset", "slow", "cut", "short", "loop", "layout", "replace"]
# A new theme under the crawler: the article body container and the listing column renamed.
LAYOUT_CHANGES = (
    (b'id="news-bodyhtml" class="bodytext', b'id="news-content" class="noi-dung'),
    (b'<div class="news_column">', b'<div class="cot-tin">'),
)


def paths(*chosen: str) -> Callable[[str], bool]:
    wanted = set(chosen)
    return lambda path: path in wanted


def articles(path: str) -> bool:
    return ARTICLE_PATH.match(path) is not None


@dataclass
class Fault:
    kind: FaultKind
    where: Callable[[str], bool]
    times: int | None = 1  # requests of each matching path it spoils; None: every one
    after: int = 0  # leave this many matching requests alone first (a change "halfway")
    body: bytes = b""  # what "replace" serves instead of the page


@dataclass
class FaultySite:
    """The intercept: the first fault that applies to a request answers it."""

    state: SiteState
    faults: Iterable[Fault] = ()
    every_nth: int = 0  # a 503 for every n-th request (0: none)
    slow_seconds: float = 3.0
    served: Counter = field(default_factory=Counter)  # (kind) → replies spoiled
    owed: int = 0  # 503s due but not yet served
    _refused: Counter = field(default_factory=Counter)
    _hits: Counter = field(default_factory=Counter)
    _matched: Counter = field(default_factory=Counter)
    _requests: count = field(default_factory=lambda: count(1))

    def __post_init__(self) -> None:
        self.faults = list(self.faults)

    def __call__(self, raw_path: str) -> Reply | None:
        path = urlsplit(raw_path).path
        if self.every_nth and next(self._requests) % self.every_nth == 0:
            self.owed += 1
        # A struggling server fails some requests, not one page forever: a path already
        # refused twice passes, and the next request takes its 503 instead.
        if self.owed and self._refused[path] < MAX_REFUSALS_PER_PATH:
            self.owed -= 1
            self._refused[path] += 1
            self.served["unavailable"] += 1
            return Reply(503, b"Service Unavailable", {"Retry-After": "0"})
        self._hits[path] += 1  # the path-specific faults count only what the 503s let through
        for index, fault in enumerate(self.faults):
            if not fault.where(path):
                continue
            self._matched[index] += 1
            if self._matched[index] <= fault.after:
                continue
            if fault.times is not None and self._hits[path] > fault.times:
                continue
            self.served[fault.kind] += 1
            return self._spoil(fault, raw_path)
        return None

    def _spoil(self, fault: Fault, raw_path: str) -> Reply:
        if fault.kind == "unavailable":
            return Reply(503, b"Service Unavailable")
        if fault.kind == "reset":
            return Reply(200, reset=True)
        if fault.kind == "loop":
            return Reply(301, b"", {"Location": raw_path})
        if fault.kind == "replace":
            return Reply(200, fault.body, {"Content-Type": "text/html; charset=UTF-8"})
        page = answer(self.state, raw_path)
        if fault.kind == "slow":
            page.delay = self.slow_seconds
        elif fault.kind == "cut":
            page.body = page.body[: len(page.body) // 2]
        elif fault.kind == "short":
            page.declared_length = len(page.body)
            page.body = page.body[: len(page.body) // 2]
        elif fault.kind == "layout":
            for before, after in LAYOUT_CHANGES:
                page.body = page.body.replace(before, after)
        return page
