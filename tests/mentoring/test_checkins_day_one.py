"""Check-ins from day one (issue 14): accepting opens a kickoff check-in asking for goals and first
action items; either side may "check in now", which restarts the cadence; strangers are refused."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mentorhub.db import db
from mentorhub.mentoring import checkins, jobs, rules
from mentorhub.mentoring.models import CheckIn, Mentorship
from mentoring.helpers import count, notes_for, user

MONDAY = datetime(2026, 10, 26, 12, 0, tzinfo=timezone.utc)


def test_accepting_opens_a_kickoff_checkin_the_same_day(app, client, frozen, login_as, make_mentorship):
    frozen(MONDAY)
    pair = make_mentorship(cadence="weekly")
    with app.app_context():
        c = db.session.scalar(select(CheckIn).where(CheckIn.mentorship_id == pair.mentorship_id))
        assert c.status == "open" and c.due_at == MONDAY and rules.is_kickoff(c)
        assert db.session.get(Mentorship, pair.mentorship_id).next_checkin_at == MONDAY + timedelta(days=7)
        assert [n.title for n in notes_for(pair.learner_id, "checkin")] == ["Kick off your mentorship"]
        learner = user(pair.learner_id)
        assert jobs.create_checkins() == 0  # the scheduler adds nothing on top of it today
    login_as(learner)
    page = client.get(f"/checkins/{c.id}").get_data(as_text=True)
    assert "Kickoff check-in" in page and "Your goals for this mentorship." in page and "first action items" in page
    assert client.post(f"/checkins/{c.id}", data={"progress": "Ship a model", "blockers": "",
                                                  "next_steps": "Pick a dataset"}).status_code == 302
    page = client.get(f"/checkins/{c.id}").get_data(as_text=True)
    assert "<h2>Goals</h2>" in page and "First action items" in page


def test_either_side_checks_in_now_and_the_cadence_restarts(app, client, frozen, login_as, make_mentorship):
    clock = frozen(MONDAY)
    pair = make_mentorship(cadence="weekly", kickoff=False)
    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
    clock.move_to(MONDAY + timedelta(days=3))
    login_as(mentor)
    page = client.get(f"/mentorships/{pair.mentorship_id}").get_data(as_text=True)
    assert 'data-testid="checkin-now"' in page
    resp = client.post(f"/mentorships/{pair.mentorship_id}/checkin-now")
    assert resp.status_code == 302 and "/checkins/" in resp.headers["Location"]
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        assert m.next_checkin_at == MONDAY + timedelta(days=10)  # a full cadence from today
        assert count(CheckIn, CheckIn.status == "open") == 1
        assert [n.title for n in notes_for(pair.learner_id, "checkin")] == ["Time for your check-in"]
    # while it is open, a second one is refused with a reason and the button is gone
    assert client.post(f"/mentorships/{pair.mentorship_id}/checkin-now").status_code == 409
    assert 'data-testid="checkin-now"' not in client.get(f"/mentorships/{pair.mentorship_id}").get_data(as_text=True)
    clock.move_to(MONDAY + timedelta(days=7))
    with app.app_context():
        assert jobs.create_checkins() == 0  # the old cadence date no longer fires
        c = db.session.scalar(select(CheckIn))
        checkins.submit_checkin(user(pair.learner_id), c, "Trained a baseline")
    lc = login_as(learner, app.test_client())
    assert lc.post(f"/mentorships/{pair.mentorship_id}/checkin-now").status_code == 302
    with app.app_context():
        assert count(CheckIn) == 2


def test_strangers_cannot_check_in_now(app, client, frozen, login_as, make_mentorship, make_user):
    frozen(MONDAY)
    pair = make_mentorship(kickoff=False)
    login_as(make_user())
    assert client.post(f"/mentorships/{pair.mentorship_id}/checkin-now").status_code in (403, 404)
    with app.app_context():
        assert count(CheckIn) == 0
