"""Time zones: validation, conversion to the viewer's zone, formatting."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

UTC = timezone.utc
# The one way a moment is written for people: "Tue 01 Dec 2026, 19:00 CET", in their own zone.
WHEN_FORMAT = "%a %d %b %Y, %H:%M %Z"


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


def is_valid_zone(name: str | None) -> bool:
    if not name or name not in set(all_zones()):
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_zone(dt: datetime, tz_name: str | None) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(zone(tz_name))
    except OverflowError:  # a row from before the date window, at the calendar's edge: shown in UTC
        return dt.astimezone(UTC)


def format_local(dt: datetime | None, tz_name: str | None, fmt: str = WHEN_FORMAT) -> str:
    if dt is None:
        return ""
    return to_zone(dt, tz_name).strftime(fmt)


def humanize_delta(seconds: float) -> str:
    """'3 days', '5 hours', '12 minutes' — for waits and 'last seen'."""
    seconds = max(0, int(seconds))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return "less than a minute"
