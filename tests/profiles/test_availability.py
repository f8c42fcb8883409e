"""Pure availability maths: UTC intervals, DST-correct overlap, grids, validation."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mentorhub.errors import ValidationError
from mentorhub.profiles import availability as av

UTC = timezone.utc
BERLIN_TUE = [(1, 18 * 60, 20 * 60)]  # Tuesday 18:00-20:00 Europe/Berlin
NEW_YORK_TUE = [(1, 12 * 60, 14 * 60)]  # Tuesday 12:00-14:00 America/New_York


def test_utc_intervals_convert_local_wall_time():
    assert av.utc_intervals(BERLIN_TUE, "Europe/Berlin", date(2026, 1, 12)) == [
        (datetime(2026, 1, 13, 17, tzinfo=UTC), datetime(2026, 1, 13, 19, tzinfo=UTC))]
    # Summer time: the same wall-clock window is an hour earlier in UTC.
    assert av.utc_intervals(BERLIN_TUE, "Europe/Berlin", date(2026, 7, 6)) == [
        (datetime(2026, 7, 7, 16, tzinfo=UTC), datetime(2026, 7, 7, 18, tzinfo=UTC))]


def test_utc_intervals_merge_touching_windows_and_reach_midnight():
    got = av.utc_intervals([(0, 1380, 1440), (1, 0, 60), (0, 60, 120)], "UTC", date(2026, 1, 12))
    assert got == [(datetime(2026, 1, 12, 1, tzinfo=UTC), datetime(2026, 1, 12, 2, tzinfo=UTC)),
                   (datetime(2026, 1, 12, 23, tzinfo=UTC), datetime(2026, 1, 13, 1, tzinfo=UTC))]


@pytest.mark.parametrize("week, hours", [
    (date(2026, 3, 2), 2.0),   # both on winter time: 17-19 UTC each
    (date(2026, 3, 9), 1.0),   # New York switched on 8 March, Berlin not yet: NY is 16-18 UTC
    (date(2026, 3, 23), 1.0),
    (date(2026, 3, 30), 2.0),  # Berlin switched on 29 March: both 16-18 UTC
])
def test_overlap_follows_daylight_saving_in_each_zone(week, hours):
    assert av.overlap_hours(BERLIN_TUE, "Europe/Berlin", NEW_YORK_TUE, "America/New_York", week) == hours


def test_overlap_counts_windows_that_cross_into_the_next_utc_day():
    # Sunday 20:00-23:00 in Los Angeles is Monday 04:00-07:00 UTC (winter).
    la = [(6, 20 * 60, 23 * 60)]
    tokyo = [(0, 13 * 60, 15 * 60)]  # Monday 13:00-15:00 Tokyo = Monday 04:00-06:00 UTC
    assert av.overlap_hours(la, "America/Los_Angeles", tokyo, "Asia/Tokyo", date(2026, 1, 12)) == 2.0


def test_overlap_defaults_to_the_current_week():
    assert av.overlap_hours(BERLIN_TUE, "Europe/Berlin", BERLIN_TUE, "Europe/Berlin") == 2.0
    assert av.overlap_hours(BERLIN_TUE, "Europe/Berlin", [], "UTC") == 0.0


def test_week_grid_marks_only_whole_slots():
    grid = av.week_grid([(0, 9 * 60 + 15, 10 * 60 + 30)], "UTC", date(2026, 1, 12), slot_minutes=30)
    assert grid.shape == (7 * 48,)
    assert list(grid.nonzero()[0]) == [19, 20]  # 09:30-10:00 and 10:00-10:30; 09:00-09:30 is partial


def test_week_grid_is_in_utc():
    grid = av.week_grid(BERLIN_TUE, "Europe/Berlin", date(2026, 1, 12), slot_minutes=60)
    assert list(grid.nonzero()[0]) == [24 + 17, 24 + 18]


def test_windows_in_zone_shows_times_in_the_viewers_zone():
    got = av.windows_in_zone(BERLIN_TUE, "Europe/Berlin", "America/New_York", date(2026, 1, 12))
    assert [(s.strftime("%a %H:%M"), e.strftime("%H:%M")) for s, e in got] == [("Tue 12:00", "14:00")]
    assert got[0][0].tzinfo is not None


@pytest.mark.parametrize("windows, fragment", [
    ([(1, 600, 540)], "ends before it starts"),
    ([(1, 600, 600)], "ends before it starts"),
    ([(7, 600, 660)], "Monday to Sunday"),
    ([(1, -5, 60)], "within the day"),
    ([(1, 60, 1500)], "within the day"),
    ([(1, 600, 720), (1, 660, 780)], "overlap"),
    ([("x", 1, 2)], "needs a day"),
])
def test_validate_windows_rejects_bad_windows(windows, fragment):
    with pytest.raises(ValidationError) as exc:
        av.validate_windows(windows)
    assert fragment in exc.value.message
    assert exc.value.field == "windows"


def test_validate_windows_accepts_touching_windows():
    av.validate_windows([(1, 600, 720), (1, 720, 780), (2, 0, 1440)])


def test_text_form_round_trips():
    windows = [(1, 18 * 60, 20 * 60), (3, 7 * 60, 8 * 60 + 30), (6, 22 * 60, 1440)]
    text = av.format_windows(windows)
    assert text == "Tue 18:00-20:00; Thu 07:00-08:30; Sun 22:00-24:00"
    assert av.parse_windows(text) == windows
    assert av.parse_windows("tuesday 18:00-00:00") == [(1, 1080, 1440)]
    with pytest.raises(ValidationError):
        av.parse_windows("Tue 18-20")


def test_fast_minute_form_agrees_with_the_datetime_form():
    import random

    rng = random.Random(7)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC", "America/Los_Angeles"]
    for week in (date(2026, 3, 9), date(2026, 3, 30), date(2026, 10, 26), date(2026, 4, 6)):
        for _ in range(40):
            a = [(d, s, s + rng.choice((30, 60, 120, 180))) for d, s in
                 {(rng.randrange(7), rng.randrange(0, 1260, 30)) for _ in range(3)}]
            b = [(d, s, s + rng.choice((60, 90))) for d, s in {(rng.randrange(7), rng.randrange(0, 1320, 30)) for _ in range(3)}]
            try:
                av.validate_windows(a)
                av.validate_windows(b)
            except ValidationError:
                continue
            za, zb = rng.choice(zones), rng.choice(zones)
            slow = sum((e - s).total_seconds() for s, e in av.intersect(
                av._utc_week_intervals(a, za, week), av._utc_week_intervals(b, zb, week))) / 3600
            assert av.overlap_hours(a, za, b, zb, week) == round(slow, 2)
            grid = av.week_grid(a, za, week, 30) & av.week_grid(b, zb, week, 30)
            assert grid.sum() / 2 <= slow + 1e-9
