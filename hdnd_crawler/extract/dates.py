"""Vietnamese date strings as NukeViet prints them → timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

# "Thứ tư - 29/12/2021 09:00", "10/07/2024 17:25:00", "10/07/2024 05:25:00 PM" (older 12-hour
# clock; "SA"/"CH" are the Vietnamese AM/PM).
_DMY_TIME = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:\D{1,5}?(?P<H>\d{1,2})[:hg](?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ampm>AM|PM|SA|CH)?)?",
    re.IGNORECASE,
)
_PM = {"pm", "ch"}


def parse_vn_datetime(text: str, tz: str) -> datetime | None:
    """The first ``dd/mm/yyyy [HH:MM[:SS] [AM|PM]]`` in ``text``, in zone ``tz``; None if absent."""
    match = _DMY_TIME.search(text or "")
    if not match:
        return None
    hour = int(match["H"] or 0)
    ampm = (match["ampm"] or "").lower()
    if ampm and hour == 12:
        hour = 0
    if ampm in _PM:
        hour += 12
    try:
        return datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            hour,
            int(match["M"] or 0),
            int(match["S"] or 0),
            tzinfo=ZoneInfo(tz),
        )
    except ValueError:
        return None


def parse_iso_datetime(text: str, tz: str) -> datetime | None:
    """An ISO 8601 timestamp converted to zone ``tz``; naive values are taken as local."""
    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    zone = ZoneInfo(tz)
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


# NukeViet prints article:published_time as "2021-12-08+0710:20:00": the offset's hours run
# into the time. Read the date, the offset hours and the time separately.
_NUKEVIET_META = re.compile(r"(\d{4}-\d{2}-\d{2})\s*([+-]\d{2})(\d{2}:\d{2}(?::\d{2})?)")


def parse_nukeviet_meta_time(text: str, tz: str) -> datetime | None:
    """The publication time of NukeViet's malformed ``article:published_time`` meta tag."""
    match = _NUKEVIET_META.fullmatch((text or "").strip())
    if not match:
        return parse_iso_datetime(text, tz)
    date, hours, time = match.groups()
    return parse_iso_datetime(f"{date}T{time}{hours}:00", tz)


def isoformat(value: datetime | None) -> str | None:
    """``2024-07-10T17:25:00+07:00``: seconds always, offset always."""
    return value.isoformat(timespec="seconds") if value else None
