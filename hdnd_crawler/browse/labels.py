"""The words of the pages a reader sees, in Vietnamese, and in English for foreign researchers.

Vietnamese is the default; ``?_lang=en`` on any page shows it in English (an argument starting
with ``_``, since Datasette reads any other as a column filter).
"""

from __future__ import annotations

from typing import Any

from hdnd_crawler.archive.readings import DESCRIBED

LANGUAGES = ("vi", "en")

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "home_title": "Kho lưu trữ tin bài",
        "home_intro": (
            "Tin bài và văn bản do các trang thông tin điện tử của Đoàn ĐBQH và HĐND đăng, được"
            " lưu lại kèm bản ghi WARC để trích dẫn."
        ),
        "search": "Tìm kiếm",
        "search_button": "Tìm",
        "search_placeholder": 'Ví dụ: ky hop hdnd, "nghị quyết 12"',
        "search_help": (
            "Gõ có dấu hay không dấu đều được; chữ viết tắt tìm cả dạng đầy đủ (HĐND, Hội đồng"
            " nhân dân). Bài tìm được chứa mọi từ đã gõ; đặt trong ngoặc kép để tìm nguyên cụm."
        ),
        "all_articles": "Tất cả bài viết",
        "other_data": "Dữ liệu khác (phiên bản cũ, tệp đính kèm, nhật ký thu thập)",
        "articles": "bài viết",
        "date": "Ngày đăng",
        "title": "Tiêu đề",
        "site": "Trang",
        "category": "Chuyên mục",
        "categories": "Có trong chuyên mục",
        "year": "Năm",
        "author": "Tác giả",
        "snippet": "Đoạn trích",
        "no_results": "Không tìm thấy bài viết nào.",
        "no_results_for": "Không tìm thấy bài viết nào chứa",
        "follow_search": "Theo dõi tìm kiếm này (Atom)",
        "facets_newest": "Số đếm bên dưới chỉ tính {n} bài mới nhất tìm được.",
        "see_changes": "xem thay đổi",
        "as_captured": "xem trang như lúc lưu",
        "results_for": "Kết quả tìm kiếm",
        "newest_first": "Mới nhất trước.",
        "ranked": "Phù hợp nhất trước",
        "newest": "Mới nhất trước",
        "next_page": "Trang sau",
        "download": "Tải dữ liệu:",
        "all_fields": "mọi trường (bảng đầy đủ)",
        "other_language": "English",
        "article_list": "Danh sách bài viết",
        "published": "Đăng",
        "source": "Nguồn",
        "gone": "Trang không còn đăng bài này từ",
        "html_cleaned": "HTML như đã đăng (đã làm sạch)",
        "attachments": "Tệp đính kèm",
        "bytes": "byte",
        "characters_of_text": "ký tự văn bản",
        "file_text": "Văn bản trích từ tệp",
        "image_not_archived": "Ảnh chưa được lưu",
        "capture": "Bản lưu",
        "fetched": "Thời điểm tải",
        "warc_file": "Tệp WARC",
        "record": "Bản ghi",
        "payload_digest": "Mã băm nội dung",
        "archived": "Lưu trữ",
        "first": "lần đầu",
        "last_read": "đọc lần cuối",
        "earlier_versions": "phiên bản trước trong",
        "how_to_cite": "Cách trích dẫn",
        "all_fields_heading": "Mọi trường",
        # The breadcrumbs: Datasette's labels, the database's and tables' names.
        "crumb_home": "Trang chủ",
        "crumb_hdnd": "Dữ liệu",
        "crumb_articles": "Bài viết",
        # What a search found (hdnd_crawler/browse/summary.py).
        "found": "Tìm thấy",
        "read_as": "đọc là",
        "ranked_among": "xếp hạng trong {n} bài mới nhất tìm được",
        "try_instead": "Thử",
    },
    "en": {
        "home_title": "Archive of news articles",
        "home_intro": (
            "News and documents published by the websites of the National Assembly Deputies'"
            " Delegation and the People's Council, kept with their WARC captures for citation."
        ),
        "search": "Search",
        "search_button": "Search",
        "search_placeholder": 'e.g. ky hop hdnd, "nghị quyết 12"',
        "search_help": (
            "Diacritics are optional; abbreviations find their long forms (HĐND, Hội đồng nhân"
            " dân). Articles found hold every word typed; quotes keep an exact phrase."
        ),
        "all_articles": "All articles",
        "other_data": "Other data (earlier versions, attachments, crawl log)",
        "articles": "articles",
        "date": "Published",
        "title": "Title",
        "site": "Site",
        "category": "Category",
        "categories": "Listed in category",
        "year": "Year",
        "author": "Author",
        "snippet": "Passage",
        "no_results": "No article found.",
        "no_results_for": "No article found holding",
        "follow_search": "Follow this search (Atom)",
        "facets_newest": "The counts below cover the newest {n} matches only.",
        "see_changes": "see what changed",
        "as_captured": "see the page as captured",
        "results_for": "Search results",
        "newest_first": "Newest first.",
        "ranked": "Best matches first",
        "newest": "Newest first",
        "next_page": "Next page",
        "download": "Download:",
        "all_fields": "all fields (full table)",
        "other_language": "Tiếng Việt",
        "article_list": "Articles",
        "published": "Published",
        "source": "Source",
        "gone": "No longer served by the site since",
        "html_cleaned": "HTML as published, cleaned",
        "attachments": "Attachments",
        "bytes": "bytes",
        "characters_of_text": "characters of text",
        "file_text": "Text extracted from the file",
        "image_not_archived": "Image not archived",
        "capture": "Capture",
        "fetched": "Fetched",
        "warc_file": "WARC file",
        "record": "Record",
        "payload_digest": "Payload digest",
        "archived": "Archived",
        "first": "first",
        "last_read": "last read",
        "earlier_versions": "earlier versions in",
        "how_to_cite": "How to cite",
        "all_fields_heading": "All fields",
        "crumb_home": "Home",
        "crumb_hdnd": "Data",
        "crumb_articles": "Articles",
        "found": "Found",
        "read_as": "read as",
        "ranked_among": "ranked among the newest {n} found",
        "try_instead": "Try",
    },
}

# Facets named for people; the articles columns they count.
FACET_WORDS = {
    "main_category": "category",
    "categories": "categories",
    "published_year": "year",
    "author": "author",
    "site": "site",
}


# How a query was read (hdnd_crawler.archive.readings.Reading.describe), in each language.
READING_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "or": "HOẶC",
        "phrase_first": "«{whole}» liền nhau trước, rồi các bài có đủ: {every}",
        "all_of": "các bài có đủ: {every}",
        "nothing": "không có từ nào để tìm",
    },
    "en": DESCRIBED,
}


def number(n: int, lang: str) -> str:
    """``n`` as readers write it: 45.404 in Vietnamese, 45,404 in English."""
    written = f"{n:,}"
    return written.replace(",", ".") if lang == "vi" else written


def language(request: Any) -> str:
    """The page's language: Vietnamese unless the reader asked for English."""
    asked = request.args.get("_lang") if request is not None else None
    return asked if asked in LANGUAGES else "vi"


def words_for(lang: str) -> dict[str, Any]:
    """The template variables of a page in ``lang``: its words, and how to keep the choice."""
    words = WORDS[lang]
    return {
        "hdnd_lang": lang,
        "t": words,
        "facet_labels": {column: words[key] for column, key in FACET_WORDS.items()},
        # Appended to the links the templates write, so that English stays English.
        "lang_arg": "_lang=en" if lang == "en" else "",
    }
