"""Extraction quality as data: expected body text beside each saved page, scored by token F1.

Two kinds of fixture site: ``tests/fixtures/hdnd`` (pages saved as files under ``site/``, the
built-in registry's site) and the captured real sites (``capture/`` as recorded by
``tests/fixtures/capture.py``, their user registry entry in ``registry.toml``).

``python -m devtools.evaluation`` prints the scores of every fixture site, and of bare
``trafilatura.extract`` on the whole page as the baseline; ``python -m devtools.evaluation
tests/fixtures/nukeviet-egov`` one site's per article. The test suite gates on the same scores.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from devtools.testsite.replay import Capture
from hdnd_crawler.extract.nukeviet.article import parse_article
from hdnd_crawler.sites.registry import Site, get_site, read_toml

_TOKEN = re.compile(r"\w+", re.UNICODE)

# Text that belongs to the page around the article, never to its body.
BOILERPLATE = (
    "Bạn đã không sử dụng Site",
    "Bấm vào đây để duy trì trạng thái đăng nhập",
    "Thời gian chờ",
    "Tác giả:",
    "Tác giả bài viết",
    "Nguồn tin:",
    "Những tin mới hơn",
    "Những tin cũ hơn",
    "Đã xem",
    "Tags:",
    "File đính kèm",
    "Ý kiến bạn đọc",
    "Gửi bài viết qua email",
    "In bài viết",
    "Lưu bài viết",
    "http://hdnd.caobang.gov.vn",
    "Đoàn ĐBQH và HĐND tỉnh Cao Bằng",
    "Trình duyệt của bạn đã tắt JavaScript",
    # Around the article on the captured real sites (rating form, comments, side blocks, footer).
    "Tổng số điểm của bài viết",
    "Click để đánh giá bài viết",
    "Bạn cần đăng nhập",
    "Thống kê truy cập",
    "Powered by",
)


def tokens(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in _TOKEN.findall(text))


def token_f1(got: str, expected: str) -> float:
    """Harmonic mean of token precision and recall (multisets of words, case-folded)."""
    got_tokens, expected_tokens = tokens(got), tokens(expected)
    if not got_tokens and not expected_tokens:
        return 1.0
    overlap = sum((got_tokens & expected_tokens).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_tokens.values())
    recall = overlap / sum(expected_tokens.values())
    return 2 * precision * recall / (precision + recall)


def leaked_boilerplate(text: str) -> list[str]:
    return [phrase for phrase in BOILERPLATE if phrase in text]


@dataclass
class Score:
    article_id: int
    f1: float
    leaks: list[str]


FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
# Every fixture site with expected bodies: the rendered one and the captured real sites.
FIXTURE_SITES = ("hdnd", "nukeviet-egov", "nukeviet-45-multilang", "nukeviet-45-theme")


def fixture_site(fixture_dir: Path) -> Site:
    """The site of a fixture: its own user registry entry (``registry.toml``, the one site in
    it) layered over the built-in registry, else the built-in site named like the directory."""
    entry = fixture_dir / "registry.toml"
    if not entry.is_file():
        return get_site(fixture_dir.name)
    return get_site(next(iter(read_toml(entry)["sites"])), user_file=entry)


def _page(fixture_dir: Path, url: str, site: Site) -> bytes:
    """The saved bytes of the page at ``url``: a file under ``site/``, or the captured answer."""
    path = url.removeprefix(site.base_url)
    if (fixture_dir / "capture").is_dir():
        recorded = Capture(fixture_dir / "capture").lookup(path)
        if recorded is None or recorded.status != 200:
            raise FileNotFoundError(f"{url} is not captured in {fixture_dir}")
        return recorded.read()
    return (fixture_dir / "site" / path.lstrip("/")).read_bytes()


def _cases(fixture_dir: Path, site: Site):
    for expected_path in sorted((fixture_dir / "expected").glob("*.json")):
        expected = json.loads(expected_path.read_text("utf-8"))
        text = expected_path.with_suffix(".txt").read_text("utf-8")
        yield expected, text, _page(fixture_dir, expected["url"], site)


def evaluate(fixture_dir: Path, site: Site) -> list[Score]:
    """Score every article under ``fixture_dir/expected`` against its saved page in ``site/``."""
    scores = []
    for expected, text, page in _cases(fixture_dir, site):
        body = parse_article(page, expected["url"], site).body_text
        scores.append(Score(expected["article_id"], token_f1(body, text), leaked_boilerplate(body)))
    return scores


def evaluate_bare_trafilatura(fixture_dir: Path, site: Site) -> list[Score]:
    """The same scores for ``trafilatura.extract`` on the whole page: the baseline to beat."""
    scores = []
    for expected, text, page in _cases(fixture_dir, site):
        body = trafilatura.extract(page.decode("utf-8")) or ""
        scores.append(Score(expected["article_id"], token_f1(body, text), leaked_boilerplate(body)))
    return scores


def mean_f1(scores: list[Score]) -> float:
    return sum(s.f1 for s in scores) / len(scores)


def _summary(name: str, scores: list[Score]) -> str:
    leaking = sum(1 for s in scores if s.leaks)
    return (
        f"{name:<18} {len(scores)} articles  mean F1 {mean_f1(scores):.4f}  "
        f"min F1 {min(s.f1 for s in scores):.4f}  bodies with page furniture {leaking}"
    )


def main(argv: list[str]) -> int:
    """Every fixture site's scores; with a fixture directory, that site's per article too."""
    fixture_dirs = [Path(argv[0])] if argv else [FIXTURES / name for name in FIXTURE_SITES]
    for fixture_dir in fixture_dirs:
        site = get_site(argv[1]) if len(argv) > 1 else fixture_site(fixture_dir)
        scores = evaluate(fixture_dir, site)
        print(f"{site.slug} ({fixture_dir})")
        if argv:
            for score in scores:
                print(f"{score.article_id:>6}  F1 {score.f1:.4f}  {', '.join(score.leaks)}")
        print("  " + _summary("hdnd-crawler", scores))
        print("  " + _summary("bare trafilatura", evaluate_bare_trafilatura(fixture_dir, site)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
