"""An incremental run reads sightings from the archive as asked; they match the full read."""

from datetime import datetime, timedelta

from hdnd_crawler.crawl.plan import CrawlPlan
from tests.test_archive import make_article

NOW = datetime.fromisoformat("2024-07-16T00:00:00+07:00")
SEEN = "2024-07-14T00:00:00+00:00"


def _fill(archive):
    # Two articles share a publication second (their rowids collide), one has no date, one is
    # old, one is withdrawn, and one belongs to another site.
    published = {
        1: "2024-07-15T08:00:00+07:00",
        1025: "2024-07-15T08:00:00+07:00",
        3: "2024-06-25T08:00:00+07:00",
        4: "2023-01-05T08:00:00+07:00",
        5: None,
        6: "2024-07-14T09:30:00+07:00",
    }
    for article_id, when in published.items():
        article = make_article(
            article_id=article_id,
            url=f"http://hdnd.caobang.gov.vn/ky-hop/bai-{article_id}.html",
            published_at=when,
            body_text=f"Bài {article_id}.",
        )
        archive.upsert_article(article, seen_at=SEEN)
    archive.upsert_article(make_article(site="other", article_id=9), seen_at=SEEN)
    archive.mark_gone("hdnd", 6, 404)


def test_on_demand_sightings_are_those_read_at_once(fresh_db):
    _fill(fresh_db)
    whole, on_demand = fresh_db.sightings("hdnd"), fresh_db.sightings_on_demand("hdnd")
    assert len(on_demand) == len(whole) == 6
    assert sorted(on_demand.all()) == sorted(whole.all())
    for article_id in (1, 1025, 5, 6, 9, 404):
        assert on_demand.get(article_id) == whole.get(article_id)
    assert on_demand.get(9) is None  # another site's
    assert on_demand.get(1025).url.endswith("/bai-1025.html")


def test_recent_articles_come_from_the_last_rows_and_none_is_missed(fresh_db):
    _fill(fresh_db)
    since = NOW - timedelta(days=14)
    recent = {s.article_id for s in fresh_db.sightings_on_demand("hdnd").published_since(since)}
    assert {1, 1025, 6} <= recent
    assert not recent & {3, 4, 5}
    # Exactly at the boundary second counts as recent.
    at_three = datetime.fromisoformat("2024-06-25T08:00:00+07:00")
    assert 3 in {
        s.article_id for s in fresh_db.sightings_on_demand("hdnd").published_since(at_three)
    }


def test_a_plan_decides_alike_from_either_read(fresh_db, site):
    _fill(fresh_db)
    plans = [
        CrawlPlan("incremental", known, now=NOW, recheck_after_hours=20)
        for known in (fresh_db.sightings("hdnd"), fresh_db.sightings_on_demand("hdnd"))
    ]
    for plan in plans:
        assert [s.article_id for s in plan.due_for_recheck()] == [1, 1025]
        assert [plan.wants(i) for i in (1, 4, 6, 77)] == [False, False, True, True]
        assert plan.had_articles("ky-hop", site) and not plan.had_articles("tin-tuc", site)


def test_an_article_stored_during_the_run_is_known_to_the_plan(fresh_db):
    plan = CrawlPlan("incremental", fresh_db.sightings_on_demand("hdnd"), now=NOW)
    assert not plan.is_archived(7)
    fresh_db.upsert_article(make_article(), seen_at=SEEN)
    assert plan.is_archived(7)
