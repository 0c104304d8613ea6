"""Pure extraction: functions of (response bytes, URL, Site). No I/O, no clock, no spider state."""
