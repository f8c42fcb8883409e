"""Exact time: overlap is exact in every zone offset of tzdata (+5:45, +8:45, -3:30), across DST
changes, in the one rule of profiles/availability.py and in each of its users: the match index,
the mentor directory's filter, booking and the events' best time."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.events import planning
from mentorhub.matching import suggestions
from mentorhub.matching.publish import build_and_publish
from mentorhub.matching.reader import GridBuilder
from mentorhub.profiles import availability as av
from mentorhub.profiles.directory import search_mentors

MON = 0
BEFORE_EU_DST, AFTER_EU_DST = date(2026, 3, 23), date(2026, 3, 30)  # Berlin moves on 29 March 2026
BEFORE_NA_DST, AFTER_NA_DST = date(2026, 3, 2), date(2026, 3, 9)  # St John's moves on 8 March 2026


def grid_hours(windows_a, tz_a, windows_b, tz_b, week) -> float:
    a, b = av.week_grid(windows_a, tz_a, week), av.week_grid(windows_b, tz_b, week)
    return float((a & b).sum()) * av.SLOT_MINUTES / 60


def both(windows_a, tz_a, windows_b, tz_b, week) -> tuple[float, float]:
    """(interval overlap, grid overlap): the two forms of the one rule must agree."""
    return (av.overlap_hours(windows_a, tz_a, windows_b, tz_b, week),
            grid_hours(windows_a, tz_a, windows_b, tz_b, week))


def test_kathmandu_same_evening_window_is_three_hours_not_two_and_a_half():
    w = [(MON, 19 * 60, 22 * 60)]
    assert both(w, "Asia/Kathmandu", w, "Asia/Kathmandu", BEFORE_EU_DST) == (3.0, 3.0)


def test_eucla_plus_8_45_against_berlin_across_its_dst_change():
    # Eucla 19:00-22:00 is 10:15-13:15 UTC; Berlin 12:00-13:00 is 11:00-12:00 UTC in winter and
    # 10:00-11:00 UTC in summer time: 1 h before the change, 0.75 h after it.
    eucla, berlin = [(MON, 19 * 60, 22 * 60)], [(MON, 12 * 60, 13 * 60)]
    assert both(eucla, "Australia/Eucla", berlin, "Europe/Berlin", BEFORE_EU_DST) == (1.0, 1.0)
    assert both(eucla, "Australia/Eucla", berlin, "Europe/Berlin", AFTER_EU_DST) == (0.75, 0.75)


def test_st_johns_minus_3_30_against_kathmandu_across_the_dst_change_shows_a_quarter_hour():
    # Kathmandu Tue 04:00-06:00 is Mon 22:15-Tue 00:15 UTC. St John's Mon 19:00-20:00 is
    # 22:30-23:30 UTC at -3:30 (1 h shared) and 21:30-22:30 UTC at -2:30 (15 minutes shared).
    ktm, stj = [(1, 4 * 60, 6 * 60)], [(MON, 19 * 60, 20 * 60)]
    assert both(stj, "America/St_Johns", ktm, "Asia/Kathmandu", BEFORE_NA_DST) == (1.0, 1.0)
    assert both(stj, "America/St_Johns", ktm, "Asia/Kathmandu", AFTER_NA_DST) == (0.25, 0.25)


def test_a_slot_that_cuts_quarter_hours_is_refused():
    with pytest.raises(ValueError, match="divisor of 15"):
        av.check_slot_minutes(30)
    assert av.check_slot_minutes(5) == 5
    with pytest.raises(ValueError, match="divisor of 15"):  # the index refuses such a setting
        GridBuilder(BEFORE_EU_DST, 20)


@pytest.fixture
def kathmandu_pair(fresh_index, make_learner, make_mentor):
    """A learner and two mentors in Kathmandu: one free the same 19:00-22:00, one sharing 15 minutes."""
    learner = make_learner(skills={"python": 1}, wanted=["pytorch"], timezone="Asia/Kathmandu",
                           windows=[(MON, 19 * 60, 22 * 60)])
    same = make_mentor(skills={"pytorch": 4}, timezone="Asia/Kathmandu", windows=[(MON, 19 * 60, 22 * 60)])
    quarter = make_mentor(skills={"pytorch": 4}, timezone="Asia/Kathmandu", windows=[(MON, 21 * 60 + 45, 23 * 60)])
    return learner, same, quarter


def test_matching_counts_exact_hours_and_a_quarter_hour_is_not_zero(app, kathmandu_pair):
    learner, same, quarter = kathmandu_pair
    for published in (False, True):  # as row deltas, then from a published build
        if published:
            with app.app_context():
                build_and_publish()
        with app.app_context():
            got = {s.user.id: s for s in suggestions.mentor_matches(db.session.get(User, learner.user_id))}
            assert got[same.user_id].overlap_hours == 3.0
            assert got[quarter.user_id].overlap_hours == 0.25
            assert "0.25 hours of free time" in got[quarter.user_id].reason
            narrowed = suggestions.mentor_matches(db.session.get(User, learner.user_id), min_overlap="0.25")
            assert {s.user.id for s in narrowed} == {same.user_id, quarter.user_id}


def test_directory_filter_and_card_use_exact_hours(app, kathmandu_pair):
    learner, same, quarter = kathmandu_pair
    with app.app_context():
        viewer = db.session.get(User, learner.user_id)
        cards = {c.user_id: c for c in search_mentors(viewer, min_overlap=0.25).items}
        assert cards[same.user_id].overlap_hours == 3.0 and cards[quarter.user_id].overlap_hours == 0.25
        only = search_mentors(viewer, min_overlap=3).items
        assert [c.user_id for c in only] == [same.user_id]


def test_best_time_finds_the_kathmandu_quarter_hour(app, make_user, taxonomy, make_learner):
    organiser = make_user(is_organiser=True, timezone="Asia/Kathmandu")
    for _ in range(2):
        make_learner(timezone="Asia/Kathmandu", windows=[(MON, 19 * 60, 20 * 60)])
    with app.app_context():
        members = list(db.session.scalars(select(User).where(User.timezone == "Asia/Kathmandu",
                                                             User.id != organiser.id)))
        actor = db.session.get(User, organiser.id)
        group = planning.Group("picked", "test", members)
        found = planning.best_time(actor, group, 60, now=datetime(2026, 3, 18, tzinfo=timezone.utc))
        best = found.proposals[0]
        # 19:00 in Kathmandu is 13:15 UTC: a 30-minute grid could not propose it at all.
        assert best.starts_at == datetime(2026, 3, 23, 13, 15, tzinfo=timezone.utc)
        assert len(best.can) == 2
