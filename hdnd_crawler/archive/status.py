"""How each site's crawls have gone, from the archive's ``crawl_runs`` table: for monitoring.

A site needs attention when its last finished run was not ``ok``, or (given a limit) when its
last ``ok`` run finished longer ago than that. A run still marked ``running`` is either under
way or died; the next crawl of the site marks a dead one ``killed``, and the age limit catches
a site whose crawls have stopped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hdnd_crawler.archive.store import Archive

RUNS_SHOWN = 5


@dataclass(frozen=True)
class SiteStatus:
    slug: str
    name: str | None  # from the sites table; None for a site never recorded there
    runs: list[dict[str, Any]]  # the last few, newest first
    last_good: dict[str, Any] | None  # the last run whose status is ok
    problem: str | None  # why monitoring should alert; None when all is well
    note: str  # the state in a few words, for a site with no problem

    @property
    def line(self) -> str:
        """One line for a monitoring system: the site, and what is wrong or that all is well."""
        return (
            f"FAIL {self.slug}: {self.problem}" if self.problem else f"OK {self.slug}: {self.note}"
        )


def when(run: dict[str, Any]) -> datetime | None:
    """When ``run`` finished (or, killed or still running, started), as an aware datetime."""
    stamp = run.get("finished_at") or run.get("started_at")
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shown(stamp: str | None) -> str:
    """A stored time (UTC, ISO 8601) to the minute."""
    return f"{stamp[:16].replace('T', ' ')} UTC" if stamp else "?"


def age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def _judge(
    runs: list[dict[str, Any]],
    last_good: dict[str, Any] | None,
    max_age: timedelta | None,
    now: datetime,
) -> tuple[str | None, str]:
    """(problem, note) of a site with these runs (newest first)."""
    finished = next((run for run in runs if run["status"] != "running"), None)
    running = runs[0] if runs and runs[0]["status"] == "running" else None
    note = (
        f"run #{running['run_id']} running since {shown(running['started_at'])}; "
        if running
        else ""
    )
    good = ""
    if last_good is not None:
        good_at = when(last_good)
        good = f"last good run #{last_good['run_id']}" + (
            f" finished {age(now - good_at)} ago" if good_at else ""
        )
    if finished is not None and finished["status"] != "ok":
        failed = (
            f"last run #{finished['run_id']} {finished['status']}"
            f" (exit {finished['exit_code']})"
            f" at {shown(finished['finished_at'] or finished['started_at'])}"
        )
        return f"{note}{failed}" + (f"; {good}" if good else "; no good run yet"), ""
    if max_age is not None:
        if last_good is None:
            return f"{note}no good run yet (limit {age(max_age)})", ""
        good_at = when(last_good)
        if good_at is None or now - good_at >= max_age:
            return f"{note}{good} (limit {age(max_age)})", ""
    return None, f"{note}{good}" if good else f"{note}no run yet"


def site_statuses(
    archive: Archive,
    sites: Sequence[str] | None = None,
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> list[SiteStatus]:
    """The status of ``sites`` (default: every site crawled into the archive or recorded in its
    sites table), in slug order."""
    now = now or datetime.now(UTC)
    names = {slug: row["name"] for slug, row in archive.sites().items()}
    conn = archive.db.conn
    if sites is None:
        crawled = {slug for (slug,) in conn.execute("select distinct site from crawl_runs")}
        sites = sorted(crawled | set(names))
    statuses = []
    for slug in sites:
        runs = list(
            archive.db.query(
                "select * from crawl_runs where site = ? order by run_id desc limit ?",
                [slug, RUNS_SHOWN],
            )
        )
        good = archive.db.query(
            "select * from crawl_runs where site = ? and status = 'ok' order by run_id desc"
            " limit 1",
            [slug],
        )
        last_good = next(iter(good), None)
        problem, note = _judge(runs, last_good, max_age, now)
        statuses.append(SiteStatus(slug, names.get(slug), runs, last_good, problem, note))
    return statuses
