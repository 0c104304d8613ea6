"""Render NukeViet 4.5 news-module pages, inside a default-theme-like chrome, from plain data.

The module markup (article, listing, pagination, RSS, sitemap) follows what stock NukeViet 4.5
prints; the theme around it (header, menu, side blocks, footer) is a plausible provincial-council
theme. Pure string building, no third-party imports, deterministic output: the same data always
gives the same bytes (view counters, clock and tokens come from the data, not from the clock).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

DEFAULT_BASE_URL = "http://hdnd.caobang.gov.vn"
DEFAULT_SITE_NAME = "Đoàn ĐBQH và HĐND tỉnh Cao Bằng"
VN_TZ = timezone(timedelta(hours=7))
LOGO_PATH = "/uploads/logo-hdnd.png"
ASSET_VERSION = "1718675417"

_WEEKDAYS_VI = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Category:
    """A news category; ``parent`` is the parent's alias for a sub-category."""

    alias: str
    title: str
    parent: str | None = None
    description: str = ""
    keywords: str = ""

    @property
    def path(self) -> str:
        return f"/{self.alias}/"

    def page_path(self, page: int) -> str:
        """Site-relative URL of listing page ``page`` (page 1 is the category root)."""
        return self.path if page <= 1 else f"/{self.alias}/page-{page}/"


@dataclass(frozen=True)
class LeadImage:
    """The article's illustration: ``src`` is the full-size /uploads/ path."""

    src: str
    caption: str | None = None
    alt: str = ""
    width: int = 460

    @property
    def thumb(self) -> str:
        """The /assets/ thumbnail NukeViet derives from the upload."""
        return self.src.replace("/uploads/", "/assets/", 1)


@dataclass(frozen=True)
class Attachment:
    """A file attached to an article: shown as ``name``, stored at ``path`` under /uploads/."""

    download_id: int
    name: str
    path: str

    @property
    def filename(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Comment:
    """A reader comment shown under an article."""

    name: str
    time: datetime
    text: str


@dataclass
class ArticlePage:
    """One news article as NukeViet stores it (times are aware datetimes, shown in +07:00)."""

    id: int
    alias: str
    cat_alias: str
    title: str
    publtime: datetime
    edittime: datetime | None = None
    poster: str = "admin"
    author: str = ""
    source: str = ""
    hometext: str = ""
    lead_image: LeadImage | None = None
    body_html: str = ""
    attachments: Sequence[Attachment] = ()
    tags: Sequence[str] = ()
    keywords: str = ""
    secondary_cats: Sequence[str] = ()
    hits: int = 0
    comments: Sequence[Comment] = ()

    @property
    def path(self) -> str:
        """Canonical site-relative URL."""
        return self.path_in(self.cat_alias)

    def path_in(self, cat_alias: str) -> str:
        """The URL NukeViet prints for this article on a page of category ``cat_alias``."""
        return f"/{cat_alias}/{self.alias}-{self.id}.html"

    @property
    def modified(self) -> datetime:
        return self.edittime or self.publtime

    def download_href(self, download_id: int) -> str:
        return f"{self.path}?download=1&id={download_id}"


@dataclass(frozen=True)
class ListingEntry:
    """An article as linked from a listing or block; ``href`` overrides the canonical path."""

    article: ArticlePage
    href: str | None = None

    @property
    def link(self) -> str:
        return self.href or self.article.path


@dataclass
class Site:
    """Everything the theme chrome needs: categories (menu, RSS list), side blocks, counters."""

    categories: Sequence[Category] = ()
    base_url: str = DEFAULT_BASE_URL
    name: str = DEFAULT_SITE_NAME
    module_title: str = "Tin Tức"
    latest: Sequence[ListingEntry] = ()
    now: datetime = datetime(2024, 7, 16, 9, 41, 7, tzinfo=VN_TZ)
    online: int = 12
    today: int = 345
    this_month: int = 8912
    total: int = 1204567

    def __post_init__(self) -> None:
        self._by_alias = {c.alias: c for c in self.categories}

    def category(self, alias: str) -> Category:
        return self._by_alias[alias]

    def children(self, alias: str) -> list[Category]:
        return [c for c in self.categories if c.parent == alias]

    def abs_url(self, path: str) -> str:
        """``path`` made absolute on ``base_url`` (absolute URLs pass through)."""
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url.rstrip("/") + path


# --------------------------------------------------------------------------- helpers


def esc(text: str) -> str:
    """HTML-escape ``text`` as NukeViet's nv_htmlspecialchars does."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def nv_title(text: str) -> str:
    """A title as NukeViet stores and prints it: escaped, with ``:``, ``(``, ``)`` as refs."""
    return esc(text).replace(":", "&#x3A;").replace("(", "&#40;").replace(")", "&#41;")


def tag_alias(tag: str) -> str:
    """NukeViet's tag alias: lower case, Vietnamese letters kept, punctuation dropped."""
    alias = re.sub(r"[^\w\s-]", "", tag.lower())
    return re.sub(r"[\s_-]+", "-", alias).strip("-")


def _local(dt: datetime) -> datetime:
    return dt.astimezone(VN_TZ) if dt.tzinfo else dt.replace(tzinfo=VN_TZ)


def iso_time(dt: datetime) -> str:
    """ISO 8601 in local time with seconds, as PHP's ``date('c')``."""
    return _local(dt).isoformat(timespec="seconds")


def date_line(dt: datetime) -> str:
    """The article's visible date line: ``Thứ tư - 10/07/2024 17:25``."""
    dt = _local(dt)
    return f"{_WEEKDAYS_VI[dt.weekday()]} - {dt:%d/%m/%Y %H:%M}"


def listing_time(dt: datetime, twelve_hour: bool = False) -> str:
    """``10/07/2024 17:25:00``, or ``10/07/2024 05:25:00 PM`` on older versions."""
    dt = _local(dt)
    if not twelve_hour:
        return f"{dt:%d/%m/%Y %H:%M:%S}"
    hour = dt.hour % 12 or 12
    return f"{dt:%d/%m/%Y} {hour:02d}:{dt:%M:%S} {'AM' if dt.hour < 12 else 'PM'}"


def _php_offset(dt: datetime) -> str:
    minutes = int(dt.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}" + (f"{rest:02d}" if rest else "")


def malformed_meta_time(dt: datetime) -> str:
    """``date('Y-m-dTH:i:s')``: PHP's ``T`` is the zone abbreviation → ``2024-07-10+0717:25:00``."""
    dt = _local(dt)
    return f"{dt:%Y-%m-%d}{_php_offset(dt)}{dt:%H:%M:%S}"


def rss_time(dt: datetime) -> str:
    """NukeViet's RSS pubDate: formatted ``H:m:s``, so the minutes field holds the month."""
    dt = _local(dt)
    day = _WEEKDAYS_EN[dt.weekday()]
    month = _MONTHS_EN[dt.month - 1]
    return f"{day}, {dt:%d} {month} {dt:%Y} {dt:%H}:{dt:%m}:{dt:%S} +0700"


def _num(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _token(key: str) -> str:
    return hashlib.md5(key.encode("utf-8")).hexdigest()[:8].upper()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- theme


def _head(
    site: Site,
    *,
    title: str,
    canonical: str,
    description: str,
    keywords: str,
    meta: Sequence[str],
) -> str:
    lines = [
        "<!DOCTYPE html>",
        '<html lang="vi" xmlns="http://www.w3.org/1999/xhtml" prefix="og: http://ogp.me/ns#">',
        "<head>",
        f"<title>{title}</title>",
        '<meta charset="UTF-8">',
        f'<meta name="description" content="{description}">',
        f'<meta name="keywords" content="{keywords}">',
        f'<meta name="author" content="{esc(site.name)}">',
        f'<meta name="copyright" content="{esc(site.name)} [vp.hdnd@caobang.gov.vn]">',
        '<meta name="generator" content="NukeViet v4.5">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
        *meta,
        '<link rel="shortcut icon" href="/favicon.ico">',
        f'<link rel="canonical" href="{canonical}">',
        f'<link rel="alternate" href="/rss/" title="{esc(site.module_title)}" '
        'type="application/rss+xml">',
    ]
    for cat in site.categories:
        lines.append(
            f'<link rel="alternate" href="/rss/{cat.alias}/" '
            f'title="{esc(site.module_title)} - {esc(cat.title)}" type="application/rss+xml">'
        )
    v = ASSET_VERSION
    lines += [
        f'<link rel="preload" as="script" href="/assets/js/jquery/jquery.min.js?t={v}">',
        f'<link rel="preload" as="script" href="/assets/js/language/vi.js?t={v}">',
        f'<link rel="preload" as="script" href="/assets/js/global.js?t={v}">',
        f'<link rel="StyleSheet" href="/assets/css/font-awesome.min.css?t={v}">',
        f'<link rel="StyleSheet" href="/themes/hdnd/css/bootstrap.non-responsive.css?t={v}">',
        f'<link rel="StyleSheet" href="/themes/hdnd/css/style.css?t={v}">',
        f'<link rel="StyleSheet" href="/themes/hdnd/css/news.css?t={v}">',
        f'<link rel="StyleSheet" href="/themes/hdnd/css/style.responsive.css?t={v}">',
        "<script>",
        'var nv_base_siteurl="/",nv_lang_data="vi",nv_lang_interface="vi",nv_name_variable="nv",'
        'nv_fc_variable="op",nv_lang_variable="language",nv_module_name="news",'
        'nv_func_name="main",nv_is_user=0,nv_my_ofs=7,nv_my_abbr="+07",'
        'nv_cookie_prefix="nv4",nv_check_pass_mstime=1738000,nv_area_admin=0,nv_safemode=0,'
        'theme_responsive=1,nv_recaptcha_ver=2,nv_recaptcha_sitekey="",nv_recaptcha_type="image",'
        "XSSsanitize=1;",
        "</script>",
        f'<script src="/assets/js/jquery/jquery.min.js?t={v}"></script>',
        f'<script src="/assets/js/language/vi.js?t={v}"></script>',
        f'<script src="/assets/js/global.js?t={v}"></script>',
        f'<script src="/themes/hdnd/js/news.js?t={v}"></script>',
        f'<script src="/themes/hdnd/js/main.js?t={v}"></script>',
        "</head>",
    ]
    return "\n".join(lines)


def _menu(site: Site) -> str:
    items = [
        '<li><a class="home" title="Trang nhất" href="/"><em class="fa fa-lg fa-home">&nbsp;'
        '</em><span class="visible-xs-inline-block"> Trang nhất</span></a></li>',
        '<li><a title="Giới thiệu" href="/about/">Giới thiệu</a></li>',
    ]
    for cat in site.categories:
        if cat.parent:
            continue
        t = esc(cat.title)
        children = site.children(cat.alias)
        if not children:
            items.append(f'<li><a title="{t}" href="{cat.path}">{t}</a></li>')
            continue
        subs = "".join(
            f'<li><a title="{esc(c.title)}" href="{c.path}">{esc(c.title)}</a></li>'
            for c in children
        )
        items.append(
            f'<li class="dropdown" role="presentation"><a class="dropdown-toggle" role="button" '
            f'aria-expanded="false" title="{t}" href="{cat.path}">{t} <strong class="caret">'
            f'&nbsp;</strong></a>\n<ul class="dropdown-menu">{subs}</ul>\n</li>'
        )
    items.append('<li><a title="Liên hệ" href="/contact/">Liên hệ</a></li>')
    return (
        '<nav class="second-nav" id="menusite">\n<div class="container">\n<div class="row">\n'
        '<div class="bg box-shadow">\n'
        '<div class="navbar navbar-default navbar-static-top" role="navigation">\n'
        '<div class="navbar-header"><button type="button" class="navbar-toggle" '
        'data-toggle="collapse" data-target="#menu-site-default"><span class="sr-only">&nbsp;'
        '</span><span class="icon-bar">&nbsp;</span><span class="icon-bar">&nbsp;</span>'
        '<span class="icon-bar">&nbsp;</span></button></div>\n'
        '<div class="collapse navbar-collapse" id="menu-site-default">\n'
        '<ul class="nav navbar-nav">\n' + "\n".join(items) + "\n</ul>\n</div>\n</div>\n"
        "</div>\n</div>\n</div>\n</nav>"
    )


def _breadcrumbs(crumbs: Sequence[tuple[str, str]]) -> str:
    lis = []
    for pos, (title, href) in enumerate((("Trang nhất", "/"), *crumbs), start=1):
        lis.append(
            '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
            f'<a href="{href}" itemprop="item" title="{esc(title)}"><span itemprop="name">'
            f'{esc(title)}</span></a><i class="hidden" itemprop="position" content="{pos}"></i>'
            "</li>"
        )
    return (
        '<div class="breadcrumbs-wrap">\n<div class="display">\n'
        '<a class="show-subs-breadcrumbs hidden" href="#" onclick="showSubBreadcrumbs(this, '
        'event);"><em class="fa fa-lg fa-angle-right"></em></a>\n'
        '<ul class="breadcrumbs list-none"></ul>\n</div>\n'
        '<ul class="subs-breadcrumbs"></ul>\n'
        '<ul class="temp-breadcrumbs hidden" itemscope '
        'itemtype="https://schema.org/BreadcrumbList">\n' + "\n".join(lis) + "\n</ul>\n</div>"
    )


def _side(site: Site) -> str:
    news = []
    for entry in site.latest:
        a = entry.article
        t = nv_title(a.title)
        thumb = a.lead_image.thumb if a.lead_image else "/themes/hdnd/images/no_image.gif"
        news.append(
            f'<li class="clearfix">\n<a title="{t}" href="{entry.link}"><img src="{thumb}" '
            f'alt="{t}" width="80" class="img-thumbnail pull-left mr-1"/></a>\n'
            f'<a class="show" href="{entry.link}" data-content="{esc(a.hometext)}" '
            f'data-img="{thumb}" data-rel="block_news_tooltip">{t}</a>\n</li>'
        )
    return "\n".join(
        [
            '<div class="panel panel-primary">',
            '<div class="panel-heading">Tin mới nhất</div>',
            '<div class="panel-body">',
            '<ul class="block_news list-none list-items">',
            *news,
            "</ul>",
            "</div>",
            "</div>",
            '<div class="panel panel-primary">',
            '<div class="panel-heading">Liên kết website</div>',
            '<div class="panel-body">',
            '<p><a href="https://quochoi.vn" target="_blank" title="Cổng TTĐT Quốc hội">'
            '<img src="/uploads/banners/quochoi.jpg" alt="Cổng thông tin điện tử Quốc hội" '
            'width="260"/></a></p>',
            '<p><a href="https://caobang.gov.vn" target="_blank" title="Cổng TTĐT tỉnh Cao Bằng">'
            '<img src="/uploads/banners/cong-ttdt-caobang.jpg" alt="Cổng thông tin điện tử '
            'tỉnh Cao Bằng" width="260"/></a></p>',
            '<select class="form-control" onchange="if(this.value)window.open(this.value);">',
            '<option value="">-- Các trang liên kết --</option>',
            '<option value="https://quochoi.vn">Quốc hội Việt Nam</option>',
            '<option value="https://baocaobang.vn">Báo Cao Bằng</option>',
            '<option value="https://caobangtv.vn">Đài PT-TH Cao Bằng</option>',
            "</select>",
            "</div>",
            "</div>",
            '<div class="panel panel-primary">',
            '<div class="panel-heading">Thống kê truy cập</div>',
            '<div class="panel-body">',
            '<ul class="counter list-none display-table">',
            '<li><span><em class="fa fa-bolt fa-lg fa-horizon"></em>Đang truy cập</span>'
            f"<span>{_num(site.online)}</span></li>",
            '<li><span><em class="fa fa-filter fa-lg fa-horizon margin-top-lg"></em>Hôm nay'
            f"</span><span>{_num(site.today)}</span></li>",
            '<li><span><em class="fa fa-filter fa-lg fa-horizon"></em>Tháng hiện tại</span>'
            f"<span>{_num(site.this_month)}</span></li>",
            '<li><span><em class="fa fa-bar-chart fa-lg fa-horizon"></em>Tổng lượt truy cập'
            f"</span><span>{_num(site.total)}</span></li>",
            "</ul>",
            "</div>",
            "</div>",
        ]
    )


def _tail(site: Site, key: str) -> str:
    return "\n".join(
        [
            '<footer id="footer">',
            '<div class="wraper">',
            '<div class="container">',
            '<div class="row">',
            '<div class="col-xs-24 col-sm-24 col-md-16">',
            '<div class="company_info">',
            '<h3 class="company_name">VĂN PHÒNG ĐOÀN ĐBQH VÀ HĐND TỈNH CAO BẰNG</h3>',
            '<ul class="company_info list-none">',
            '<li><em class="fa fa-map-marker"></em> Địa chỉ: Phố Hoàng Đình Giong, thành phố '
            "Cao Bằng, tỉnh Cao Bằng</li>",
            '<li><em class="fa fa-phone"></em> Điện thoại: 0206.3 850 000 - Fax: 0206.3 850 001'
            "</li>",
            '<li><em class="fa fa-envelope"></em> Email: <a href="mailto:vp.hdnd@caobang.gov.vn">'
            "vp.hdnd@caobang.gov.vn</a></li>",
            "</ul>",
            "<p>Chịu trách nhiệm chính: Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh</p>",
            "</div>",
            "</div>",
            '<div class="col-xs-24 col-sm-24 col-md-8">',
            '<div class="copyright">© Bản quyền thuộc về Văn phòng Đoàn ĐBQH và HĐND tỉnh Cao '
            "Bằng.<br />Ghi rõ nguồn khi phát hành lại thông tin từ website này.</div>",
            '<p class="text-right"><a href="/siteterms/" rel="nofollow">Điều khoản sử dụng</a>'
            ' | <a href="/sitemap.xml" rel="nofollow">Sitemap</a></p>',
            "</div>",
            "</div>",
            "</div>",
            "</div>",
            "</footer>",
            "</div>",
            "</div>",
            f'<script src="/themes/hdnd/js/bootstrap.min.js?t={ASSET_VERSION}"></script>',
            '<div id="timeoutsess" class="chromeframe">',
            '    Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="#">Bấm vào '
            'đây để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 '
            "</span> giây",
            "</div>",
            '<div id="openidResult" class="nv-alert" style="display:none"></div>'
            '<div id="openidBt" data-result="" data-redirect=""></div>',
            "<noscript>",
            '<div class="alert alert-danger">Trình duyệt của bạn đã tắt JavaScript.<br />'
            "Website chỉ làm việc khi bạn bật nó trở lại.<br />Để tham khảo cách bật JavaScript,"
            ' hãy click chuột <a href="https://wiki.nukeviet.vn/support:browser:enable_javascript"'
            ">vào đây</a>!</div>",
            "</noscript>",
            f'<img src="/index.php?second=cronjobs&amp;p={_token(key)}" width="1" height="1" '
            'alt="" />',
            "</body>",
            "</html>",
            "",
        ]
    )


def _clock(site: Site) -> str:
    now = _local(site.now)
    day = _WEEKDAYS_VI[now.weekday()]
    return (
        '<div class="current-time"><span class="fa fa-clock-o">&nbsp;</span> '
        f"{day}, {now:%d/%m/%Y} | {now:%H:%M}</div>"
    )


def _document(
    site: Site,
    *,
    title: str,
    canonical_path: str,
    main: str,
    description: str = "",
    keywords: str = "",
    meta: Sequence[str] = (),
    crumbs: Sequence[tuple[str, str]] | None = None,
    is_home: bool = False,
) -> str:
    name = esc(site.name)
    site_name = f"<h1>{name}</h1>" if is_home else f'<span class="site_name">{name}</span>'
    desc_tag = "h2" if is_home else "span"
    header = "\n".join(
        [
            "<body>",
            '<div class="body-bg">',
            '<div class="wraper">',
            "<header>",
            '<div class="container">',
            '<div id="header" class="row">',
            '<div class="logo col-xs-24 col-sm-24 col-md-8">',
            f'<a title="{name}" href="/"><img src="{LOGO_PATH}" width="90" height="90" '
            f'alt="{name}" /></a>',
            site_name,
            f'<{desc_tag} class="site_description">{esc(site.base_url)}</{desc_tag}>',
            "</div>",
            '<div class="col-xs-24 col-sm-24 col-md-16">',
            '<div id="banner-right"><img src="/uploads/banners/co-hoa.png" alt="" /></div>',
            "</div>",
            "</div>",
            "</div>",
            "</header>",
            _menu(site),
            "<section>",
            '<div class="container" id="body">',
            '<nav class="third-nav">',
            '<div class="row">',
            '<div class="bg">',
            '<div class="clearfix">',
            '<div class="col-xs-24 col-sm-18 col-md-18">',
            _breadcrumbs(crumbs) if crumbs is not None else "",
            "</div>",
            '<div class="col-xs-24 col-sm-6 col-md-6">',
            _clock(site),
            "</div>",
            "</div>",
            "</div>",
            "</div>",
            "</nav>",
            '<div class="row">',
            '<div class="col-sm-16 col-md-17">',
            main,
            "</div>",
            '<div class="col-sm-8 col-md-7">',
            _side(site),
            "</div>",
            "</div>",
            "</div>",
            "</section>",
        ]
    )
    head = _head(
        site,
        title=title,
        canonical=site.abs_url(canonical_path),
        description=description,
        keywords=keywords,
        meta=meta,
    )
    return head + "\n" + header + "\n" + _tail(site, canonical_path)


def _cat_crumbs(site: Site, cat: Category) -> list[tuple[str, str]]:
    crumbs = [(cat.title, cat.path)]
    while cat.parent:
        cat = site.category(cat.parent)
        crumbs.insert(0, (cat.title, cat.path))
    return crumbs


def _og(site: Site, title: str, description: str, url: str, kind: str = "website") -> list[str]:
    return [
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:type" content="{kind}">',
        f'<meta property="og:description" content="{description}">',
        f'<meta property="og:site_name" content="{esc(site.name)}">',
        f'<meta property="og:url" content="{url}">',
    ]


# --------------------------------------------------------------------------- pages


def render_home(site: Site, sections: Sequence[tuple[Category, Sequence[ListingEntry]]]) -> str:
    """The home page: per top-level category, its newest articles (no pagination)."""
    blocks = []
    for cat, entries in sections:
        if not entries:
            continue
        t = esc(cat.title)
        heading = [f'<a title="{t}" href="{cat.path}"><span><span>{t}</span></span></a>']
        heading += [
            f'<a class="dimgray" title="{esc(c.title)}" href="{c.path}">{esc(c.title)}</a>'
            for c in site.children(cat.alias)
        ]
        first, rest = entries[0], entries[1:]
        a = first.article
        ft = nv_title(a.title)
        image = ""
        if a.lead_image:
            image = (
                f'<a href="{first.link}" title="{ft}"><img src="{a.lead_image.thumb}" alt="{ft}" '
                'width="183" class="img-thumbnail pull-left imghome" /></a>\n'
            )
        related = "\n".join(
            f'<li class="icon_list"><em class="fa fa-angle-right">&nbsp;</em><a class="show h4" '
            f'href="{e.link}" title="{nv_title(e.article.title)}">{nv_title(e.article.title)}'
            "</a></li>"
            for e in rest
        )
        blocks.append(
            '<div class="news_column panel panel-default">\n'
            '<div class="panel-heading">\n' + "\n".join(heading) + "\n</div>\n"
            '<div class="panel-body">\n<div class="row">\n<div class="col-md-12">\n'
            f'{image}<h3><a href="{first.link}" title="{ft}">{ft}</a></h3>\n'
            f"<p>{esc(a.hometext)}</p>\n</div>\n"
            '<div class="col-md-12">\n<ul class="related">\n'
            f"{related}\n</ul>\n</div>\n</div>\n</div>\n</div>"
        )
    url = site.abs_url("/")
    description = f"{esc(site.name)} - {esc(site.base_url)}"
    meta = [*_og(site, esc(site.name), description, url)]
    meta.append(f'<meta property="og:image" content="{site.abs_url(LOGO_PATH)}">')
    return _document(
        site,
        title=esc(site.name),
        canonical_path="/",
        main="\n".join(blocks),
        description=description,
        keywords="HĐND tỉnh, Đoàn ĐBQH, Cao Bằng, kỳ họp, tiếp xúc cử tri",
        meta=meta,
        crumbs=None,
        is_home=True,
    )


def _listing_item(entry: ListingEntry, featured: bool, twelve_hour: bool) -> str:
    a = entry.article
    t = nv_title(a.title)
    head = "h2" if featured else "h3"
    lines = [
        '<div class="panel panel-default">',
        f'<div class="panel-body{" featured" if featured else ""}">',
    ]
    if a.lead_image:
        alt = nv_title(a.lead_image.alt or a.title)
        lines.append(
            f'<a href="{entry.link}" title="{t}"><img alt="{alt}" src="{a.lead_image.thumb}" '
            'width="183" class="img-thumbnail pull-left imghome" /></a>'
        )
    lines += [
        f'<{head}><a href="{entry.link}" title="{t}">{t}</a></{head}>',
        '<div class="text-muted">',
        '<ul class="list-unstyled list-inline">',
        f'<li><em class="fa fa-clock-o">&nbsp;</em> {listing_time(a.publtime, twelve_hour)}</li>',
        f'<li><em class="fa fa-eye">&nbsp;</em> Đã xem: {a.hits}</li>',
        f'<li><em class="fa fa-comment-o">&nbsp;</em> Phản hồi: {len(a.comments)}</li>',
        "</ul>",
        "</div>",
        esc(a.hometext),
        "</div>",
        "</div>",
    ]
    return "\n".join(lines)


def page_window(page: int, total_pages: int) -> list[int | None]:
    """The page numbers nv_alias_page() lists on page ``page``; None is an ellipsis.

    Up to seven pages it lists them all; beyond, the first, the neighbours of ``page`` and the
    last, so a listing page holds a few links however long the category.
    """
    if total_pages <= 7:
        return list(range(1, total_pages + 1))
    shown: list[int | None] = [1, 2] if page < 4 else [1]
    if 1 < page < total_pages:
        if page > 3:
            shown.append(None)
        shown += range(max(page, 4) - 1, min(page, total_pages - 3) + 2)
        if page < total_pages - 3:
            shown.append(None)
    else:
        shown.append(None)
    shown += [total_pages] if total_pages - page > 3 else [total_pages - 1, total_pages]
    return shown


def _pagination(cat: Category, page: int, total_pages: int) -> str:
    """NukeViet's nv_alias_page(); the active item is left unclosed, as the real markup is."""
    t = esc(cat.title)
    items = []
    if page > 1:
        prev = page - 1
        items.append(
            f'<li><a rel="prev" title="{t} - Trang {prev}" href="{cat.page_path(prev)}">'
            "&laquo;</a></li>"
        )
    else:
        items.append('<li class="disabled"><a href="#">&laquo;</a></li>')
    for n in page_window(page, total_pages):
        if n is None:
            items.append('<li class="disabled"><span>...</span></li>')
        elif n == page:
            items.append(f'<li class="active"><a href="javascript:void(0)">{n}</a>')
        else:
            rel = ' rel="next"' if n > page else ' rel="prev"'
            items.append(
                f'<li><a{rel} title="{t} - Trang {n}" href="{cat.page_path(n)}">{n}</a></li>'
            )
    if page < total_pages:
        items.append(
            f'<li><a rel="next" title="{t} - Trang {page + 1}" href="{cat.page_path(page + 1)}">'
            "&raquo;</a></li>"
        )
    else:
        items.append('<li class="disabled"><a href="#">&raquo;</a></li>')
    return '<div class="text-center">\n<ul class="pagination">' + "".join(items) + "</ul></div>"


def render_listing(
    site: Site,
    category: Category,
    entries: Sequence[ListingEntry],
    page: int = 1,
    total_pages: int = 1,
    *,
    twelve_hour: bool = False,
) -> str:
    """Category listing page ``page`` of ``total_pages`` (first item "featured" with <h2>)."""
    parts = []
    if page == 1 and category.description:
        parts.append(
            '<div class="news_column">\n<div class="alert alert-info clearfix">\n'
            f"<h1>{esc(category.title)}</h1>\n"
            f'<p class="text-justify">{esc(category.description)}</p>\n</div>\n</div>'
        )
    items = [_listing_item(e, i == 0, twelve_hour) for i, e in enumerate(entries)]
    parts.append('<div class="news_column">\n' + "\n".join(items) + "\n</div>")
    if total_pages > 1 or page > 1:
        # A stray closing tag after the list, as NukeViet's template leaves it.
        parts.append(_pagination(category, page, total_pages) + "\n</div>")
    title = esc(category.title) + (f" - Trang {page}" if page > 1 else "")
    path = category.page_path(page)
    description = esc(category.description or category.title)
    meta = _og(site, title, description, site.abs_url(path))
    return _document(
        site,
        title=f"{title} - {esc(site.name)}",
        canonical_path=path,
        main="\n".join(parts),
        description=description,
        keywords=esc(category.keywords or category.title),
        meta=meta,
        crumbs=_cat_crumbs(site, category),
    )


def _lead_figure(article: ArticlePage) -> str:
    img = article.lead_image
    if img is None:
        return ""
    alt = nv_title(img.alt or article.title)
    if img.caption:
        cap = esc(img.caption)
        return (
            '<figure class="article left pointer" onclick="modalShowByObj(\'#imgpreview\');">\n'
            f'<div style="width:{img.width}px;">\n<p class="text-center"><img alt="{alt}" '
            f'src="{img.thumb}" class="img-thumbnail"/></p>\n<figcaption>{cap}</figcaption>\n'
            "</div>\n</figure>\n"
            '<div id="imgpreview" style="display:none">\n<p class="text-center"><img '
            f'alt="{alt}" src="{img.src}"/></p>\n<figcaption>{cap}</figcaption>\n</div>\n'
        )
    return (
        '<figure class="article left noncaption pointer" '
        "onclick=\"modalShowByObj('#imgpreview');\">\n"
        f'<div style="width:{img.width}px;">\n<p class="text-center"><img alt="{alt}" '
        f'src="{img.thumb}" class="img-thumbnail"/></p>\n</div>\n</figure>\n'
        '<div id="imgpreview" style="display:none">\n<p class="text-center"><img '
        f'alt="{alt}" src="{img.src}"/></p>\n</div>\n'
    )


def _attachments(article: ArticlePage) -> str:
    if not article.attachments:
        return ""
    rows = []
    for f in article.attachments:
        href = esc(article.download_href(f.download_id))
        rows.append(
            f'<div class="list-group-item">\n<a href="{href}" title="Tải về {esc(f.name)}" '
            f"download>Tải về: <strong>{esc(f.name)}</strong></a>\n</div>"
        )
    return (
        '<div class="panel panel-default">\n<div class="panel-heading">\n'
        '<i class="fa fa-download"></i> <strong>File đính kèm</strong>\n</div>\n'
        '<div class="list-group news-download-file">\n' + "\n".join(rows) + "\n</div>\n</div>\n"
    )


def _byline(article: ArticlePage) -> str:
    lines = []
    if article.author:
        lines.append(
            f'<p class="h5 text-right"><strong>Tác giả: </strong>{esc(article.author)}</p>'
        )
    if article.source:
        lines.append(
            f'<p class="h5 text-right"><strong>Nguồn tin: </strong>{esc(article.source)}</p>'
        )
    if not lines:
        return ""
    return '<div class="margin-bottom-lg">\n' + "\n".join(lines) + "\n</div>\n"


def _tags(article: ArticlePage) -> str:
    if not article.tags:
        return ""
    links = ", ".join(
        f'<a title="{esc(t)}" href="/tag/{tag_alias(t)}"><em>{esc(t)}</em></a>'
        for t in article.tags
    )
    return (
        '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
        f'<div class="h5">\n<em class="fa fa-tags">&nbsp;</em><strong>Tags: </strong>{links}\n'
        "</div>\n</div>\n</div>\n"
    )


def _rating(article: ArticlePage) -> str:
    stars = "".join(
        f'<input class="hover-star required" type="radio" value="{n}" title="{label}"/>'
        for n, label in enumerate(
            (
                "Bài viết rất kém",
                "Bài viết kém",
                "Bài viết đạt",
                "Bài viết tốt",
                "Bài viết rất tốt",
            ),
            start=1,
        )
    )
    return (
        '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
        '<form id="form3B" action="">\n<div class="h5 clearfix">\n'
        '<p id="stringrating">Tổng số điểm của bài viết là: 0 trong 0 đánh giá</p>\n'
        '<span itemscope itemtype="https://schema.org/AggregateRating"><span class="hidden '
        'd-none hide" itemprop="itemReviewed" itemscope itemtype="https://schema.org/'
        f'CreativeWork"><span class="hidden d-none hide" itemprop="name">{nv_title(article.title)}'
        '</span></span>Xếp hạng: <span id="numberrating" itemprop="ratingValue">0</span> - '
        '<span id="click_rating" itemprop="ratingCount">0</span> phiếu bầu<span class="hidden '
        'd-none hide" itemprop="bestRating">5</span></span>\n'
        f'<div style="padding: 5px;">\n{stars}\n</div>\n'
        '<span class="note" id="hover-test" style="margin-left:10px;">Click để đánh giá bài '
        "viết</span>\n</div>\n</form>\n</div>\n</div>\n"
    )


def _social(url: str) -> str:
    return (
        '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
        '<div class="socialicon clearfix">\n'
        f'<div class="fb-like" data-href="{url}" data-layout="button_count" data-action="like" '
        'data-show-faces="false" data-share="true">&nbsp;</div>\n'
        f'<div class="zalo-share-button" data-href="{url}" data-oaid="" data-layout="1" '
        'data-color="blue" data-customize="false"></div>\n</div>\n</div>\n</div>\n'
    )


def _comments(article: ArticlePage) -> str:
    shown = []
    for c in article.comments:
        shown.append(
            '<div class="comment-item media">\n<a class="pull-left" href="#"><img '
            'class="media-object bg-gainsboro" src="/themes/default/images/users/no_avatar.png" '
            f'alt="{esc(c.name)}" width="40"/></a>\n<div class="media-body">\n'
            f'<div class="media-heading"><strong>{esc(c.name)}</strong> - '
            f"{_local(c.time):%d/%m/%Y %H:%M}</div>\n{esc(c.text)}\n"
            '<div class="comment-info clearfix"><em class="fa fa-thumbs-o-up"></em> '
            '<a href="#" class="like">Thích</a></div>\n</div>\n</div>'
        )
    return (
        '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
        f'<div id="idcomment" class="nv-fullbg" data-module="news" data-content="'
        f'news_commentcontent" data-area="8" data-id="{article.id}" data-allowed="4" '
        f'data-checkss="{_token(str(article.id)).lower()}{_token(article.alias).lower()}">\n'
        '<div class="row clearfix margin-bottom-lg">\n<div class="col-xs-12 text-left">\n'
        '<p class="comment-title"><em class="fa fa-comments">&nbsp;</em> Ý kiến bạn đọc</p>\n'
        '</div>\n<div class="col-xs-12 text-right">\n<select class="form-control" '
        "onchange=\"nv_comment_sort_change(event, '#idcomment')\">\n"
        '<option value="0" selected="selected">Sắp xếp theo bình luận mới</option>\n'
        '<option value="1">Sắp xếp theo bình luận cũ</option>\n'
        '<option value="2">Sắp xếp theo số lượt thích</option>\n</select>\n</div>\n</div>\n'
        '<div id="showcomment" class="margin-bottom-lg">\n' + "\n".join(shown) + "\n</div>\n"
        '<div id="formcomment" class="comment-form">\n<div class="alert alert-danger fade in">'
        'Bạn cần <a title="Đăng nhập" href="#" onclick="return loginForm(\'\');">đăng nhập</a> '
        "để bình luận</div>\n</div>\n</div>\n</div>\n</div>\n"
    )


def _other_news(newer: Sequence[ListingEntry], older: Sequence[ListingEntry]) -> str:
    if not newer and not older:
        return ""

    def block(label: str, entries: Sequence[ListingEntry]) -> str:
        lis = []
        for e in entries:
            a = e.article
            t = nv_title(a.title)
            img = f' data-img="{a.lead_image.thumb}"' if a.lead_image else ""
            lis.append(
                f'<li>\n<em class="fa fa-angle-right">&nbsp;</em>\n<h4><a href="{e.link}" '
                f'data-placement="bottom" data-content="{esc(a.hometext)}"{img} '
                f'data-rel="tooltip" title="{t}">{t}</a></h4>\n'
                f"<em>({_local(a.publtime):%d/%m/%Y})</em>\n</li>"
            )
        return (
            f'<p class="h3"><strong>{label}</strong></p>\n<div class="clearfix">\n'
            '<ul class="detail-related related list-none list-items">\n'
            + "\n".join(lis)
            + "\n</ul>\n</div>\n"
        )

    inner = ""
    if newer:
        inner += block("Những tin mới hơn", newer)
    if older:
        inner += block("Những tin cũ hơn", older)
    return (
        '<div class="news_column panel panel-default">\n<div class="panel-body other-news">\n'
        + inner
        + "</div>\n</div>\n"
    )


def _article_meta(site: Site, article: ArticlePage, url: str, show_date: bool) -> list[str]:
    cat = site.category(article.cat_alias)
    description = esc(article.hometext or article.title)
    image = site.abs_url(article.lead_image.src if article.lead_image else LOGO_PATH)
    meta = _og(site, nv_title(article.title), description, url, kind="article")
    meta.insert(4, f'<meta property="og:image" content="{image}">')
    if show_date:
        meta.append(
            f'<meta property="article:published_time" content="'
            f'{malformed_meta_time(article.publtime)}">'
        )
    meta += [
        f'<meta property="article:modified_time" content="'
        f'{malformed_meta_time(article.modified)}">',
        f'<meta property="article:section" content="{esc(cat.title)}">',
    ]
    meta += [f'<meta property="article:tag" content="{esc(t)}">' for t in article.tags]
    return meta


def render_article(
    site: Site,
    article: ArticlePage,
    *,
    newer: Sequence[ListingEntry] = (),
    older: Sequence[ListingEntry] = (),
    show_date: bool = True,
) -> str:
    """An article page (news module detail.tpl); ``show_date=False`` drops every date shown."""
    url = site.abs_url(article.path)
    cat = site.category(article.cat_alias)
    t = nv_title(article.title)
    modified = iso_time(article.modified)
    image = site.abs_url(article.lead_image.src if article.lead_image else LOGO_PATH)
    print_path = f"/print/{article.cat_alias}/{article.alias}-{article.id}.html"
    mail_path = f"/sendmail/{article.cat_alias}/{article.alias}-{article.id}.html"
    save_path = f"/savefile/{article.cat_alias}/{article.alias}-{article.id}.html"
    opts = "resizable=no,scrollbars=yes,toolbar=no,location=no,status=no"
    date_html = f'<span class="h5">{date_line(article.publtime)}</span>' if show_date else ""
    main = (
        '<div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" '
        "itemscope>\n"
        '<div class="panel-body">\n'
        f'<h1 class="title margin-bottom-lg" itemprop="headline">{t}</h1>\n'
        '<div class="hidden hide d-none" itemprop="author" itemtype="http://schema.org/Person" '
        f'itemscope><span itemprop="name">{esc(article.author or article.poster)}</span></div>\n'
        f'<span class="hidden hide d-none" itemprop="datePublished">{modified}</span>\n'
        f'<span class="hidden hide d-none" itemprop="dateModified">{modified}</span>\n'
        f'<span class="hidden hide d-none" itemprop="mainEntityOfPage">{url}</span>\n'
        f'<span class="hidden hide d-none" itemprop="image">{image}</span>\n'
        '<div class="hidden hide d-none" itemprop="publisher" itemtype="http://schema.org/'
        f'Organization" itemscope>\n<span itemprop="name">{esc(site.name)}</span>\n'
        '<span itemprop="logo" itemtype="http://schema.org/ImageObject" itemscope><span '
        f'itemprop="url">{site.abs_url(LOGO_PATH)}</span></span>\n</div>\n'
        '<div class="row margin-bottom-lg">\n'
        f'<div class="col-md-12">\n{date_html}\n</div>\n'
        '<div class="col-md-12">\n<ul class="list-inline text-right">\n'
        '<li><a class="dimgray" rel="nofollow" title="Gửi bài viết qua email" '
        f"href=\"javascript:void(0);\" onclick=\"nv_open_browse('{mail_path}','',650,500,"
        f'\'{opts}\');return false"><em class="fa fa-envelope fa-lg">&nbsp;</em></a></li>\n'
        '<li><a class="dimgray" rel="nofollow" title="In ra" href="javascript:void(0);" '
        f"onclick=\"nv_open_browse('{print_path}','',840,500,'{opts}');return false\">"
        '<em class="fa fa-print fa-lg">&nbsp;</em></a></li>\n'
        f'<li><a class="dimgray" rel="nofollow" title="Lưu bài viết này" href="{save_path}">'
        '<em class="fa fa-save fa-lg">&nbsp;</em></a></li>\n'
        "</ul>\n</div>\n</div>\n"
        '<div class="clearfix">\n'
        f"{_lead_figure(article)}"
        f'<div class="hometext m-bottom" itemprop="description">{esc(article.hometext)}</div>\n'
        "</div>\n"
        '<div id="news-bodyhtml" class="bodytext margin-bottom-lg">\n'
        f"{article.body_html}\n"
        "</div>\n"
        f"{_attachments(article)}"
        f"{_byline(article)}"
        "</div>\n</div>\n"
        f"{_tags(article)}"
        f"{_rating(article)}"
        f"{_social(url)}"
        f"{_comments(article)}"
        f"{_other_news(newer, older)}"
    )
    return _document(
        site,
        title=f"{t} - {esc(site.name)}",
        canonical_path=article.path,
        main=main,
        description=esc(article.hometext or article.title),
        keywords=esc(article.keywords),
        meta=_article_meta(site, article, url, show_date),
        crumbs=_cat_crumbs(site, cat),
    )


def render_article_mobile(site: Site, article: ArticlePage) -> str:
    """The same article as NukeViet's mobile theme serves it to phones (no #news-bodyhtml)."""
    url = site.abs_url(article.path)
    t = nv_title(article.title)
    figure = ""
    if article.lead_image:
        img = article.lead_image
        cap = f"<figcaption>{esc(img.caption)}</figcaption>" if img.caption else ""
        figure = (
            f'<figure class="article"><img alt="{nv_title(img.alt or article.title)}" '
            f'src="{img.src}" class="img-responsive"/>{cap}</figure>\n'
        )
    byline = ""
    if article.author:
        byline += f'<p class="text-right"><strong>Tác giả: </strong>{esc(article.author)}</p>\n'
    if article.source:
        byline += f'<p class="text-right"><strong>Nguồn tin: </strong>{esc(article.source)}</p>\n'
    tags = ""
    if article.tags:
        tags = (
            '<div class="tags"><em class="fa fa-tags">&nbsp;</em>'
            + ", ".join(
                f'<a title="{esc(x)}" href="/tag/{tag_alias(x)}">{esc(x)}</a>' for x in article.tags
            )
            + "</div>\n"
        )
    lines = [
        "<!DOCTYPE html>",
        '<html lang="vi">',
        "<head>",
        f"<title>{t} - {esc(site.name)}</title>",
        '<meta charset="UTF-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">',
        f'<meta name="description" content="{esc(article.hometext or article.title)}">',
        f'<meta name="keywords" content="{esc(article.keywords)}">',
        *_article_meta(site, article, url, show_date=True),
        f'<link rel="canonical" href="{url}">',
        f'<link rel="StyleSheet" href="/themes/mobile_default/css/style.css?t={ASSET_VERSION}">',
        f'<script src="/assets/js/jquery/jquery.min.js?t={ASSET_VERSION}"></script>',
        "</head>",
        "<body>",
        '<div id="wrapper">',
        '<header class="header clearfix">',
        f'<div class="logo"><a href="/" title="{esc(site.name)}"><img src="{LOGO_PATH}" '
        f'alt="{esc(site.name)}" height="40"/></a><span class="site_name">{esc(site.name)}</span>'
        "</div>",
        '<div class="menu-toggle"><a href="#" onclick="showMenu();return false;"><em '
        'class="fa fa-bars fa-lg"></em></a></div>',
        "</header>",
        '<div id="body">',
        '<div class="news_column">',
        '<div class="detail">',
        f"<h1>{t}</h1>",
        f'<div class="meta clearfix"><span>{date_line(article.publtime)}</span> <span '
        f'class="pull-right"><em class="fa fa-eye">&nbsp;</em> {_num(article.hits)}</span></div>',
        f'<div class="hometext">{esc(article.hometext)}</div>',
        figure + f'<div class="bodytext">\n{article.body_html}\n</div>',
        byline + tags + "</div>",
        "</div>",
        "</div>",
        '<footer class="footer"><p>© ' + esc(site.name) + "</p>"
        '<p><a href="/?nvvithemever=d&amp;nv_redirect=' + esc(article.path) + '">'
        "Giao diện máy tính</a></p></footer>",
        "</div>",
        '<div id="timeoutsess" class="chromeframe">',
        '    Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="#">Bấm vào đây '
        'để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 </span> '
        "giây",
        "</div>",
        '<div id="openidResult" class="nv-alert" style="display:none"></div>'
        '<div id="openidBt" data-result="" data-redirect=""></div>',
        f'<img src="/index.php?second=cronjobs&amp;p={_token(article.path + "m")}" width="1" '
        'height="1" alt="" />',
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(lines)


def render_rss(
    site: Site,
    articles: Sequence[ArticlePage],
    category: Category | None = None,
    *,
    limit: int = 30,
) -> str:
    """RSS 2.0 feed of the newest ``limit`` articles (``/rss/`` or ``/rss/<cat>/``)."""
    items = sorted(articles, key=lambda a: (a.publtime, a.id), reverse=True)[:limit]
    if category:
        title = f"{site.module_title} - {category.title}"
        link, self_link = category.path, f"/rss/{category.alias}/"
    else:
        title, link, self_link = site.module_title, "/", "/rss/"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">',
        "<channel>",
        f"<title>{_xml(title)}</title>",
        f"<link>{site.abs_url(link)}</link>",
        f'<atom:link href="{site.abs_url(self_link)}" rel="self" type="application/rss+xml"/>',
        f"<description>{_xml(site.name)} - {_xml(site.base_url)}</description>",
        "<language>vi</language>",
        f"<copyright>{_xml(site.name)}</copyright>",
        f"<docs>{site.abs_url('/rss/')}</docs>",
        "<generator>NukeViet v4.5</generator>",
    ]
    if items:
        out.append(f"<pubDate>{rss_time(items[0].publtime)}</pubDate>")
    out += [
        "<image>",
        f"<url>{site.abs_url(LOGO_PATH)}</url>",
        f"<title>{_xml(title)}</title>",
        f"<link>{site.abs_url(link)}</link>",
        "<width>90</width>",
        "<height>90</height>",
        "</image>",
    ]
    for a in items:
        img = ""
        if a.lead_image:
            img = (
                f'<img src="{site.abs_url(a.lead_image.thumb)}" width="100" align="left" '
                'border="0">'
            )
        out += [
            "<item>",
            f"<title>{nv_title(a.title)}</title>",
            f"<link>{site.abs_url(a.path)}</link>",
            f'<guid isPermaLink="false">news_{a.id}</guid>',
            f"<description><![CDATA[{img}{esc(a.hometext)}]]></description>",
            f"<pubDate>{rss_time(a.publtime)}</pubDate>",
            "</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def render_sitemap_index(
    sitemaps: Sequence[tuple[str, datetime]], base_url: str = DEFAULT_BASE_URL
) -> str:
    """``/sitemap.xml``: an index of (site-relative path, lastmod) module sitemaps."""
    base = base_url.rstrip("/")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml-stylesheet type="text/xsl" href="{base}/themes/default/css/sitemapindex.xsl"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path, lastmod in sitemaps:
        out += [
            "<sitemap>",
            f"<loc>{base}{path}</loc>",
            f"<lastmod>{iso_time(lastmod)}</lastmod>",
            "</sitemap>",
        ]
    out += ["</sitemapindex>", ""]
    return "\n".join(out)


def render_news_sitemap(
    articles: Sequence[ArticlePage], base_url: str = DEFAULT_BASE_URL, *, limit: int = 1000
) -> str:
    """``/sitemap-vi.news.xml``: canonical URLs, lastmod = publication time, newest first."""
    base = base_url.rstrip("/")
    items = sorted(articles, key=lambda a: (a.publtime, a.id), reverse=True)[:limit]
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<?xml-stylesheet type="text/xsl" href="{base}/themes/default/css/sitemap.xsl"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for a in items:
        out += [
            "<url>",
            f"<loc>{base}{a.path}</loc>",
            f"<lastmod>{iso_time(a.publtime)}</lastmod>",
            "<changefreq>daily</changefreq>",
            "<priority>0.8</priority>",
            "</url>",
        ]
    out += ["</urlset>", ""]
    return "\n".join(out)


def render_robots(base_url: str = DEFAULT_BASE_URL) -> str:
    """NukeViet's robots.txt."""
    disallow = ["/admin/", "/data/", "/includes/", "/modules/", "/users/", "/statistics/"]
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in disallow)]
    lines += ["", f"Sitemap: {base_url.rstrip('/')}/sitemap.xml", ""]
    return "\n".join(lines)


def render_not_found(site: Site) -> str:
    """NukeViet's 404 page (``nv_info_die``): a bare page outside the theme."""
    name = esc(site.name)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="vi">',
            "<head>",
            '<meta charset="UTF-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
            '<meta name="robots" content="noindex, nofollow">',
            f"<title>Lỗi 404&#x3A; Không tìm thấy trang - {name}</title>",
            '<link rel="shortcut icon" href="/favicon.ico">',
            f'<link rel="StyleSheet" href="/themes/default/css/info_die.css?t={ASSET_VERSION}">',
            "</head>",
            "<body>",
            '<div id="wrapper">',
            '<div id="infodie">',
            f'<div class="logo"><a title="{name}" href="/"><img src="{LOGO_PATH}" alt="{name}" '
            'width="90" height="90"/></a></div>',
            '<div class="info-title"><h1>Lỗi 404&#x3A; Không tìm thấy trang</h1></div>',
            '<div class="info-content">Xin lỗi, trang bạn yêu cầu không tồn tại hoặc đã bị xóa. '
            'Vui lòng quay lại <a href="/">trang chủ</a> hoặc sử dụng chức năng tìm kiếm.</div>',
            '<div class="info-footer"><a href="/">' + name + "</a></div>",
            "</div>",
            "</div>",
            '<div id="timeoutsess" class="chromeframe">',
            '    Bạn đã không sử dụng Site, <a onclick="timeoutsesscancel();" href="#">Bấm vào đây '
            'để duy trì trạng thái đăng nhập</a>. Thời gian chờ: <span id="secField"> 60 </span> '
            "giây",
            "</div>",
            "<noscript>Trình duyệt của bạn đã tắt JavaScript.</noscript>",
            "</body>",
            "</html>",
            "",
        ]
    )
