"""A small NukeViet site whose articles a test adds, edits, hides and withdraws between crawls.

Publication times are relative to the real clock (one article a day back from today), so
the incremental crawl's re-check window applies to them as it would on the live site.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from devtools.testsite import render
from devtools.testsite.render import VN_TZ, ArticlePage, Category, ListingEntry

CATEGORIES = [
    Category("hoat-dong-hdnd", "Hoạt động HĐND"),
    Category("ky-hop", "Kỳ họp HĐND"),
    Category("tiep-xuc-cu-tri", "Tiếp xúc cử tri"),
    Category("thuong-truc-hdnd", "Thường trực HĐND", parent="hoat-dong-hdnd"),
]
FIRST_ID = 501


def body(n: int, words: str = "") -> str:
    return (
        f"<p>Sáng nay, Hội đồng nhân dân tỉnh Cao Bằng họp phiên thứ {n}{words}.</p>\n"
        f"<p>Đại biểu thảo luận dự thảo nghị quyết số {n}/NQ-HĐND và thông qua.</p>"
    )


@dataclass
class SmallSite:
    root: Path
    count: int = 24
    per_page: int = 4
    now: datetime = field(default_factory=lambda: datetime.now(VN_TZ).replace(second=0))
    articles: dict[int, ArticlePage] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)  # served, but no page links to them

    def __post_init__(self) -> None:
        self.now = self.now.replace(microsecond=0)
        for n in range(self.count):
            self.add(self.now - timedelta(days=self.count - n, hours=2))

    def add(self, published: datetime | None = None) -> int:
        """A new article, by default an hour newer than the newest."""
        n = len(self.articles)
        article_id = FIRST_ID + n
        if published is None:
            published = max(a.publtime for a in self.articles.values()) + timedelta(hours=1)
        self.articles[article_id] = ArticlePage(
            id=article_id,
            alias=f"hdnd-tinh-hop-phien-thu-{n}",
            cat_alias=CATEGORIES[n % len(CATEGORIES)].alias,
            title=f"HĐND tỉnh họp phiên thứ {n}",
            publtime=published,
            author="CTV",
            hometext=f"Tóm tắt phiên họp thứ {n}.",
            body_html=body(n),
        )
        return article_id

    def edit(self, article_id: int, **changes) -> None:
        self.articles[article_id] = replace(self.articles[article_id], **changes)

    def withdraw(self, article_id: int) -> ArticlePage:
        return self.articles.pop(article_id)

    def path(self, article_id: int) -> str:
        return self.articles[article_id].path

    def by_age(self) -> list[int]:
        """Article ids, oldest first."""
        return sorted(self.articles, key=lambda i: self.articles[i].publtime)

    def write(self) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        listed = [a for i, a in self.articles.items() if i not in self.hidden]
        newest = sorted(listed, key=lambda a: (a.publtime, a.id), reverse=True)
        site = render.Site(
            categories=CATEGORIES, latest=[ListingEntry(a) for a in newest[:5]], now=self.now
        )
        for article in self.articles.values():
            self._write(article.path, render.render_article(site, article))
        sections = []
        for cat in CATEGORIES:
            entries = [ListingEntry(a) for a in newest if a.cat_alias == cat.alias]
            pages = max(1, -(-len(entries) // self.per_page))
            for number in range(1, pages + 1):
                chunk = entries[(number - 1) * self.per_page : number * self.per_page]
                page = render.render_listing(site, cat, chunk, number, pages)
                self._write(cat.page_path(number), page)
            if not cat.parent:
                sections.append((cat, entries[:3]))
        self._write("/", render.render_home(site, sections))
        self._write("/404.html", render.render_not_found(site))
        self._write("/robots.txt", render.render_robots(site.base_url))
        self._write("/rss/index.xml", render.render_rss(site, newest))
        self._write(
            "/sitemap.xml", render.render_sitemap_index([("/sitemap-vi.news.xml", self.now)])
        )
        self._write("/sitemap-vi.news.xml", render.render_news_sitemap(newest, site.base_url))
        self._write("/_downloads.json", "{}")

    def _write(self, path: str, text: str) -> None:
        file = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
