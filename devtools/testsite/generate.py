"""A NukeViet site of any size, written to disk for :mod:`server` to serve.

Pages come from :mod:`render`, so they carry the fixture site's markup; bodies mix every markup
NukeViet's editor produces (``<p>``, ``<br>``-separated text, bare lead text, figures, picture
tables, data tables, lists, headings, quotes, in-body bylines) at varied lengths. The same
arguments always write the same bytes, and the result says what a faithful crawl must archive.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

from devtools.testsite import render
from devtools.testsite.render import (
    VN_TZ,
    ArticlePage,
    Attachment,
    Category,
    Comment,
    LeadImage,
    ListingEntry,
    esc,
)

CATEGORY_NAMES = [
    ("hoat-dong-hdnd", "Hoạt động HĐND"),
    ("ky-hop", "Kỳ họp HĐND"),
    ("tiep-xuc-cu-tri", "Tiếp xúc cử tri"),
    ("giam-sat", "Hoạt động giám sát"),
    ("doan-dbqh", "Hoạt động Đoàn ĐBQH"),
    ("van-ban", "Văn bản - Nghị quyết"),
    ("tin-tong-hop", "Tin tổng hợp"),
    # The last category is a sub-category of the first.
    ("thuong-truc-hdnd", "Thường trực HĐND"),
]

# The words articles are written in. Every article uses the everyday words and the site's staple
# phrases; each also has a few topics of its own that it keeps coming back to, so a topic phrase
# ("ngân sách", "chuyển đổi số") is found in a few per cent of the articles, a staple phrase
# ("Hội đồng nhân dân") in nearly all: full-text queries meet realistic match counts.
EVERYDAY = (
    "và|của|trong|với|cho|về|theo|tại|để|những|các|được|có|là|này|đã|đang|sẽ|cần|cùng|từ|trên"
    "|đến|một số|nhiều|tiếp tục"
).split("|")
STAPLES = (
    "Hội đồng nhân dân tỉnh|đại biểu|thực hiện|tăng cường|nâng cao|hiệu quả|chất lượng|kết quả"
    "|nhiệm vụ|giải pháp|tổ chức|địa phương|người dân|cơ sở|các cấp|các ngành|đánh giá|báo cáo"
    "|ý kiến|nội dung|chương trình|kế hoạch|năm 2024|trách nhiệm|vấn đề|tỉnh Cao Bằng"
).split("|")
DISTRICTS = (
    "huyện Hà Quảng|huyện Trùng Khánh|huyện Bảo Lạc|huyện Nguyên Bình|huyện Thạch An"
    "|huyện Quảng Hòa|huyện Hạ Lang|huyện Hòa An|huyện Bảo Lâm|thành phố Cao Bằng"
).split("|")
TOPICS = DISTRICTS + (
    "kỳ họp thường lệ|cử tri|ngân sách nhà nước|phát triển kinh tế - xã hội|nghị quyết|giám sát"
    "|chất vấn|kiến nghị|thẩm tra|biểu quyết|Ban Pháp chế|Ban Kinh tế - Ngân sách"
    "|Ban Văn hóa - Xã hội|Ban Dân tộc|Thường trực|Ủy ban nhân dân|xã biên giới"
    "|đồng bào dân tộc thiểu số|nông thôn mới|giảm nghèo bền vững|đầu tư công"
    "|công trình giao thông|giáo dục|y tế|an ninh trật tự|quốc phòng|đất đai|tài nguyên"
    "|môi trường|cải cách hành chính|chuyển đổi số|Quốc hội|Hiến pháp|dự án luật|tiếp công dân"
    "|khiếu nại tố cáo|doanh nghiệp|du lịch|thác Bản Giốc|công viên địa chất|nông nghiệp"
    "|lâm nghiệp|thủy lợi|nước sạch|bảo hiểm xã hội|việc làm|phòng chống thiên tai|sạt lở"
    "|phòng chống tham nhũng|thực hành tiết kiệm|văn hóa|thể thao|chính sách dân tộc|quy hoạch"
).split("|")
NAMES = ["Hoàng Lan", "Nông Văn Hùng", "Bế Thị Hoa", "Lý Minh Tuấn", "Đàm Quang Vinh", "CTV"]
SOURCES = ["Báo Cao Bằng", "Đài PT-TH Cao Bằng", "Văn phòng Đoàn ĐBQH và HĐND tỉnh"]
TAGS = ["kỳ họp", "cử tri", "giám sát", "ngân sách", "nghị quyết", "chất vấn", "Quốc hội"]
FIRST_ID = 1001
PER_HOUR = 2  # NukeViet sites publish a few articles a day; times spread accordingly.


@dataclass(frozen=True)
class ExpectedArticle:
    """What an archive of the site must hold for one article (text as the editor wrote it)."""

    article_id: int
    url: str
    title: str
    published_at: str
    main_category: str
    categories: tuple[str, ...]
    author: str
    body_text: str
    attachments: tuple[str, ...] = ()


@dataclass
class GeneratedSite:
    root: Path
    base_url: str
    categories: list[Category]
    articles: dict[int, ExpectedArticle] = field(default_factory=dict)
    html_pages: int = 0  # home + listing pages + article pages
    bytes_written: int = 0


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class Vocabulary:
    """The words of one article: everyday words, staples and its own topics (weighted most)."""

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]

    @classmethod
    def about(cls, topics: list[str]) -> Vocabulary:
        weights = [1.0] * len(EVERYDAY) + [0.6] * len(STAPLES) + [4.0] * len(topics)
        return cls((*EVERYDAY, *STAPLES, *topics), tuple(accumulate(weights)))

    def sentence(self, rng: random.Random, low: int = 6, high: int = 22) -> str:
        count = rng.randint(low, high)
        words = " ".join(rng.choices(self.words, cum_weights=self.cum_weights, k=count))
        return words[0].upper() + words[1:] + "."

    def paragraph(self, rng: random.Random) -> str:
        return " ".join(self.sentence(rng) for _ in range(rng.randint(1, 4)))


def slug(text: str) -> str:
    """NukeViet's title alias: diacritics dropped, đ → d, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words)[:80].rstrip("-")


def _title(rng: random.Random, words: Vocabulary) -> str:
    title = words.sentence(rng, 5, 12).rstrip(".")
    shape = rng.random()
    if shape < 0.15:
        title += f": {words.sentence(rng, 2, 4).rstrip('.').lower()}"
    elif shape < 0.25:
        title += f" (kỳ họp thứ {rng.randint(2, 30)})"
    return title


# --------------------------------------------------------------------------- bodies
# Each part is (editor HTML, the body text blocks a reader sees in it).

Part = tuple[str, list[str]]


def _p(rng: random.Random, ctx: _Context) -> Part:
    text = ctx.words.paragraph(rng)
    style = ' style="text-align: justify;"' if rng.random() < 0.5 else ""
    return f"<p{style}>{esc(text)}</p>", [text]


def _p_inline(rng: random.Random, ctx: _Context) -> Part:
    before, bold, after = (
        ctx.words.sentence(rng),
        ctx.words.sentence(rng, 2, 5),
        ctx.words.sentence(rng),
    )
    link = ""
    if ctx.link_to:
        link = f' Xem thêm <a href="{ctx.link_to}">bài liên quan</a>.'
    html = f"<p>{esc(before)} <strong>{esc(bold)}</strong> <em>{esc(after)}</em>{link}</p>"
    text = f"{before} {bold} {after}" + (" Xem thêm bài liên quan." if link else "")
    return html, [text]


def _spacer(_rng: random.Random, _ctx: _Context) -> Part:
    return "<p>&nbsp;</p>", []


def _heading(rng: random.Random, ctx: _Context) -> Part:
    """A sub-heading and the paragraph it heads (editors never end a body on a heading)."""
    text = ctx.words.sentence(rng, 3, 7).rstrip(".")
    if rng.random() < 0.5:
        html = f"<h3>{esc(text)}</h3>"
    else:
        text = f"{rng.randint(1, 9)}. {text}"
        html = f"<p><strong>{esc(text)}</strong></p>"
    para_html, para_texts = _p(rng, ctx)
    return html + para_html, [text, *para_texts]


def _list(rng: random.Random, ctx: _Context) -> Part:
    tag = rng.choice(("ul", "ol"))
    items = [ctx.words.sentence(rng, 4, 12) for _ in range(rng.randint(2, 5))]
    return f"<{tag}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + f"</{tag}>", items


def _quote(rng: random.Random, ctx: _Context) -> Part:
    text = ctx.words.paragraph(rng)
    return f"<blockquote><p>{esc(text)}</p></blockquote>", [text]


def _figure(rng: random.Random, ctx: _Context) -> Part:
    caption = "Ảnh: " + ctx.words.sentence(rng, 4, 10)
    src = ctx.upload()
    return (
        '<div style="text-align:center"><figure class="image">'
        f'<img alt="DSC_{rng.randint(1000, 9999)}.JPG" height="400" src="{src}" width="600" />'
        f"<figcaption>{esc(caption)}</figcaption></figure></div>",
        [caption],
    )


def _picture_table(rng: random.Random, ctx: _Context) -> Part:
    caption = ctx.words.sentence(rng, 4, 10)
    return (
        '<table align="center" border="0" cellpadding="3" cellspacing="0" class="image-center">'
        f'<tbody><tr><td><img alt="" src="{ctx.upload()}" width="500" /></td></tr>'
        f"<tr><td>{esc(caption)}</td></tr></tbody></table>",
        [caption],
    )


def _bare_image(rng: random.Random, ctx: _Context) -> Part:
    junk_alt = f"IMG_{rng.randint(1, 9999):04d}.jpg"  # a camera file name, not text
    return f'<p style="text-align: center;"><img alt="{junk_alt}" src="{ctx.upload()}" /></p>', []


def _data_table(rng: random.Random, _ctx: _Context) -> Part:
    caption = f"Bảng {rng.randint(1, 9)}: kết quả thực hiện"
    head = ["STT", "Đơn vị", "Kế hoạch", "Thực hiện"]
    rows = [
        [str(n), rng.choice(DISTRICTS), str(rng.randint(10, 999)), str(rng.randint(10, 999))]
        for n in range(1, rng.randint(3, 8))
    ]
    cells = "<tr>" + "".join(f"<th>{c}</th>" for c in head) + "</tr>"
    cells += "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    table = "\n".join("\t".join(r) for r in [head, *rows])
    return (
        f'<table border="1" cellpadding="1" cellspacing="1" style="width:100%">'
        f"<caption>{esc(caption)}</caption><tbody>{cells}</tbody></table>",
        [caption, table],
    )


@dataclass
class _Context:
    """The article a body is written for: its words, where its pictures go, what it links to."""

    page: ArticlePage
    words: Vocabulary
    link_to: str | None
    pictures: int = 0

    def upload(self) -> str:
        self.pictures += 1
        return f"/uploads/news/{self.page.publtime:%Y_%m}/{self.page.id}-{self.pictures}.jpg"


MIXED: list[tuple[float, Callable[[random.Random, _Context], Part]]] = [
    (0.50, _p),
    (0.08, _p_inline),
    (0.05, _spacer),
    (0.08, _heading),
    (0.06, _list),
    (0.04, _quote),
    (0.07, _figure),
    (0.03, _picture_table),
    (0.04, _bare_image),
    (0.05, _data_table),
]


def _body(rng: random.Random, ctx: _Context, byline: str | None) -> Part:
    """One article body; ``byline`` (typed in by the editor) closes it when given."""
    size = rng.choice((3, 4, 5, 6, 8, 10, 12, 16, 20, 28)) if rng.random() > 0.02 else 60
    html: list[str] = []
    texts: list[str] = []
    style = rng.random()
    if style < 0.25:
        # The editor's default: bare text split by blank lines, all in one justified div.
        paragraphs = [ctx.words.paragraph(rng) for _ in range(size)]
        html.append(
            '<div style="text-align: justify;">'
            + "<br />\n<br />\n".join(esc(p) for p in paragraphs)
            + "</div>"
        )
        texts += paragraphs
    else:
        # Every body opens with text: bare text before the first <p>, or a paragraph.
        if style < 0.45:
            lead = ctx.words.paragraph(rng)
            html.append(esc(lead))
            texts.append(lead)
        else:
            lead_html, lead_texts = _p(rng, ctx)
            html.append(lead_html)
            texts += lead_texts
        weights, makers = zip(*MIXED, strict=True)
        for maker in rng.choices(makers, weights=weights, k=size - 1):
            part_html, part_texts = maker(rng, ctx)
            html.append(part_html)
            texts += part_texts
    if byline:
        html.append(f'<p style="text-align: right;"><strong>{esc(byline)}</strong></p>')
        texts.append(byline)
    return "\n".join(html), texts


# --------------------------------------------------------------------------- the site


def _pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _categories(count: int) -> list[Category]:
    names = CATEGORY_NAMES[:-1][: max(count - 1, 1)]
    names += [(f"chuyen-muc-{n}", f"Chuyên mục {n}") for n in range(len(names) + 1, count)]
    cats = [Category(alias, title, description=f"Tin bài {title}") for alias, title in names]
    if count > 1:
        alias, title = CATEGORY_NAMES[-1]
        cats.append(Category(alias, title, parent=cats[0].alias))
    return cats


def _articles(
    count: int, cats: list[Category], seed: int
) -> tuple[list[ArticlePage], dict[int, Vocabulary]]:
    """Every article's metadata and words (bodies come later, one at a time: memory stays flat)."""
    rng = random.Random(seed)
    start = datetime(2024, 7, 15, 8, 0, tzinfo=VN_TZ) - timedelta(hours=count // PER_HOUR)
    pages = []
    vocabularies = {}
    for n in range(count):
        article_id = FIRST_ID + n
        cat = rng.choice(cats)
        topics = rng.sample(TOPICS, rng.randint(2, 5))
        words = vocabularies[article_id] = Vocabulary.about(topics)
        title = _title(rng, words)
        publtime = start + timedelta(hours=n / PER_HOUR, minutes=rng.randint(0, 29))
        others = [c.alias for c in cats if c is not cat and not c.parent]
        secondary = (rng.choice(others),) if others and rng.random() < 0.1 else ()
        edited = rng.random() < 0.2
        pages.append(
            ArticlePage(
                id=article_id,
                alias=slug(title) or f"bai-viet-{article_id}",
                cat_alias=cat.alias,
                title=title,
                publtime=publtime.replace(second=0, microsecond=0),
                edittime=publtime + timedelta(hours=rng.randint(1, 48)) if edited else None,
                hometext=words.sentence(rng, 10, 30),
                lead_image=(
                    LeadImage(
                        f"/uploads/news/{publtime:%Y_%m}/anh-{article_id}.jpg",
                        caption=words.sentence(rng, 4, 9) if rng.random() < 0.5 else None,
                    )
                    if rng.random() < 0.8
                    else None
                ),
                tags=tuple(rng.sample(TAGS, rng.randint(0, 3))),
                keywords=", ".join(topics),
                secondary_cats=secondary,
                hits=rng.randint(10, 5000),
            )
        )
    return pages, vocabularies


class _Writer:
    def __init__(self, root: Path):
        self.root = root
        self.bytes = 0

    def write(self, path: str, content: str | bytes) -> None:
        file = self.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        data = content.encode("utf-8") if isinstance(content, str) else content
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        self.bytes += len(data)


def _newest_first(pages: list[ArticlePage]) -> list[ArticlePage]:
    return sorted(pages, key=lambda a: (a.publtime, a.id), reverse=True)


def generate_site(
    root: Path, articles: int, categories: int = 8, per_page: int = 20, seed: int = 0
) -> GeneratedSite:
    """Write a site of ``articles`` articles under ``root``; what a crawl of it must archive."""
    if articles < 1 or categories < 1 or per_page < 1:
        raise ValueError("articles, categories and per_page must be positive")
    root.mkdir(parents=True, exist_ok=True)
    cats = _categories(categories)
    pages, vocabularies = _articles(articles, cats, seed)
    newest = _newest_first(pages)
    latest = [ListingEntry(a) for a in newest[:8]]
    site = render.Site(categories=cats, latest=latest, now=newest[0].modified + timedelta(hours=1))
    by_cat = {c.alias: [a for a in newest if a.cat_alias == c.alias] for c in cats}
    out = _Writer(root)
    result = GeneratedSite(root=root, base_url=site.base_url, categories=cats)
    downloads: dict[str, dict[str, str]] = {}
    titles = {c.alias: c.title for c in cats}

    for index, page in enumerate(pages):
        rng = random.Random(seed * 1_000_003 + page.id)
        siblings = by_cat[page.cat_alias]
        position = _position(siblings, page)
        link_to = pages[index - 1].path if index else None
        author = rng.choice(NAMES) if rng.random() < 0.6 else ""
        byline = rng.choice(NAMES) if not author and rng.random() < 0.5 else None
        context = _Context(page, vocabularies[page.id], link_to)
        body_html, texts = _body(rng, context, byline)
        attachments: tuple[Attachment, ...] = ()
        if rng.random() < 0.05:
            name = f"Nghị quyết số {page.id}/NQ-HĐND"
            file_path = f"/uploads/news/{page.publtime:%Y_%m}/nghi-quyet-{page.id}.pdf"
            attachments = (Attachment(page.id, name, file_path),)
            out.write(file_path, _pdf(f"Nghi quyet so {page.id}/NQ-HDND"))
            downloads[page.download_href(page.id)] = {
                "file": file_path.lstrip("/"),
                "name": file_path.rsplit("/", 1)[-1],
            }
        comments = ()
        if rng.random() < 0.1:
            comments = (Comment(rng.choice(NAMES), page.publtime + timedelta(days=1), "Đồng ý."),)
        full = replace(
            page,
            author=author,
            source=rng.choice(SOURCES) if rng.random() < 0.3 else "",
            body_html=body_html,
            attachments=attachments,
            comments=comments,
        )
        newer = [ListingEntry(a) for a in siblings[max(position - 5, 0) : position]]
        older = [ListingEntry(a) for a in siblings[position + 1 : position + 6]]
        out.write(page.path, render.render_article(site, full, newer=newer, older=older))
        extra = tuple(titles[c] for c in page.secondary_cats)
        result.articles[page.id] = ExpectedArticle(
            article_id=page.id,
            url=site.abs_url(page.path),
            title=page.title,
            published_at=page.publtime.isoformat(timespec="seconds"),
            main_category=titles[page.cat_alias],
            categories=(titles[page.cat_alias], *sorted(extra)),
            author=author,
            body_text="\n\n".join(texts),
            attachments=tuple(a.name for a in attachments),
        )

    result.html_pages = len(pages) + _write_listings(out, site, cats, newest, per_page)
    sections = [(c, [ListingEntry(a) for a in by_cat[c.alias][:6]]) for c in cats if not c.parent]
    out.write("/", render.render_home(site, sections))
    out.write("/404.html", render.render_not_found(site))
    out.write("/robots.txt", render.render_robots(site.base_url))
    out.write("/rss/index.xml", render.render_rss(site, newest[:30]))
    for cat in cats:
        out.write(f"/rss/{cat.alias}/index.xml", render.render_rss(site, by_cat[cat.alias], cat))
    news_map = "/sitemap-vi.news.xml"
    out.write("/sitemap.xml", render.render_sitemap_index([(news_map, newest[0].publtime)]))
    out.write(news_map, render.render_news_sitemap(newest, site.base_url))
    out.write("/_downloads.json", json.dumps(downloads, ensure_ascii=False, indent=1))
    result.bytes_written = out.bytes
    return result


def _position(siblings: list[ArticlePage], page: ArticlePage) -> int:
    """Index of ``page`` in its newest-first category list, by bisection on (time, id)."""
    key = (page.publtime, page.id)
    low, high = 0, len(siblings)
    while low < high:
        middle = (low + high) // 2
        if (siblings[middle].publtime, siblings[middle].id) > key:
            low = middle + 1
        else:
            high = middle
    return low


def _write_listings(
    out: _Writer, site: render.Site, cats: list[Category], newest: list[ArticlePage], per: int
) -> int:
    """Every category's listing pages, secondary-category links included; the page count."""
    written = 1  # the home page
    for cat in cats:
        entries = [
            ListingEntry(a) if a.cat_alias == cat.alias else ListingEntry(a, a.path_in(cat.alias))
            for a in newest
            if a.cat_alias == cat.alias or cat.alias in a.secondary_cats
        ]
        total = max(1, -(-len(entries) // per))
        for number in range(1, total + 1):
            chunk = entries[(number - 1) * per : number * per]
            out.write(cat.page_path(number), render.render_listing(site, cat, chunk, number, total))
            written += 1
    return written
