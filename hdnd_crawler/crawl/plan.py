"""What a crawl fetches: pure decisions from the archive's sightings, a page's links and a clock.

A full run fetches every article it meets (edits show up as changed content hashes) and then
re-checks the archived ones no listing showed; an incremental run fetches only what it has
never archived, pages a category only while it keeps finding such articles, and re-checks
recently published articles for edits once they have not been seen for a while.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from hdnd_crawler.extract import urls
from hdnd_crawler.extract.listing import Listing
from hdnd_crawler.records import Known, Sighting, Sightings
from hdnd_crawler.sites.registry import Site

Mode = Literal["full", "incremental"]
MODES: tuple[Mode, ...] = ("full", "incremental")


def _time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _current(seen: Sighting | None) -> bool:
    return seen is not None and not seen.gone_at


@dataclass
class CrawlPlan:
    mode: Mode
    known: Known = field(default_factory=Sightings)
    now: datetime | None = None
    # A resumed full run: articles archived since this time count as done.
    resume_from: str | None = None
    recheck_days: float = 14
    recheck_after_hours: float = 20

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        self._resume = _time(self.resume_from)

    def is_archived(self, article_id: int | None) -> bool:
        """Stored and not marked withdrawn."""
        return article_id is not None and _current(self.known.get(article_id))

    def wants(self, article_id: int | None) -> bool:
        """Whether an article a page links to is to be fetched."""
        if article_id is None:
            return False
        seen = self.known.get(article_id)  # one lookup: an incremental run reads it from disk
        if seen is None or seen.gone_at:
            return True
        if self.mode == "incremental":
            return False
        seen_at = _time(seen.last_seen_at)
        return not (self._resume and seen_at and seen_at >= self._resume)

    def pages_to_follow(self, listing: Listing, url: str, site: Site) -> list[str]:
        """Other listing pages to walk: all in a full run; in an incremental one the next page,
        and only while this one ends with an article not archived yet. Listings are newest
        first, so once the oldest item of a page is archived, so is everything after it."""
        if self.mode == "full":
            return list(listing.pages)
        here = urls.category_page(url, site)
        if (
            here is None
            or not listing.articles
            or self.is_archived(urls.article_id(listing.articles[-1], site))
        ):
            return []
        following = (here[0], here[1] + 1)
        return [page for page in listing.pages if urls.category_page(page, site) == following]

    def due_for_recheck(self) -> list[Sighting]:
        """Incremental runs: recent articles not seen for a while, to catch their edits."""
        if self.mode != "incremental" or self.now is None:
            return []
        published_after = self.now - timedelta(days=self.recheck_days)
        seen_before = self.now - timedelta(hours=self.recheck_after_hours)
        due = []
        for seen in self.known.published_since(published_after):
            if seen.gone_at:
                continue
            published = _time(seen.published_at)
            if published is None or published < published_after:
                continue
            last_seen = _time(seen.last_seen_at)
            if last_seen is None or last_seen < seen_before:
                due.append(seen)
        return sorted(due, key=lambda s: s.article_id)

    def unmet(self, met: set[int]) -> list[Sighting]:
        """Full runs: archived articles no listing, feed or sitemap showed (withdrawn ones too)."""
        if self.mode != "full":
            return []
        pending = (seen for seen in self.known.all() if seen.article_id not in met)
        return sorted(pending, key=lambda s: s.article_id)

    def had_articles(self, alias: str, site: Site) -> bool:
        """Whether the archive holds current articles whose own URL is in category ``alias``."""
        for seen in self.known.all():
            match = site.patterns.article.match(urls.site_path(seen.url, site) or "")
            if match and match["category"] == alias and not seen.gone_at:
                return True
        return False


def redirects_to_itself(location: str, article_id: int, site: Site) -> bool:
    """NukeViet moves a wrong alias to the canonical URL of the same article: not a withdrawal."""
    return urls.article_id(location, site) == article_id
