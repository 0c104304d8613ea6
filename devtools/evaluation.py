"""Extraction quality as data: expected body text beside each saved page, scored by token F1.

``python -m devtools.evaluation tests/fixtures/hdnd`` prints the per-article scores, and bare
``trafilatura.extract`` on the whole page as the baseline; the test suite gates on the same scores.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from hdnd_crawler.extract.nukeviet.article import parse_article
from hdnd_crawler.sites.registry import Site, get_site

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


def _cases(fixture_dir: Path, site: Site):
    for expected_path in sorted((fixture_dir / "expected").glob("*.json")):
        expected = json.loads(expected_path.read_text("utf-8"))
        text = expected_path.with_suffix(".txt").read_text("utf-8")
        page = fixture_dir / "site" / expected["url"].removeprefix(site.base_url + "/")
        yield expected, text, page.read_bytes()


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


def _summary(name: str, scores: list[Score]) -> str:
    f1s = [s.f1 for s in scores]
    leaking = sum(1 for s in scores if s.leaks)
    return (
        f"{name:<18} {len(f1s)} articles  mean F1 {sum(f1s) / len(f1s):.4f}  "
        f"min F1 {min(f1s):.4f}  bodies with page furniture {leaking}"
    )


def main(argv: list[str]) -> int:
    fixture_dir = Path(argv[0]) if argv else Path("tests/fixtures/hdnd")
    site = get_site(argv[1] if len(argv) > 1 else "hdnd")
    scores = evaluate(fixture_dir, site)
    for score in scores:
        print(f"{score.article_id:>6}  F1 {score.f1:.4f}  {', '.join(score.leaks)}")
    print(_summary("hdnd-crawler", scores))
    print(_summary("bare trafilatura", evaluate_bare_trafilatura(fixture_dir, site)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
