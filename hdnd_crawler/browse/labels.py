"""The words of the pages a reader sees, in Vietnamese, and in English for foreign researchers.

Vietnamese is the default; ``?_lang=en`` on any page shows it in English (an argument starting
with ``_``, since Datasette reads any other as a column filter).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
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
        "archived_sites": "Các trang được lưu",
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
        # Datasette's own pages: the database, a table with all its fields, SQL, a row, errors.
        "rows": "{n} dòng",
        "many_rows": "Rất nhiều dòng",
        "tables": "Bảng",
        "views": "Khung nhìn",
        "view": "khung nhìn",
        "queries": "Truy vấn có sẵn",
        "hidden": "ẩn",
        "hidden_tables": "… và {n} bảng ẩn",
        "sql_query": "Truy vấn SQL",
        "returning": "trả về",
        "more_than": "hơn",
        "run_sql": "Chạy SQL",
        "format_sql": "Định dạng SQL",
        "edit_sql": "Sửa SQL",
        "view_edit_sql": "Xem và sửa SQL",
        "show": "hiện",
        "hide": "ẩn",
        "query_parameters": "Tham số truy vấn",
        "immutable": "Không chạy được truy vấn này: cơ sở dữ liệu chỉ đọc.",
        "attached": "Các cơ sở dữ liệu sau được gắn vào kết nối này, dùng được để nối bảng:",
        "download_db": "Tải cơ sở dữ liệu SQLite:",
        "this_data_as": "Dữ liệu này dạng",
        "advanced": "nâng cao",
        "zero_results": "Không có kết quả.",
        "zero_rows": "Không có dòng nào.",
        "remove_filter": "- bỏ bộ lọc -",
        "column": "- cột -",
        "sort": "Sắp xếp…",
        "sort_by": "Sắp xếp theo {c}",
        "descending": "giảm dần",
        "apply": "Áp dụng",
        "extra_wheres": "{n} điều kiện where thêm",
        "remove": "bỏ",
        "facets_timed_out": "Các nhóm đếm sau chạy quá thời gian:",
        "suggested_facets": "Gợi ý đếm theo cột:",
        "advanced_export": "Xuất dữ liệu nâng cao",
        "json_shape": "Dạng JSON:",
        "shape_default": "mặc định",
        "shape_array": "mảng",
        "shape_newline": "mỗi dòng một bản ghi",
        "shape_object": "đối tượng",
        "csv_options": "Tùy chọn CSV:",
        "download_file": "tải về thành tệp",
        "expand_labels": "kèm nhãn",
        "stream_all": "mọi dòng",
        "export_csv": "Xuất CSV",
        "links_from_other_tables": "Liên kết từ các bảng khác",
        "rows_from": "{rows} trong bảng {table} (cột {column})",
        # "where …, … and … sorted by …" under a table's count, Datasette's human_description_en.
        "where": "có {clauses}",
        "and": " và ",
        "search_matches": 'khớp tìm kiếm "{v}"',
        "sorted_by": "xếp theo {c}",
        "sorted_by_desc": "xếp theo {c} giảm dần",
        # The column menu Datasette's table.js writes.
        "sort_ascending": "Sắp xếp tăng dần",
        "sort_descending": "Sắp xếp giảm dần",
        "facet_by_this": "Đếm theo cột này",
        "hide_column": "Ẩn cột này",
        "show_all_columns": "Hiện mọi cột",
        "show_not_blank": "Chỉ các dòng có giá trị",
        "remove_this_filter": "Bỏ bộ lọc này",
        # The footer, and the page's menu.
        "powered_by": "Chạy trên",
        "queries_took": "Truy vấn mất {ms} ms",
        "data_license": "Giấy phép dữ liệu:",
        "data_source": "Nguồn dữ liệu:",
        "about": "Giới thiệu:",
        "menu": "Trình đơn",
        "log_out": "Đăng xuất",
        # Error pages; Datasette's messages are the keys of ERRORS.
        "error": "Lỗi {status}",
        "not_found": "Không tìm thấy",
        "no_such_page": "Không có trang nào ở địa chỉ này.",
        "no_database": "Không có cơ sở dữ liệu này.",
        "no_table": "Không có bảng này.",
        "no_record": "Không có dòng này.",
        "invalid_sql": "SQL không hợp lệ",
        "back_home": "Về trang chủ",
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
        "archived_sites": "Sites archived",
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
        "rows": "{n} rows",
        "rows_one": "{n} row",
        "many_rows": "Many rows",
        "tables": "Tables",
        "views": "Views",
        "view": "view",
        "queries": "Queries",
        "hidden": "hidden",
        "hidden_tables": "... and {n} hidden tables",
        "hidden_tables_one": "... and {n} hidden table",
        "sql_query": "Custom SQL query",
        "returning": "returning",
        "more_than": "more than",
        "run_sql": "Run SQL",
        "format_sql": "Format SQL",
        "edit_sql": "Edit SQL",
        "view_edit_sql": "View and edit SQL",
        "show": "show",
        "hide": "hide",
        "query_parameters": "Query parameters",
        "immutable": "This query cannot be executed because the database is immutable.",
        "attached": "The following databases are attached to this connection, and can be used"
        " for cross-database joins:",
        "download_db": "Download SQLite DB:",
        "this_data_as": "This data as",
        "advanced": "advanced",
        "zero_results": "0 results",
        "zero_rows": "0 records",
        "remove_filter": "- remove filter -",
        "column": "- column -",
        "sort": "Sort...",
        "sort_by": "Sort by {c}",
        "descending": "descending",
        "apply": "Apply",
        "extra_wheres": "{n} extra where clauses",
        "extra_wheres_one": "{n} extra where clause",
        "remove": "remove",
        "facets_timed_out": "These facets timed out:",
        "suggested_facets": "Suggested facets:",
        "advanced_export": "Advanced export",
        "json_shape": "JSON shape:",
        "shape_default": "default",
        "shape_array": "array",
        "shape_newline": "newline-delimited",
        "shape_object": "object",
        "csv_options": "CSV options:",
        "download_file": "download file",
        "expand_labels": "expand labels",
        "stream_all": "stream all rows",
        "export_csv": "Export CSV",
        "links_from_other_tables": "Links from other tables",
        "rows_from": "{rows} from {column} in {table}",
        "where": "where {clauses}",
        "and": " and ",
        "search_matches": 'search matches "{v}"',
        "sorted_by": "sorted by {c}",
        "sorted_by_desc": "sorted by {c} descending",
        "sort_ascending": "Sort ascending",
        "sort_descending": "Sort descending",
        "facet_by_this": "Facet by this",
        "hide_column": "Hide this column",
        "show_all_columns": "Show all columns",
        "show_not_blank": "Show not-blank rows",
        "remove_this_filter": "Remove this filter",
        "powered_by": "Powered by",
        "queries_took": "Queries took {ms} ms",
        "data_license": "Data license:",
        "data_source": "Data source:",
        "about": "About:",
        "menu": "Menu",
        "log_out": "Log out",
        "error": "Error {status}",
        "not_found": "Not found",
        "no_such_page": "There is no page at this address.",
        "no_database": "Database not found.",
        "no_table": "Table not found.",
        "no_record": "Record not found.",
        "invalid_sql": "Invalid SQL",
        "back_home": "Back to the home page",
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

# Datasette's filters (datasette/filters.py): each lookup's name in the filter form, and how
# the count above a table says it ({c} the column, {v} the value, {q} the value quoted unless a
# number).
LOOKUPS: dict[str, dict[str, tuple[str, str]]] = {
    "vi": {
        "exact": ("=", "{c} = {q}"),
        "not": ("≠", "{c} ≠ {q}"),
        "contains": ("chứa", '{c} chứa "{v}"'),
        "endswith": ("kết thúc bằng", '{c} kết thúc bằng "{v}"'),
        "startswith": ("bắt đầu bằng", '{c} bắt đầu bằng "{v}"'),
        "gt": (">", "{c} > {v}"),
        "gte": ("≥", "{c} ≥ {v}"),
        "lt": ("<", "{c} < {v}"),
        "lte": ("≤", "{c} ≤ {v}"),
        "like": ("khớp mẫu like", '{c} khớp mẫu like "{v}"'),
        "notlike": ("không khớp mẫu like", '{c} không khớp mẫu like "{v}"'),
        "glob": ("khớp mẫu glob", '{c} khớp mẫu glob "{v}"'),
        "in": ("thuộc", "{c} thuộc [{v}]"),
        "notin": ("không thuộc", "{c} không thuộc [{v}]"),
        "arraycontains": ("danh sách chứa", '{c} chứa "{v}"'),
        "arraynotcontains": ("danh sách không chứa", '{c} không chứa "{v}"'),
        "date": ("vào ngày", "{c} vào ngày {v}"),
        "isnull": ("không có giá trị (null)", "{c} không có giá trị"),
        "notnull": ("có giá trị (not null)", "{c} có giá trị"),
        "isblank": ("trống", "{c} trống"),
        "notblank": ("không trống", "{c} không trống"),
    },
    "en": {
        "exact": ("=", "{c} = {q}"),
        "not": ("!=", "{c} != {q}"),
        "contains": ("contains", '{c} contains "{v}"'),
        "endswith": ("ends with", '{c} ends with "{v}"'),
        "startswith": ("starts with", '{c} starts with "{v}"'),
        "gt": (">", "{c} > {v}"),
        "gte": ("≥", "{c} ≥ {v}"),
        "lt": ("<", "{c} < {v}"),
        "lte": ("≤", "{c} ≤ {v}"),
        "like": ("like", '{c} like "{v}"'),
        "notlike": ("not like", '{c} not like "{v}"'),
        "glob": ("glob", '{c} glob "{v}"'),
        "in": ("in", "{c} in [{v}]"),
        "notin": ("not in", "{c} not in [{v}]"),
        "arraycontains": ("array contains", '{c} contains "{v}"'),
        "arraynotcontains": ("array does not contain", '{c} does not contain "{v}"'),
        "date": ("date", '"{c}" is on date {v}'),
        "isnull": ("is null", "{c} is null"),
        "notnull": ("is not null", "{c} is not null"),
        "isblank": ("is blank", "{c} is blank"),
        "notblank": ("is not blank", "{c} is not blank"),
    },
}

# Datasette's error messages and titles a reader may meet, and the words saying them.
ERRORS = {
    "404": "no_such_page",
    "Database not found": "no_database",
    "Table not found": "no_table",
    "Record not found": "no_record",
    "Invalid SQL": "invalid_sql",
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


def language(request: Any) -> str:
    """The page's language: Vietnamese unless the reader asked for English."""
    asked = request.args.get("_lang") if request is not None else None
    return asked if asked in LANGUAGES else "vi"


def number(n: int, lang: str) -> str:
    """A count as the language writes it: 12.345 in Vietnamese, 12,345 in English."""
    written = f"{n:,}"
    return written.replace(",", ".") if lang == "vi" else written


def counted(n: int, noun: str, lang: str) -> str:
    """``n`` things in ``lang``: the word's ``_one`` form for one, where the language has one."""
    words = WORDS[lang]
    form = words.get(f"{noun}_one", words[noun]) if n == 1 else words[noun]
    return form.format(n=number(n, lang))


def describe(
    lang: str,
    selections: Iterable[tuple[str, str, str]],
    search: str | None,
    sort: str | None,
    sort_desc: str | None,
) -> str:
    """What a table page shows ("where title contains "x" sorted by rowid descending"), the
    words of Datasette's ``human_description_en`` in ``lang``, from the same filters."""
    words, lookups = WORDS[lang], LOOKUPS[lang]
    clauses = [words["search_matches"].format(v=search)] if search else []
    for column, lookup, value in selections:
        if lookup in lookups:
            quoted = value if value.isdigit() else f'"{value}"'
            clauses.append(lookups[lookup][1].format(c=column, v=value, q=quoted))
    described = []
    if clauses:
        listed = ", ".join(clauses[:-1])
        joined = words["and"].join([listed, clauses[-1]] if listed else clauses)
        described.append(words["where"].format(clauses=joined))
    if sort or sort_desc:
        described.append(
            words["sorted_by_desc" if sort_desc else "sorted_by"].format(c=sort or sort_desc)
        )
    return " ".join(described)


def error_words(text: Any, lang: str) -> Any:
    """A Datasette error message or title in ``lang``; any other (SQLite's, the plugin's) as is."""
    key = ERRORS.get(str(text))
    return WORDS[lang][key] if key else text


def words_for(lang: str) -> dict[str, Any]:
    """The template variables of a page in ``lang``: its words, and how to keep the choice."""
    words = WORDS[lang]
    return {
        "hdnd_lang": lang,
        "t": words,
        "facet_labels": {column: words[key] for column, key in FACET_WORDS.items()},
        "lookup_names": {key: name for key, (name, _) in LOOKUPS[lang].items()},
        # Appended to the links the templates write, so that English stays English.
        "lang_arg": "_lang=en" if lang == "en" else "",
        "number": partial(number, lang=lang),
        "counted": partial(counted, lang=lang),
        "describe_rows": partial(describe, lang),
        "error_words": partial(error_words, lang=lang),
    }
