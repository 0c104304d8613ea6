"""The quality gate: every fixture article's body against the text its editor wrote."""

import pytest

from devtools.evaluation import evaluate
from hdnd_crawler.sites.registry import get_site
from tests.conftest import FIXTURES

MIN_F1 = 0.99
SCORES = evaluate(FIXTURES / "hdnd", get_site("hdnd"))


def test_the_fixture_site_has_enough_articles_to_judge():
    assert len(SCORES) >= 25


@pytest.mark.parametrize("score", SCORES, ids=lambda s: str(s.article_id))
def test_body_matches_the_editors_text(score):
    assert score.f1 >= MIN_F1
    assert score.leaks == []
