"""Figure 1: CPU cost of the project's extraction against bare ``trafilatura.extract()``.

Both run in this process, page by page in turn, so machine noise falls on both alike. Ours is
``parse_article`` on the page bytes (decoding, parsing, body cleaning, every metadata field);
bare is ``trafilatura.extract`` with its defaults on the same page, already decoded.

``python -m benchmarks.extraction --profile`` prints where our extraction spends its time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from benchmarks.measure import REPO
from devtools.testsite.generate import GeneratedSite, generate_site
from devtools.testsite.server import ARTICLE_PATH
from hdnd_crawler.extract.nukeviet.article import parse_article
from hdnd_crawler.sites.registry import Site, get_site

FIXTURES = REPO / "tests" / "fixtures" / "hdnd"
WARMUP = 20


@dataclass
class Page:
    url: str
    body: bytes
    expected_text: str | None = None


@dataclass
class Cost:
    pages: int
    ours_ms: float
    bare_ms: float

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.bare_ms


def site_pages(root: Path, base_url: str) -> list[Page]:
    """Article pages of a site tree (files at canonical article paths)."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        relative = "/" + path.relative_to(root).as_posix()
        if ARTICLE_PATH.match(relative):
            pages.append(Page(base_url + relative, path.read_bytes()))
    return pages


def fixture_pages(site: Site) -> list[Page]:
    return site_pages(FIXTURES / "site", site.base_url) if (FIXTURES / "site").is_dir() else []


def generated_pages(generated: GeneratedSite) -> list[Page]:
    return [
        Page(
            a.url,
            (generated.root / a.url.removeprefix(generated.base_url + "/")).read_bytes(),
            a.body_text,
        )
        for a in generated.articles.values()
    ]


def measure(pages: list[Page], site: Site, rounds: int = 1) -> Cost:
    """CPU ms per page of ours and of bare trafilatura, alternating page by page."""
    texts = [p.body.decode("utf-8", errors="replace") for p in pages]
    for page, text in list(zip(pages, texts, strict=True))[:WARMUP]:
        parse_article(page.body, page.url, site)
        trafilatura.extract(text)
    ours = bare = 0.0
    clock = time.process_time
    for _ in range(rounds):
        for page, text in zip(pages, texts, strict=True):
            start = clock()
            parse_article(page.body, page.url, site)
            middle = clock()
            trafilatura.extract(text)
            ours += middle - start
            bare += clock() - middle
    count = len(pages) * rounds
    return Cost(len(pages), ours / count * 1000, bare / count * 1000)


@dataclass
class Quality:
    fixture_articles: int
    fixture_min_f1: float | None
    fixture_leaks: int
    generated_exact: int
    generated_total: int


def quality(site: Site, generated: list[Page]) -> Quality:
    """The quality gate's scores on the fixtures; exact body matches on the generated pages."""
    scores = []
    if (FIXTURES / "expected").is_dir():
        from devtools.evaluation import evaluate

        scores = evaluate(FIXTURES, site)
    exact = sum(parse_article(p.body, p.url, site).body_text == p.expected_text for p in generated)
    return Quality(
        fixture_articles=len(scores),
        fixture_min_f1=min((s.f1 for s in scores), default=None),
        fixture_leaks=sum(bool(s.leaks) for s in scores),
        generated_exact=exact,
        generated_total=len(generated),
    )


def profile(pages: list[Page], site: Site) -> None:
    """cProfile of our extraction over ``pages``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        parse_article(page.body, page.url, site)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{len(pages)} pages, {stats.total_tt / len(pages) * 1000:.2f} ms/page under cProfile")
    print_profile(stats)


# Third-party calls worth a line of their own among the project's functions.
LANDMARKS = {"bare_extraction", "document_fromstring", "execute", "write_record"}


def print_profile(stats: pstats.Stats, top: int = 25) -> None:
    """Functions by own time, then the project's functions (and landmarks) by total time."""
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)
    print(f"\n{'own %':>6} {'cum %':>6}  function (% of all profiled time)")
    for (file, line, name), (_, _, own, cumulative, _) in rows[:top]:
        print(f"{own / total:6.1%} {cumulative / total:6.1%}  {_where(file, line, name)}")
    print(f"\n{'cum %':>6}  the project's functions (and {', '.join(sorted(LANDMARKS))})")
    staged = [
        (cumulative, _where(file, line, name))
        for (file, line, name), (_, _, _, cumulative, _) in stats.stats.items()
        if ("hdnd_crawler/" in file or name in LANDMARKS) and cumulative >= total / 100
    ]
    for cumulative, where in sorted(staged, reverse=True):
        print(f"{cumulative / total:6.1%}  {where}")


def _where(file: str, line: int, name: str) -> str:
    """``function (file:line)`` with the file relative to the repository or site-packages."""
    file = file.split("site-packages/", 1)[-1].removeprefix(str(REPO) + "/")
    return f"{name} ({file}:{line})" if line else name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="generated pages (default 1000)")
    parser.add_argument("--profile", action="store_true", help="profile ours instead")
    args = parser.parse_args()
    site = get_site("hdnd")
    with tempfile.TemporaryDirectory(prefix="hdnd-bench-") as tmp:
        generated = generated_pages(generate_site(Path(tmp) / "site", args.pages))
        if args.profile:
            profile(generated, site)
            return
        for name, pages in (("fixtures", fixture_pages(site)), ("generated", generated)):
            if pages:
                cost = measure(pages, site)
                print(
                    f"{name}: {cost.pages} pages, ours {cost.ours_ms:.2f} ms/page, "
                    f"trafilatura {cost.bare_ms:.2f} ms/page, ratio {cost.ratio:.3f}"
                )


if __name__ == "__main__":
    main()
