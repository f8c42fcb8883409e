"""Each API write applies the same rule as its web page, with the same refusal reason: the
reason is the feature's own ``can_*`` answer, and the page and the API both show it."""
from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.api import tokens
from mentorhub.db import db
from mentorhub.events import rules as event_rules
from mentorhub.events.models import Event
from mentorhub.mentoring import rules as mentoring_rules
from mentorhub.mentoring.models import Mentorship, MentorshipRequest
from mentorhub.notifications.models import Notification
from mentorhub.projects import rules as project_rules
from mentorhub.projects.queries import get_project

PROBLEM = "application/problem+json"
SLOT = datetime(2030, 1, 8, 14, 0, tzinfo=timezone.utc).isoformat()


@pytest.fixture
def api_as(app):
    """api_as(user) -> headers with a fresh write token of ``user``."""

    def _headers(user):
        with app.app_context():
            actor = db.session.get(User, user.id)
            _, secret = tokens.create_token(actor, actor, "parity", "write", None)
        return {"Authorization": f"Bearer {secret}"}

    return _headers


def web_says(app, login_as, user, path, data):
    client = app.test_client()
    login_as(user, client)
    resp = client.post(path, data=data)
    return resp.status_code, html.unescape(resp.get_data(as_text=True))


def api_says(app, headers, path, body=None):
    resp = app.test_client().post(path, json=body, headers=headers)
    assert resp.mimetype == PROBLEM, resp.get_data(as_text=True)
    assert resp.json["status"] == resp.status_code
    return resp.status_code, resp.json["detail"]


def assert_same(app, login_as, api_as, user, reason, web, api):
    assert reason
    web_status, page = web_says(app, login_as, user, *web)
    api_status, detail = api_says(app, api_as(user), *api)
    assert detail == reason
    assert reason in page
    assert web_status == api_status


def ended(app, pair):
    with app.app_context():
        m = db.session.get(Mentorship, pair.mentorship_id)
        m.status = "ended"
        db.session.commit()


def reason_for(app, rule, user_id, model, row_id, *extra):
    with app.app_context():
        return rule(db.session.get(User, user_id), db.session.get(model, row_id), *extra)


def test_booking_an_ended_mentorship(app, login_as, api_as, make_mentorship):
    pair = make_mentorship()
    ended(app, pair)
    learner = db_user(app, pair.learner_id)
    reason = reason_for(app, mentoring_rules.can_book, pair.learner_id, Mentorship, pair.mentorship_id)
    assert reason == "This mentorship has ended."
    assert_same(app, login_as, api_as, learner, reason,
                (f"/mentorships/{pair.mentorship_id}/book", {"starts_at": SLOT}),
                (f"/api/v1/mentorships/{pair.mentorship_id}/sessions", {"starts_at": SLOT}))


def test_booking_as_the_mentor(app, login_as, api_as, make_mentorship):
    pair = make_mentorship()
    reason = reason_for(app, mentoring_rules.can_book, pair.mentor_id, Mentorship, pair.mentorship_id)
    assert_same(app, login_as, api_as, db_user(app, pair.mentor_id), reason,
                (f"/mentorships/{pair.mentorship_id}/book", {"starts_at": SLOT}),
                (f"/api/v1/mentorships/{pair.mentorship_id}/sessions", {"starts_at": SLOT}))


def test_asking_oneself_and_an_existing_mentor(app, login_as, api_as, make_mentorship, make_mentor):
    pair = make_mentorship()
    learner = db_user(app, pair.learner_id)
    with app.app_context():
        reason = mentoring_rules.can_request(db.session.get(User, pair.learner_id),
                                             db.session.get(User, pair.mentor_id))
    assert "already your mentor" in reason
    body = {"goals": "Ship a model to production", "cadence": "weekly"}
    assert_same(app, login_as, api_as, learner, reason,
                (f"/mentors/{pair.mentor_id}/request", body),
                ("/api/v1/requests", {**body, "mentor_id": pair.mentor_id}))
    mentor = make_mentor().user
    with app.app_context():
        reason = mentoring_rules.can_request(db.session.get(User, mentor.id), db.session.get(User, mentor.id))
    assert_same(app, login_as, api_as, mentor, reason,
                (f"/mentors/{mentor.id}/request", body),
                ("/api/v1/requests", {**body, "mentor_id": mentor.id}))


def test_answering_and_withdrawing_requests(app, login_as, api_as, make_mentorship):
    pair = make_mentorship()  # its request is accepted (closed)
    mentor, learner = db_user(app, pair.mentor_id), db_user(app, pair.learner_id)
    closed = reason_for(app, mentoring_rules.can_answer_request, pair.mentor_id, MentorshipRequest, pair.request_id)
    assert_same(app, login_as, api_as, mentor, closed, (f"/requests/{pair.request_id}/accept", {}),
                (f"/api/v1/requests/{pair.request_id}/accept", None))
    assert_same(app, login_as, api_as, mentor, closed, (f"/requests/{pair.request_id}/decline", {"reason": "busy"}),
                (f"/api/v1/requests/{pair.request_id}/decline", {"reason": "busy"}))
    not_yours = reason_for(app, mentoring_rules.can_withdraw_request, pair.mentor_id, MentorshipRequest,
                           pair.request_id)
    assert_same(app, login_as, api_as, mentor, not_yours, (f"/requests/{pair.request_id}/withdraw", {}),
                (f"/api/v1/requests/{pair.request_id}/withdraw", None))
    wrong_side = reason_for(app, mentoring_rules.can_answer_request, pair.learner_id, MentorshipRequest,
                            pair.request_id)
    assert_same(app, login_as, api_as, learner, wrong_side, (f"/requests/{pair.request_id}/accept", {}),
                (f"/api/v1/requests/{pair.request_id}/accept", None))


def test_applying_to_ones_own_project(app, login_as, api_as, make_project, make_user):
    owner = make_user()
    project = make_project(owner=owner)
    with app.app_context():
        reason = project_rules.can_apply(db.session.get(User, owner.id), get_project(project.id))
    motivation = "I want to learn how to evaluate recommender systems properly."
    assert_same(app, login_as, api_as, owner, reason, (f"/projects/{project.id}/apply", {"motivation": motivation}),
                (f"/api/v1/projects/{project.id}/applications", {"motivation": motivation}))


def test_rsvp_to_a_meetup_that_has_started(app, login_as, api_as, make_event, make_user):
    member = make_user()
    event = make_event(starts_at=datetime.now(timezone.utc) - timedelta(minutes=10), minutes=120)
    with app.app_context():
        reason = event_rules.can_rsvp(db.session.get(User, member.id), db.session.get(Event, event.id),
                                      datetime.now(timezone.utc))
    assert_same(app, login_as, api_as, member, reason, (f"/events/{event.id}/rsvp", {"going": "1"}),
                (f"/api/v1/meetups/{event.id}/rsvp", {"going": True}))


def test_reading_someone_elses_notification(app, login_as, api_as, make_user):
    owner, other = make_user(), make_user()
    with app.app_context():
        note = Notification(user_id=owner.id, kind="mentorship_update", title="Hello")
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    web_status, _ = web_says(app, login_as, other, f"/notifications/{note_id}/read", {})
    api_status, detail = api_says(app, api_as(other), f"/api/v1/notifications/{note_id}/read")
    assert web_status == api_status == 403 and detail == "You are not allowed to do that."
    with app.app_context():
        assert db.session.scalar(select(Notification.read_at).where(Notification.id == note_id)) is None


def db_user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user
