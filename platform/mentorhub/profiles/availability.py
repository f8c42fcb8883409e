"""Weekly availability across time zones. Pure functions: no database, no Flask.

A window is ``(weekday, start_minute, end_minute)`` in the owner's local wall-clock time
(weekday 0 = Monday, minutes after local midnight, ``end_minute <= 1440``). Windows are
turned into concrete UTC instants for one concrete week, so daylight-saving changes are
always right: the overlap of a Berlin and a New York user differs in the March weeks when
only one side has switched.

Exact time, one rule for every caller (matching's index, the directory filter, booking and the
events' best time): overlap is the length of the intersection of UTC intervals, in minutes,
so it is exact for any window and any zone. Where a fixed grid is needed (the match index, the
best-time search), slots are SLOT_MINUTES = 15 long: every UTC offset in use in tzdata
(including +5:45, +8:45, +12:45 and -3:30) is a whole number of quarter hours, and the
availability form takes times in quarter hours, so a grid of quarter-hour slots loses nothing
either: two people in Asia/Kathmandu free 19:00-22:00 share 3 h, and a real 15-minute overlap
counts 0.25 h.

Overlap and grids are measured over the UTC week that starts Monday 00:00 UTC of
``week_start``; local weeks either side are included so a Sunday-evening window in
Los Angeles (Monday morning UTC) counts in the right UTC week.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import numpy as np

from ..errors import ValidationError
from ..timeutil import zone

Window = tuple[int, int, int]
Interval = tuple[datetime, datetime]

UTC = timezone.utc
MINUTES_PER_DAY = 24 * 60
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The grid step that keeps every tzdata offset exact (see the module docstring).
SLOT_MINUTES = 15


def check_slot_minutes(slot_minutes: int) -> int:
    """``slot_minutes`` if quarter-hour windows in every zone fill whole slots; ValueError otherwise."""
    if slot_minutes <= 0 or SLOT_MINUTES % slot_minutes:
        raise ValueError(f"A slot of {slot_minutes} minutes cuts quarter-hour windows (such as 19:00 in "
                         f"Asia/Kathmandu, 13:15 UTC): use a divisor of {SLOT_MINUTES}.")
    return slot_minutes


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def current_week_start(now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    return monday_of(now.astimezone(UTC).date())


def _local_instant(day: date, minute: int, tz_name: str) -> datetime:
    """The UTC instant of wall-clock ``minute`` on ``day`` in the zone (fold=0 on ambiguity)."""
    extra_days, minute = divmod(minute, MINUTES_PER_DAY)
    wall = datetime.combine(day + timedelta(days=extra_days), time(minute // 60, minute % 60))
    local = wall.replace(tzinfo=zone(tz_name))
    # A wall time inside a spring-forward gap does not exist; zoneinfo maps it past the gap.
    return local.astimezone(UTC)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping or touching intervals joined."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def utc_intervals(windows, tz_name: str, week_start: date) -> list[Interval]:
    """Aware-UTC intervals of the windows in the local week that starts Monday ``week_start``."""
    week_start = monday_of(week_start)
    intervals = []
    for weekday, start, end in windows:
        day = week_start + timedelta(days=int(weekday))
        intervals.append((_local_instant(day, int(start), tz_name), _local_instant(day, int(end), tz_name)))
    return merge(intervals)


def _utc_week_intervals(windows, tz_name: str, week_start: date) -> list[Interval]:
    """Intervals clipped to the UTC week [Monday 00:00 UTC, +7 days) of ``week_start``."""
    week_start = monday_of(week_start)
    out = []
    for weekday, start, end in windows:
        out.extend(_window_in_utc_week(int(weekday), int(start), int(end), tz_name, week_start))
    return merge(out)


@lru_cache(maxsize=65536)
def _window_in_utc_week(weekday: int, start: int, end: int, tz_name: str, week_start: date) -> tuple[Interval, ...]:
    """One window's pieces inside the UTC week; cached, as many people share the same windows."""
    lo = datetime.combine(week_start, time(0), tzinfo=UTC)
    hi = lo + timedelta(days=7)
    pieces = []
    for offset in (-7, 0, 7):
        day = week_start + timedelta(days=offset + weekday)
        s, e = _local_instant(day, start, tz_name), _local_instant(day, end, tz_name)
        s, e = max(s, lo), min(e, hi)
        if e > s:
            pieces.append((s, e))
    return tuple(pieces)


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Intersection of two merged, sorted interval lists."""
    i = j = 0
    out = []
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if end > start:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def overlap_hours(a_windows, a_tz: str, b_windows, b_tz: str, week_start: date | None = None) -> float:
    """Hours per week (the UTC week of ``week_start``; None: this week) when both are free."""
    week_start = monday_of(week_start or current_week_start())
    minutes = overlap_minutes(utc_week_minutes(a_windows, a_tz, week_start), utc_week_minutes(b_windows, b_tz, week_start))
    return round(minutes / 60, 2)


def utc_week_minutes(windows, tz_name: str, week_start: date) -> list[tuple[int, int]]:
    """Merged (start, end) minutes after Monday 00:00 UTC of ``week_start``: a fast form for
    comparing one person with many (the directory's overlap filter)."""
    week_start = monday_of(week_start)
    pieces = []
    for weekday, start, end in windows:
        pieces.extend(_window_minutes(int(weekday), int(start), int(end), tz_name or "UTC", week_start))
    pieces.sort()
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


@lru_cache(maxsize=65536)
def _window_minutes(weekday: int, start: int, end: int, tz_name: str, week_start: date) -> tuple[tuple[int, int], ...]:
    lo = datetime.combine(week_start, time(0), tzinfo=UTC)
    return tuple((int((s - lo).total_seconds()) // 60, int((e - lo).total_seconds()) // 60)
                 for s, e in _window_in_utc_week(weekday, start, end, tz_name, week_start))


def overlap_minutes(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """Total length of the intersection of two merged, sorted minute-interval lists."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo = a[i][0] if a[i][0] > b[j][0] else b[j][0]
        hi = a[i][1] if a[i][1] < b[j][1] else b[j][1]
        if hi > lo:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def week_grid(windows, tz_name: str, week_start: date, slot_minutes: int = SLOT_MINUTES) -> np.ndarray:
    """Boolean slots of the UTC week from Monday 00:00 UTC; a slot is free only if wholly inside a window."""
    return slot_grid(_utc_week_intervals(windows, tz_name, week_start), week_start, slot_minutes)


def slot_grid(intervals: list[Interval], week_start: date, slot_minutes: int = SLOT_MINUTES) -> np.ndarray:
    """Merged UTC intervals as the boolean slots of the UTC week of ``week_start`` they wholly cover
    (exact for quarter-hour windows when ``slot_minutes`` passes check_slot_minutes)."""
    step = slot_minutes * 60
    slots = 7 * MINUTES_PER_DAY * 60 // step
    grid = np.zeros(slots, dtype=bool)
    lo = datetime.combine(monday_of(week_start), time(0), tzinfo=UTC)
    for start, end in intervals:
        first = -(-int((start - lo).total_seconds()) // step)  # ceil
        last = int((end - lo).total_seconds()) // step  # floor
        if last > first:
            grid[max(first, 0):min(last, slots)] = True
    return grid


def windows_in_zone(windows, from_tz: str, to_tz: str, week_start: date) -> list[Interval]:
    """The windows of the local week ``week_start`` (in ``from_tz``) as aware datetimes in ``to_tz``."""
    target = zone(to_tz)
    return [(s.astimezone(target), e.astimezone(target)) for s, e in utc_intervals(windows, from_tz, week_start)]


def validate_windows(windows) -> None:
    """ValidationError (field "windows") for malformed, inverted, out-of-range or overlapping windows."""
    seen = []
    for window in windows:
        try:
            weekday, start, end = (int(v) for v in window)
        except (TypeError, ValueError):
            raise ValidationError("Each availability window needs a day, a start and an end.", field="windows") from None
        if not 0 <= weekday <= 6:
            raise ValidationError("Choose a day from Monday to Sunday for each availability window.", field="windows")
        if not (0 <= start <= MINUTES_PER_DAY and 0 <= end <= MINUTES_PER_DAY):
            raise ValidationError("Availability times must lie within the day (00:00 to 24:00).", field="windows")
        if end <= start:
            raise ValidationError(
                f"The window on {WEEKDAY_NAMES[weekday]} ends before it starts ({format_minute(start)}–"
                f"{format_minute(end)}). To cover midnight, add one window on each day.", field="windows")
        seen.append((weekday, start, end))
    seen.sort()
    for (d1, s1, e1), (d2, s2, e2) in zip(seen, seen[1:]):
        if d1 == d2 and s2 < e1:
            raise ValidationError(
                f"Two windows on {WEEKDAY_NAMES[d1]} overlap ({format_minute(s1)}–{format_minute(e1)} and "
                f"{format_minute(s2)}–{format_minute(e2)}). Join them into one window.", field="windows")


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_minute(text: str, is_end: bool = False) -> int:
    """'18:30' -> 1110. '24:00' (or '00:00' as an end) means midnight at the end of the day."""
    text = (text or "").strip()
    try:
        hours, minutes = text.split(":")
        h, m = int(hours), int(minutes)
    except ValueError:
        raise ValidationError(f"Write times as HH:MM, such as 18:30 (got {text!r}).", field="windows") from None
    if h == 24 and m == 0:
        return MINUTES_PER_DAY
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValidationError(f"{text} is not a time of day.", field="windows")
    value = h * 60 + m
    return MINUTES_PER_DAY if is_end and value == 0 else value


def parse_weekday(text: str) -> int:
    t = (text or "").strip().lower()
    for i, name in enumerate(WEEKDAY_NAMES):
        if t and (t == name.lower() or t == name.lower()[:3] or t == str(i)):
            return i
    raise ValidationError(f"{text!r} is not a day of the week.", field="windows")


def format_windows(windows) -> str:
    """'Tue 18:00-20:00; Thu 07:00-08:30' (the import/export form)."""
    return "; ".join(f"{WEEKDAY_SHORT[d]} {format_minute(s)}-{format_minute(e)}" for d, s, e in sorted(windows))


def parse_windows(text: str) -> list[Window]:
    """The inverse of format_windows; validates the result."""
    windows = []
    for part in (text or "").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        try:
            day, span = part.split(None, 1)
            start, end = span.replace("–", "-").split("-")
        except ValueError:
            raise ValidationError(f"Write availability as 'Tue 18:00-20:00' (got {part!r}).", field="windows") from None
        windows.append((parse_weekday(day), parse_minute(start), parse_minute(end, is_end=True)))
    validate_windows(windows)
    return windows
