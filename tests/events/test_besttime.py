"""The best time for a group: the pure algorithm on hand-checked grids, then across zones and DST."""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import PermissionDenied, ValidationError
from mentorhub.events import planning
from mentorhub.events.besttime import attendable, best_slots
from mentorhub.events.models import Cohort, CohortMember, Event
from mentorhub.notifications.models import Notification

UTC = timezone.utc


def rows(*spans, slots=8):
    grid = np.zeros((len(spans), slots), dtype=bool)
    for i, member in enumerate(spans):
        for lo, hi in member:
            grid[i, lo:hi] = True
    return grid


def test_hand_checked_grid():
    # m0 free in slots 0-3, m1 in 2-5, m2 in 2-3 and 6-7; meetings two slots long.
    grid = rows([(0, 4)], [(2, 6)], [(2, 4), (6, 8)])
    assert attendable(grid, 2).sum(axis=0).tolist() == [1, 1, 3, 1, 1, 0, 1]
    proposals = best_slots(grid, 2, k=3)
    # Slot 2 suits all three; then the earliest non-overlapping slots that suit one person each.
    assert [(p.start_slot, p.can_attend, p.cannot) for p in proposals] == [
        (2, 3, []), (0, 1, [1, 2]), (4, 1, [0, 2])]


def test_proposals_never_overlap_and_skip_slots_nobody_can_make():
    grid = rows([(0, 8)], [(0, 8)])
    assert [p.start_slot for p in best_slots(grid, 3)] == [0, 3]  # 6 would run past the week
    assert best_slots(rows([], []), 1) == []
    assert best_slots(grid, 9) == []


def test_a_member_must_be_free_for_the_whole_meeting():
    grid = rows([(0, 2), (3, 5)], [(0, 5)])
    assert [(p.start_slot, p.cannot) for p in best_slots(grid, 3, k=1)] == [(0, [0])]


@pytest.fixture
def group(app, make_user, make_learner, taxonomy):
    """A cohort of two: Tuesdays 18-20 in Berlin and 12-14 in New York."""
    berlin = make_learner(windows=[(1, 18 * 60, 20 * 60)], timezone="Europe/Berlin").user
    new_york = make_learner(windows=[(1, 12 * 60, 14 * 60)], timezone="America/New_York").user
    nobody = make_user(display_name="No Windows")
    organiser = make_user(is_organiser=True, timezone="Europe/London")
    with app.app_context():
        cohort = Cohort(name="Evening learners")
        cohort.organisers.append(db.session.get(User, organiser.id))
        db.session.add(cohort)
        db.session.flush()
        for person in (berlin, new_york, nobody):
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=person.id))
        db.session.commit()
        return {"cohort_id": cohort.id, "berlin": berlin.id, "new_york": new_york.id, "nobody": nobody.id,
                "organiser": organiser.id}


def _run(app, group, minutes, week):
    organiser = db.session.get(User, group["organiser"])
    g = planning.resolve_group(organiser, "cohort", group["cohort_id"])
    return planning.best_time(organiser, g, minutes, week_start=week)


def test_best_time_across_zones_in_a_winter_week(app, group):
    with app.app_context():
        result = _run(app, group, 120, date(2030, 2, 13))
        assert result.week_start == date(2030, 2, 11)
        best = result.proposals[0]
        # 18:00 Berlin (UTC+1) and 12:00 New York (UTC-5) are both 17:00 UTC on Tuesday.
        assert best.starts_at == datetime(2030, 2, 12, 17, 0, tzinfo=UTC)
        assert {u.id for u in best.can} == {group["berlin"], group["new_york"]}
        assert [u.id for u in best.cannot] == [group["nobody"]]
        assert [u.id for u in result.without_availability] == [group["nobody"]]


def test_best_time_in_the_dst_gap_week(app, group):
    # New York moved to summer time on 10 March 2030, Berlin only on 31 March: for those weeks
    # New York's noon is 16:00 UTC and Berlin's 18:00 is 17:00 UTC; the two hours never line up.
    with app.app_context():
        result = _run(app, group, 120, date(2030, 3, 18))
        assert [(p.starts_at, [u.id for u in p.cannot]) for p in result.proposals] == [
            (datetime(2030, 3, 19, 16, 0, tzinfo=UTC), [group["berlin"], group["nobody"]]),
        ]
        one_hour = _run(app, group, 60, date(2030, 3, 18))
        assert one_hour.proposals[0].starts_at == datetime(2030, 3, 19, 17, 0, tzinfo=UTC)
        assert len(one_hour.proposals[0].can) == 2


def test_best_time_rights_and_bad_input(app, group, make_user):
    learner = make_user()
    with app.app_context():
        with pytest.raises(PermissionDenied):
            planning.resolve_group(db.session.get(User, learner.id), "cohort", group["cohort_id"])
        organiser = db.session.get(User, group["organiser"])
        with pytest.raises(ValidationError):
            planning.resolve_group(organiser, "cohort", 9999)
        with pytest.raises(ValidationError) as err:
            planning.resolve_group(organiser, "picked", member_ids=[learner.id])  # no tie to the organiser
        assert err.value.field == "member_ids"
        g = planning.resolve_group(organiser, "cohort", group["cohort_id"])
        with pytest.raises(ValidationError):
            planning.best_time(organiser, g, 40)  # lengths go in 15-minute steps


def test_one_click_turns_a_proposal_into_a_series(app, group, frozen):
    frozen(datetime(2030, 2, 5, 9, 0, tzinfo=UTC))
    with app.app_context():
        result = _run(app, group, 120, date(2030, 2, 13))
        organiser = db.session.get(User, group["organiser"])
        event = planning.create_from_proposal(organiser, result.group, result.proposals[0].starts_at, 120,
                                              repeat="weekly")
        assert event.starts_at == datetime(2030, 2, 12, 17, 0, tzinfo=UTC)
        assert event.audience == "cohort" and event.cohort_id == group["cohort_id"] and event.capacity == 3
        assert event.series_id is not None and event.timezone == "Europe/London"
        assert db.session.scalar(select(Event).where(Event.series_id == event.series_id, Event.series_index == 1))
        told = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "event_update")))
        assert told == {group["berlin"], group["new_york"], group["nobody"]}
