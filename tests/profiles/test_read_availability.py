"""Availability as people write it (profiles/intake/times.py), as exact windows: no database."""
from __future__ import annotations

import pytest

from mentorhub.config import Config
from mentorhub.profiles.intake.times import parse_span, read_availability

PARTS = {"morning": parse_span(Config.IMPORT_TIME_MORNING), "lunch": parse_span(Config.IMPORT_TIME_LUNCH),
         "afternoon": parse_span(Config.IMPORT_TIME_AFTERNOON), "evening": parse_span(Config.IMPORT_TIME_EVENING),
         "day": parse_span(Config.IMPORT_TIME_DAY)}
WEEKDAYS = range(5)


def h(hour, minute=0):
    return hour * 60 + minute


def read(text):
    return read_availability(text, PARTS, Config.IMPORT_AFTER_HOURS * 60)


def test_the_documented_defaults():
    assert PARTS["evening"] == (h(18), h(21)) and PARTS["morning"] == (h(8), h(11))
    assert PARTS["lunch"] == (h(12), h(13)) and Config.IMPORT_AFTER_HOURS == 3


@pytest.mark.parametrize("text, windows", [
    # days: names, plurals, ranges, groups, lists
    ("Tuesdays and Thursdays 19:00-21:00", [(1, h(19), h(21)), (3, h(19), h(21))]),
    ("Mon-Fri 19:00-21:00", [(d, h(19), h(21)) for d in WEEKDAYS]),
    ("Monday to Friday 19:00-21:00 except Fri", [(d, h(19), h(21)) for d in range(4)]),
    ("weekdays 12-1", [(d, h(12), h(13)) for d in WEEKDAYS]),
    ("weekends", [(5, h(10), h(18)), (6, h(10), h(18))]),
    ("Mon/Wed 8-10pm my time", [(0, h(20), h(22)), (2, h(20), h(22))]),
    ("Sunday", [(6, h(10), h(18))]),
    # times: 12- and 24-hour
    ("Mon-Fri 6-8am", [(d, h(6), h(8)) for d in WEEKDAYS]),
    ("12-1 on weekdays", [(d, h(12), h(13)) for d in WEEKDAYS]),
    ("Sat 10am-12pm; Sun 9-11", [(5, h(10), h(12)), (6, h(9), h(11))]),
    ("Mon 7:30pm-9pm", [(0, h(19, 30), h(21))]),
    ("Tue 18:00-20:00; Thu 07:00-08:30", [(1, h(18), h(20)), (3, h(7), h(8, 30))]),
    ("19:00-21:00 on Tue and Thu", [(1, h(19), h(21)), (3, h(19), h(21))]),
    ("Fri 10pm-1am", [(4, h(22), h(24)), (5, 0, h(1))]),
    # parts of the day, and "after"
    ("weekday evenings after 6pm", [(d, h(18), h(21)) for d in WEEKDAYS]),
    ("weekday evenings after 7pm", [(d, h(19), h(22)) for d in WEEKDAYS]),
    ("Saturday mornings, Sunday afternoons", [(5, h(8), h(11)), (6, h(14), h(17))]),
    ("Tue and Thu after work", [(1, h(18), h(21)), (3, h(18), h(21))]),
    ("lunch on Tue, Thu", [(1, h(12), h(13)), (3, h(12), h(13))]),
    ("evenings", [(d, h(18), h(21)) for d in range(7)]),
    ("after 6pm", [(d, h(18), h(21)) for d in range(7)]),
    ("weekends, after 6pm on Fridays", [(4, h(18), h(21)), (5, h(10), h(18)), (6, h(10), h(18))]),
    ("weekday lunch (12-1) and Saturday morning", [*((d, h(12), h(13)) for d in WEEKDAYS), (5, h(8), h(11))]),
])
def test_phrase_as_exact_windows(text, windows):
    reading = read(text)
    assert reading.windows == windows, reading.describe()
    assert not reading.unreadable and reading.problem is None


def test_settings_change_what_a_part_of_the_day_means():
    parts = {**PARTS, "evening": (h(19), h(22))}
    assert read_availability("Tue evening", parts).windows == [(1, h(19), h(22))]


def test_unreadable_text_gives_no_windows_and_a_flag():
    for text in ("flexible, just message me", "depends on the week", "tbd"):
        reading = read(text)
        assert reading.windows == [] and reading.unreadable
        assert "imported without windows" in reading.describe()


def test_a_window_that_ends_long_before_it_starts_is_a_problem():
    reading = read("Tue 20:00-18:00")
    assert reading.windows == [] and "ends before it starts" in reading.problem and not reading.unreadable


def test_the_reading_says_what_it_assumed():
    assert "no time given: 10:00-18:00" in read("weekends").describe()
    assert "no day given: every day" in read("evenings").describe()
