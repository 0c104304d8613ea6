"""Crawl runs, as a scheduler starts them: lock, ``crawl_runs`` row, Scrapy, verdict, per site.

The archive's own ``crawl_runs`` table is the run journal: a row is written as a site's run
starts ("running") and completed at its end. A row still "running" when the next run of that
site takes its lock belongs to a process that died; a full run that did not finish is resumed
by the next full run, which skips the articles archived since it started.

Several sites are crawled at once in one process, each by its own crawler with its own
politeness, so that crawling four sites takes about as long as the slowest of them. One
site's failure is its own: the others finish, and each gets its row and its verdict.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.log import configure_logging
from scrapy.utils.project import get_project_settings

from hdnd_crawler.archive.store import UNFINISHED_RUN, Archive, utc_now
from hdnd_crawler.crawl.health import EXIT_FAILED, EXIT_LOCKED, Verdict, judge, most_serious
from hdnd_crawler.crawl.overrides import check_overrides
from hdnd_crawler.crawl.plan import Mode
from hdnd_crawler.crawl.registry import registry_for
from hdnd_crawler.crawl.spiders.registered import spider_class
from hdnd_crawler.runs.journal import journal_kept
from hdnd_crawler.runs.lock import LockHeld, exclusive, lock_path
from hdnd_crawler.sites.registry import Site

logger = logging.getLogger(__name__)


@dataclass
class RunResult:
    site: str
    run_id: int | None  # None: the site's lock was held and nothing was done
    mode: Mode
    verdict: Verdict
    summary: str
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code


def project_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """The project's settings, wherever the command runs from (cron starts in $HOME), with
    ``overrides``; :class:`~hdnd_crawler.crawl.overrides.SettingError` for one that looks like
    a typo of a setting's name or whose value is not of the setting's type."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "hdnd_crawler.crawl.settings")
    settings = get_project_settings()
    check_overrides(overrides or {}, settings)
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

    Raises :class:`~hdnd_crawler.runs.lock.LockHeld` when another run holds the site, and
    :class:`~hdnd_crawler.sites.registry.SiteConfigError` for an unknown site or a bad ``base_url``.
    """
    settings = settings or project_settings()
    chosen = registry_for(settings).get(site, base_url)
    with exclusive(lock_path(settings.get("ARCHIVE_DB"), chosen.slug)):
        configure_logging(settings)
        # On a terminal, the progress line says it all.
        with nullcontext() if progress else journal_kept():
            started = start_run(chosen, mode, Path(settings.get("ARCHIVE_DB")))
            return _crawl([started], settings, progress)[0]


def run_sites(
    sites: Sequence[str],
    mode: Mode = "incremental",
    *,
    settings: Settings | None = None,
) -> list[RunResult]:
    """Crawl several registered sites at once into the archive named by ``ARCHIVE_DB``.

    A site whose lock another run holds is skipped, its result saying so (exit status 5);
    the others are crawled. Raises :class:`~hdnd_crawler.sites.registry.SiteConfigError` for
    an unknown site, before anything is crawled.
    """
    settings = settings or project_settings()
    chosen = [registry_for(settings).get(slug) for slug in dict.fromkeys(sites)]
    db_path = Path(settings.get("ARCHIVE_DB"))
    configure_logging(settings)
    results: dict[str, RunResult] = {}
    with ExitStack() as locks, journal_kept():
        started = []
        for site in chosen:
            try:
                locks.enter_context(exclusive(lock_path(db_path, site.slug)))
            except LockHeld as exc:
                logger.warning("%s: %s; not crawled", site.slug, exc)
                verdict = Verdict("locked", EXIT_LOCKED, {}, [str(exc)])
                results[site.slug] = RunResult(
                    site.slug, None, mode, verdict, f"{site.slug}: {exc}"
                )
                continue
            started.append(start_run(site, mode, db_path))
        for result in _crawl(started, settings, progress=False):
            results[result.site] = result
    return [results[site.slug] for site in chosen]


def exit_code(results: Sequence[RunResult]) -> int:
    """The exit status of a run of several sites: the most serious of theirs."""
    return most_serious([result.exit_code for result in results])


@dataclass
class StartedRun:
    site: Site
    mode: Mode
    run_id: int
    archived: int  # articles of the site in the archive when the run started
    resume_from: str | None


def start_run(site: Site, mode: Mode, db_path: Path) -> StartedRun:
    """Record the start of a run of ``site``, the caller holding its lock."""
    archive = Archive(db_path)
    try:
        stale = archive.close_stale_runs(site.slug)
        if stale:
            logger.warning("%d earlier run(s) of %s died without finishing", stale, site.slug)
        archived = archive.count_articles(site.slug)
        if mode == "incremental" and not archived:
            logger.info("The archive holds nothing of %s yet: crawling it in full", site.slug)
            mode = "full"
        resume_from = _resume_point(archive, site.slug) if mode == "full" else None
        run_id = archive.start_run(site.slug, mode, utc_now(), resume_from)
    finally:
        archive.close()
    resumed = f", resuming the run started {resume_from}" if resume_from else ""
    logger.info(
        "%s %s crawl #%d starts: %s, %d articles archived%s",
        site.slug,
        mode,
        run_id,
        site.base_url,
        archived,
        resumed,
    )
    return StartedRun(site, mode, run_id, archived, resume_from)


def _crawlers(process: CrawlerProcess, runs: Sequence[StartedRun]) -> list[Crawler]:
    crawlers = []
    for run in runs:
        crawler = process.create_crawler(spider_class(run.site))
        if len(runs) > 1:
            # Each crawler would merge the search index as it closes: merged once, at the end.
            crawler.settings.set("SEARCH_INDEX_MERGE", False, priority="cmdline")
        process.crawl(crawler, site=run.site, mode=run.mode, resume_from=run.resume_from)
        crawlers.append(crawler)
    return crawlers


def _crawl(runs: Sequence[StartedRun], settings: Settings, progress: bool) -> list[RunResult]:
    if not runs:
        return []
    if progress:
        settings.set(
            "EXTENSIONS",
            {**settings.getdict("EXTENSIONS"), "hdnd_crawler.crawl.progress.ProgressLine": 0},
        )
    started = time.monotonic()
    stats: list[dict[str, Any]] = [{} for _ in runs]
    crashed: Exception | None = None
    # The root handler is in place (configure_logging above): installing it again would
    # reopen a LOG_FILE, emptying it unless LOG_FILE_APPEND.
    process_settings = settings.copy()
    process_settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    try:
        process = CrawlerProcess(process_settings)
        crawlers = _crawlers(process, runs)
        process.start()
        stats = [dict(crawler.stats.get_stats()) for crawler in crawlers]
    except Exception as exc:  # every run must still be recorded, whatever broke
        logger.exception("The crawl crashed")
        crashed = exc
    elapsed = time.monotonic() - started
    results = [finish_run(run, stats[n], settings, crashed, elapsed) for n, run in enumerate(runs)]
    if len(runs) > 1 and settings.getbool("SEARCH_INDEX_MERGE", True):
        _merge_search_index(settings, results)
    sys.stderr.flush()
    return results


def finish_run(
    run: StartedRun,
    stats: dict[str, Any],
    settings: Settings,
    crashed: Exception | None,
    secs: float,
) -> RunResult:
    if crashed is None:
        verdict = judge(
            stats,
            archived_before=run.archived,
            min_body_share=settings.getfloat("HEALTH_MIN_BODY_SHARE"),
        )
    else:
        verdict = Verdict("failed", EXIT_FAILED, {}, [f"crashed: {crashed!r}"])
    summary = summarize(run.site.slug, run.mode, run.run_id, verdict, stats, secs)
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
    return RunResult(run.site.slug, run.run_id, run.mode, verdict, summary, stats)


def _merge_search_index(settings: Settings, results: Sequence[RunResult]) -> None:
    """Once for every site crawled together, when any of them wrote to the index."""
    written = (
        "hdnd/articles/new",
        "hdnd/articles/updated",
        "hdnd/attachments/new",
        "hdnd/attachments/updated",
    )
    if not any(result.stats.get(key) for result in results for key in written):
        return
    archive = Archive(settings.get("ARCHIVE_DB"))
    try:
        archive.merge_search_index()
    finally:
        archive.close()
