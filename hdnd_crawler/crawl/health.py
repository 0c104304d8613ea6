"""How a crawl went, from its stats: status, exit code, errors by kind and what looks wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_LAYOUT = 4
EXIT_LOCKED = 5
EXIT_MEANINGS = {
    EXIT_OK: "ok: the crawl finished and everything it tried is archived",
    EXIT_FAILED: "failed: crashed, was interrupted, or could not reach the site at all",
    EXIT_USAGE: "usage: bad options or an unknown site",
    EXIT_PARTIAL: "partial: some pages failed for good after retries (see errors_by_kind)",
    EXIT_LAYOUT: "layout change suspected: article bodies or category listings went missing",
    EXIT_LOCKED: "locked: another crawl of this archive is running; nothing done",
}
# Which exit status wins when several sites are crawled at once: the one that most needs a
# person (a run that failed, then a layout change, then pages lost, then a site left alone
# because another crawl of it was running).
SERIOUSNESS = (EXIT_FAILED, EXIT_LAYOUT, EXIT_PARTIAL, EXIT_LOCKED, EXIT_OK)


def most_serious(codes: list[int]) -> int:
    """The exit status of several runs: the most serious of theirs (ok when there are none)."""
    return min(codes, key=SERIOUSNESS.index, default=EXIT_OK)


# Reported, but the site's own business rather than a failure of the crawl.
NOT_FAILURES = frozenset({"http_404", "http_410", "robots", "invalid_article"})


@dataclass
class Verdict:
    status: str
    exit_code: int
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(self.errors_by_kind.values())


def errors_by_kind(stats: Mapping[str, Any]) -> dict[str, int]:
    """Final failures by kind, articles dropped as invalid, and exceptions in callbacks."""
    kinds: dict[str, int] = {}
    for key, value in stats.items():
        if key.startswith("hdnd/errors/"):
            kinds[key.removeprefix("hdnd/errors/")] = int(value)
        elif key.startswith("spider_exceptions/") and key != "spider_exceptions/count":
            kinds["spider_exception"] = kinds.get("spider_exception", 0) + int(value)
    if stats.get("hdnd/dropped/invalid"):
        kinds["invalid_article"] = int(stats["hdnd/dropped/invalid"])
    return dict(sorted(kinds.items()))


def layout_problems(
    stats: Mapping[str, Any], archived_before: int, min_body_share: float
) -> list[str]:
    """Signs that the site's markup no longer matches the selectors in sites.toml."""
    problems = []
    pages = int(stats.get("hdnd/health/article_pages", 0))
    without = int(stats.get("hdnd/health/no_body_container", 0))
    if pages and (pages - without) / pages < min_body_share:
        problems.append(
            f"the article body container was found on only {pages - without} of {pages}"
            " article pages"
        )
    empty = int(stats.get("hdnd/health/empty_categories", 0))
    if empty:
        problems.append(f"{empty} categories with archived articles listed none")
    if archived_before and not stats.get("hdnd/health/listing_pages"):
        problems.append("no category listing was found from the start pages")
    return problems


def judge(
    stats: Mapping[str, Any],
    *,
    archived_before: int,
    min_body_share: float = 0.9,
) -> Verdict:
    """The run's status and exit code; a suspected layout change outranks failed pages."""
    kinds = errors_by_kind(stats)
    reason = stats.get("finish_reason")
    if reason != "finished":
        status = "interrupted" if reason == "shutdown" else "failed"
        return Verdict(status, EXIT_FAILED, kinds, [f"the crawl ended early ({reason})"])
    failures = {k: v for k, v in kinds.items() if k not in NOT_FAILURES}
    if (
        failures
        and not stats.get("hdnd/health/listing_pages")
        and not stats.get("hdnd/health/article_pages")
    ):
        return Verdict("failed", EXIT_FAILED, kinds, ["the site could not be crawled"])
    problems = layout_problems(stats, archived_before, min_body_share)
    if problems:
        return Verdict("layout_changed", EXIT_LAYOUT, kinds, problems)
    if failures:
        failed = sum(failures.values())
        return Verdict("partial", EXIT_PARTIAL, kinds, [f"{failed} requests failed for good"])
    return Verdict("ok", EXIT_OK, kinds)
