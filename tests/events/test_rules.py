"""The rules of rules.py, and that the meetup page shows what they answer (the template decides nothing)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import PermissionDenied, ValidationError
from mentorhub.events import meetups, queries, rules, series
from mentorhub.events import rsvp as answers
from mentorhub.events.models import Event, EventSeries
from mentorhub.events.ties import tied_ids
from mentorhub.projects.models import ProjectMember

UTC = timezone.utc
START = datetime(2030, 3, 1, 18, 0, tzinfo=UTC)


def u(user):
    return db.session.get(User, user.id)


def ev(event):
    return db.session.get(Event, event.id)


def test_can_rsvp_answers_why_not_and_the_service_refuses_for_the_same_reason(app, make_user, make_event):
    organiser = make_user(is_organiser=True)
    event = make_event(organiser=organiser, starts_at=START)
    cancelled = make_event(organiser=organiser, starts_at=START, is_cancelled=True)
    person = make_user()
    with app.app_context():
        before = START - timedelta(days=1)
        assert rules.can_rsvp(u(person), ev(event), before) is None
        assert rules.can_rsvp(u(person), ev(event), START) == rules.STARTED
        assert rules.can_rsvp(u(person), ev(cancelled), before) == rules.CANCELLED
        with pytest.raises(ValidationError, match="already started"):
            answers.rsvp(u(person), ev(event), True, now=START + timedelta(minutes=1))
        with pytest.raises(ValidationError, match="cancelled"):
            answers.rsvp(u(person), ev(cancelled), True, now=before)


def test_can_mark_attendance_only_for_whoever_runs_it_after_the_start(app, make_user, make_event):
    organiser, other = make_user(is_organiser=True), make_user(is_organiser=True)
    event = make_event(organiser=organiser, starts_at=START)
    with app.app_context():
        assert rules.can_mark_attendance(u(organiser), ev(event), START - timedelta(minutes=1)) \
            == "Attendance can be marked once the meetup has started."
        assert rules.can_mark_attendance(u(organiser), ev(event), START) is None
        assert rules.can_mark_attendance(u(other), ev(event), START) == rules.NOT_RUNNING
        with pytest.raises(PermissionDenied):
            meetups.mark_attendance(u(other), ev(event), set(), now=START)
        with pytest.raises(ValidationError, match="once the meetup has started"):
            meetups.mark_attendance(u(organiser), ev(event), set(), now=START - timedelta(minutes=1))


def test_can_end_series_until_it_has_ended(app, make_user):
    organiser, stranger = make_user(is_organiser=True), make_user()
    with app.app_context():
        first = meetups.create_event(u(organiser), meetups.EventData(
            title="Weekly", starts_local=datetime(2030, 3, 5, 18), ends_local=datetime(2030, 3, 5, 19),
            capacity=5, frequency="weekly"), now=START - timedelta(days=10))
        the_series = db.session.get(EventSeries, first.series_id)
        assert rules.can_end_series(u(organiser), the_series) is None
        assert rules.can_end_series(u(stranger), the_series) == rules.NOT_RUNNING
        series.end_series(u(organiser), the_series, now=START - timedelta(days=10))
        assert rules.can_end_series(u(organiser), db.session.get(EventSeries, first.series_id)) == "This series has ended."


def test_can_organise_and_can_create_cohort(app, make_user):
    learner, organiser, admin = make_user(), make_user(is_organiser=True), make_user(is_admin=True)
    with app.app_context():
        assert rules.can_organise(u(learner)) and rules.can_organise(None)
        assert rules.can_organise(u(learner), has_mentor_profile=True) is None
        assert rules.can_organise(u(organiser)) is None and rules.can_organise(u(admin)) is None
        assert rules.can_create_cohort(u(learner)) and rules.can_create_cohort(u(organiser)) is None
        assert rules.can_appoint_organisers(u(organiser)) and rules.can_appoint_organisers(u(admin)) is None


def test_the_page_offers_what_the_rules_allow(app, client, make_user, make_event, login_as, frozen):
    frozen(START - timedelta(days=1))
    organiser = make_user(is_organiser=True)
    full = make_event(organiser=organiser, starts_at=START, capacity=1, title="Small room")
    cancelled = make_event(organiser=organiser, starts_at=START, is_cancelled=True, title="Called off")
    taker, person = make_user(), make_user()
    with app.app_context():
        answers.rsvp(u(taker), ev(full), True)
        page = queries.event_page(u(person), full.id)
        assert page.is_full and page.going_button == "Join the waitlist" and page.not_going_button == "Not going"
        assert page.answers_note is None and not page.manage and not page.marks_attendance
        page = queries.event_page(u(taker), full.id)
        assert page.going_button is None and page.not_going_button == "I can't go" and page.shows_link
        page = queries.event_page(u(person), cancelled.id)
        assert page.answers_note == rules.CANCELLED and page.going_button is None and page.not_going_button is None
    login_as(person)
    html = client.get(f"/events/{cancelled.id}").get_data(as_text=True)
    assert rules.CANCELLED in html and f"/events/{cancelled.id}/rsvp" not in html
    html = client.get(f"/events/{full.id}").get_data(as_text=True)
    assert "Join the waitlist" in html and "full, new answers join the waitlist" in html


def test_project_meetups_are_listed_for_the_team_only(app, make_user, make_project):
    owner, member, outsider = make_user(is_organiser=True), make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        db.session.add(ProjectMember(project_id=project.id, user_id=member.id))
        db.session.commit()
        event = meetups.create_event(u(owner), meetups.EventData(
            title="Team sync", starts_local=datetime(2030, 3, 5, 18), ends_local=datetime(2030, 3, 5, 19),
            capacity=5, audience="project", project_id=project.id), now=START - timedelta(days=10))
        now = START - timedelta(days=10)
        assert [e.id for e in queries.list_events(u(member), now=now).items] == [event.id]
        assert queries.list_events(u(outsider), now=now).items == []
        assert [p.id for p in queries.project_teams(u(member))] == [project.id]
        assert queries.project_teams(u(outsider)) == []


def test_people_tied_by_a_mentorship_may_be_picked(app, make_user, make_mentorship):
    pair = make_mentorship()
    stranger = make_user()
    with app.app_context():
        assert tied_ids(db.session.get(User, pair.mentor_id)) == {pair.learner_id}
        assert tied_ids(db.session.get(User, pair.learner_id)) == {pair.mentor_id}
        assert tied_ids(db.session.get(User, stranger.id)) == set()
