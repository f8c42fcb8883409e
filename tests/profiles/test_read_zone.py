"""Time zones as people write them (profiles/intake/zones.py): no database."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from mentorhub.profiles.intake.zones import read_zone, resolve_ambiguous
from mentorhub.timeutil import zone

JANUARY, JULY = datetime(2027, 1, 15, 12), datetime(2027, 7, 15, 12)


def _offsets(name):
    return tuple(int(d.replace(tzinfo=zone(name)).utcoffset() / timedelta(minutes=1)) for d in (JANUARY, JULY))


@pytest.mark.parametrize("text, expected, january, july", [
    ("Berlin", "Europe/Berlin", 60, 120),
    ("London", "Europe/London", 0, 60),
    ("Rome", "Europe/Rome", 60, 120),
    ("new york", "America/New_York", -300, -240),
    ("São Paulo", "America/Sao_Paulo", -180, -180),
    ("europe/berlin", "Europe/Berlin", 60, 120),
    ("AMERICA/LOS_ANGELES", "America/Los_Angeles", -480, -420),
    ("CET", "Europe/Berlin", 60, 120),
    ("EST", "America/New_York", -300, -240),
    ("PST", "America/Los_Angeles", -480, -420),
    ("GMT", "Europe/London", 0, 60),
    ("UTC", "UTC", 0, 0),
    ("UTC+1", "Etc/GMT-1", 60, 60),
    ("utc +1", "Etc/GMT-1", 60, 60),
    ("GMT+4", "Etc/GMT-4", 240, 240),
    ("UTC-5", "Etc/GMT+5", -300, -300),
    ("UTC-03:00", "Etc/GMT+3", -180, -180),
    ("UTC+5:30", "Asia/Kolkata", 330, 330),
    ("GMT+0", "UTC", 0, 0),
    ("Rome (CET)", "Europe/Rome", 60, 120),
    ("GMT+4 (Dubai)", "Asia/Dubai", 240, 240),
    ("Pacific Time (PST)", "America/Los_Angeles", -480, -420),
    ("Central European Time", "Europe/Berlin", 60, 120),
    ("Mumbai (IST)", "Asia/Kolkata", 330, 330),
    ("Bengaluru", "Asia/Kolkata", 330, 330),
    ("Etc/GMT+1", "Etc/GMT+1", -60, -60),
])
def test_each_form_reads_as_a_zone_with_its_offsets_in_january_and_july(text, expected, january, july):
    reading = read_zone(text)
    assert reading.zone == expected, reading
    assert _offsets(reading.zone) == (january, july)


def test_utc_plus_one_is_never_the_inverted_posix_zone():
    assert _offsets(read_zone("UTC+1").zone) == (60, 60)
    assert "UTC+01:00" in read_zone("UTC+1").how
    # Someone who writes the POSIX name gets it, and the report says what it means.
    assert "UTC-1" in read_zone("Etc/GMT+1").how


def test_unreadable_and_impossible_zones_say_so():
    assert read_zone("flexible").zone is None and "not a time zone we can read" in read_zone("flexible").problem
    assert "from -12 to +14" in read_zone("UTC+15").problem
    assert read_zone("").zone is None and read_zone("").problem is None


@pytest.mark.parametrize("others, expected, label", [
    (Counter({"Asia/Kolkata": 1, "Europe/Berlin": 3}), "Asia/Kolkata", "India"),
    (Counter({"Europe/London": 2, "Europe/Dublin": 1}), "Europe/Dublin", "Ireland"),
    (Counter({"Asia/Jerusalem": 2, "Europe/Berlin": 1}), "Asia/Jerusalem", "Israel"),
])
def test_ist_takes_the_reading_the_rest_of_the_file_makes_likely(others, expected, label):
    reading = read_zone("IST")
    assert reading.zone is None and len(reading.options) == 3
    chosen = resolve_ambiguous(reading, others)
    assert chosen.zone == expected and f"read as {label}" in chosen.how


def test_ist_with_no_evidence_asks():
    for others in (Counter(), Counter({"Europe/London": 1, "Asia/Kolkata": 1})):
        chosen = resolve_ambiguous(read_zone("IST"), others)
        assert chosen.zone is None
        assert "could be India (Asia/Kolkata) or Israel (Asia/Jerusalem) or Ireland (Europe/Dublin)" in chosen.problem
