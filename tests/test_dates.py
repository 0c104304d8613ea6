from hdnd_crawler.extract.dates import (
    isoformat,
    parse_iso_datetime,
    parse_nukeviet_meta_time,
    parse_vn_datetime,
)

TZ = "Asia/Ho_Chi_Minh"


def test_article_date_line():
    value = parse_vn_datetime("Thứ tư - 29/12/2021 09:00", TZ)
    assert isoformat(value) == "2021-12-29T09:00:00+07:00"


def test_listing_times_on_both_clocks():
    assert isoformat(parse_vn_datetime("10/07/2024 17:25:00", TZ)) == "2024-07-10T17:25:00+07:00"
    assert isoformat(parse_vn_datetime("10/07/2024 05:25:00 PM", TZ)) == "2024-07-10T17:25:00+07:00"
    assert isoformat(parse_vn_datetime("10/07/2024 12:05:00 AM", TZ)) == "2024-07-10T00:05:00+07:00"


def test_iso_times_are_converted_to_local_time():
    assert isoformat(parse_iso_datetime("2024-07-10T10:25:00Z", TZ)) == "2024-07-10T17:25:00+07:00"
    assert isoformat(parse_iso_datetime("2024-07-10T17:25:00", TZ)) == "2024-07-10T17:25:00+07:00"


def test_no_date_is_none():
    assert parse_vn_datetime("Đã xem: 894", TZ) is None
    assert parse_vn_datetime("31/02/2024 10:00", TZ) is None
    assert parse_iso_datetime("2021-12-08+0710:20:00", TZ) is None


def test_nukeviets_malformed_meta_time():
    value = parse_nukeviet_meta_time("2021-12-08+0710:20:00", TZ)
    assert isoformat(value) == "2021-12-08T10:20:00+07:00"
    assert isoformat(parse_nukeviet_meta_time("2021-12-08T10:20:00+07:00", TZ)) == (
        "2021-12-08T10:20:00+07:00"
    )
