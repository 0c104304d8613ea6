"""One crawl run, as a scheduler starts it: lock, ``crawl_runs`` row, Scrapy, verdict.

The archive's own ``crawl_runs`` table is the run journal: a row is written as the run starts
("running") and completed at its end. A row still "running" when the next run takes the lock
belongs to a process that died; a full run that did not finish is resumed by the next full
run, which skips the articles archived since it started.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.log import configure_logging
from scrapy.utils.project import get_project_settings

from hdnd_crawler.archive.store import UNFINISHED_RUN, Archive, utc_now
from hdnd_crawler.crawl.health import EXIT_FAILED, Verdict, judge
from hdnd_crawler.crawl.plan import Mode
from hdnd_crawler.crawl.registry import registry_for
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.runs.lock import exclusive, lock_path
from hdnd_crawler.sites.registry import Site

logger = logging.getLogger(__name__)


@dataclass
class RunResult:
    run_id: int
    mode: Mode
    verdict: Verdict
    summary: str
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code


def project_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """The project's settings, wherever the command runs from (cron starts in $HOME)."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "hdnd_crawler.crawl.settings")
    settings = get_project_settings()
    settings.setdict(dict(overrides or {}), priority="cmdline")
    return settings


def _resume_point(archive: Archive, site: str) -> str | None:
    """Where an unfinished full run left off: the start of the first attempt it continues."""
    last = archive.last_run(site, "full")
    if last is None or last["status"] not in UNFINISHED_RUN:
        return None
    return last["resume_from"] or last["started_at"]


def summarize(site: str, mode: str, run_id: int, verdict: Verdict, stats: Mapping, secs: float):
    kinds = ", ".join(f"{k} {v}" for k, v in verdict.errors_by_kind.items())
    line = (
        f"{site} {mode} crawl #{run_id}: {verdict.status} (exit {verdict.exit_code}) in "
        f"{secs:.1f}s; {stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('hdnd/articles/new', 0)} new, "
        f"{stats.get('hdnd/articles/updated', 0)} updated, "
        f"{stats.get('hdnd/articles/unchanged', 0)} unchanged, "
        f"{stats.get('hdnd/articles/gone', 0)} withdrawn, "
        f"{stats.get('retry/count', 0)} retries, "
        f"{verdict.errors} errors" + (f" ({kinds})" if kinds else "")
    )
    return line + "".join(f"; {problem}" for problem in verdict.problems)


def run(
    site: str | None = None,
    mode: Mode = "incremental",
    *,
    base_url: str | None = None,
    settings: Settings | None = None,
    progress: bool = False,
) -> RunResult:
    """Crawl ``site`` (default: the registry's default site) once into the archive named by
    ``ARCHIVE_DB``.

    Raises :class:`~hdnd_crawler.runs.lock.LockHeld` when another run holds the archive, and
    :class:`~hdnd_crawler.sites.registry.SiteConfigError` for an unknown site or a bad ``base_url``.
    """
    settings = settings or project_settings()
    chosen = registry_for(settings).get(site, base_url)
    site = chosen.slug
    db_path = Path(settings.get("ARCHIVE_DB"))
    with exclusive(lock_path(db_path)):
        configure_logging(settings)
        archive = Archive(db_path)
        try:
            stale = archive.close_stale_runs(site)
            if stale:
                logger.warning("%d earlier run(s) of %s died without finishing", stale, site)
            archived = archive.count_articles(site)
            if mode == "incremental" and not archived:
                logger.info("The archive holds nothing of %s yet: crawling it in full", site)
                mode = "full"
            resume_from = _resume_point(archive, site) if mode == "full" else None
            run_id = archive.start_run(site, mode, utc_now(), resume_from)
        finally:
            archive.close()
        started = _Run(chosen, mode, run_id, archived, base_url, resume_from)
        return _crawl(started, settings, progress)


@dataclass
class _Run:
    site: Site
    mode: Mode
    run_id: int
    archived: int  # articles of the site in the archive when the run started
    base_url: str | None
    resume_from: str | None


def _crawl(run: _Run, settings: Settings, progress: bool) -> RunResult:
    if progress:
        settings.set(
            "EXTENSIONS",
            {**settings.getdict("EXTENSIONS"), "hdnd_crawler.crawl.progress.ProgressLine": 0},
        )
    started = time.monotonic()
    stats: dict[str, Any] = {}
    try:
        process = CrawlerProcess(settings, install_root_handler=False)
        crawler = process.create_crawler(spider_class(run.site))
        process.crawl(
            crawler,
            site=run.site,
            base_url=run.base_url,
            mode=run.mode,
            resume_from=run.resume_from,
        )
        process.start()
        stats = dict(crawler.stats.get_stats())
        verdict = judge(
            stats,
            archived_before=run.archived,
            min_body_share=settings.getfloat("HEALTH_MIN_BODY_SHARE"),
        )
    except Exception as exc:  # the run must still be recorded, whatever broke
        logger.exception("The crawl crashed")
        verdict = Verdict("failed", EXIT_FAILED, {}, [f"crashed: {exc!r}"])
    summary = summarize(
        run.site.slug, run.mode, run.run_id, verdict, stats, time.monotonic() - started
    )
    archive = Archive(settings.get("ARCHIVE_DB"))
    try:
        archive.finish_run(
            run.run_id,
            {
                "status": verdict.status,
                "exit_code": verdict.exit_code,
                "requests": stats.get("downloader/request_count", 0),
                "new_articles": stats.get("hdnd/articles/new", 0),
                "updated_articles": stats.get("hdnd/articles/updated", 0),
                "unchanged_articles": stats.get("hdnd/articles/unchanged", 0),
                "errors": verdict.errors,
                "errors_by_kind": verdict.errors_by_kind,
                "summary": summary,
            },
        )
    finally:
        archive.close()
    log = logger.info if verdict.exit_code == 0 else logger.warning
    log(summary)
    sys.stderr.flush()
    return RunResult(run.run_id, run.mode, verdict, summary, stats)
