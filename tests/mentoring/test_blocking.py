"""A block between two people (either direction) stops mentorship requests, offers and acceptance."""
from __future__ import annotations

import pytest

from mentorhub.accounts import blocks as accounts
from mentorhub.errors import Conflict, ValidationError
from mentorhub.mentoring import requests, rules
from mentorhub.mentoring.models import Mentorship, MentorshipRequest
from mentorhub.notifications.models import Notification
from mentoring.helpers import count, user


@pytest.mark.parametrize("blocker", ["learner", "mentor"])
def test_blocked_pair_cannot_send_a_request(app, make_learner, make_mentor, blocker):
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        a, b = (learner, mentor) if blocker == "learner" else (mentor, learner)
        accounts.block(user(a.id), user(b.id))
        assert "blocked" in rules.can_request(user(learner.id), user(mentor.id))
        with pytest.raises(ValidationError, match="blocked"):
            requests.send_request(user(learner.id), user(mentor.id), "Ship a model")
        assert count(MentorshipRequest) == 0
        assert count(Notification, Notification.kind == "mentorship_request") == 0


def test_block_after_request_stops_acceptance(app, make_learner, make_mentor):
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req = requests.send_request(user(learner.id), user(mentor.id), "Ship a model")
        accounts.block(user(learner.id), user(mentor.id))
        with pytest.raises(ValidationError, match="blocked"):
            requests.accept_request(user(mentor.id), req)
        assert count(Mentorship) == 0
        assert db_status(req.id) == "pending"


def test_admin_cannot_offer_a_blocked_pair(app, make_learner, make_mentor, make_user):
    learner, mentor, admin = make_learner().user, make_mentor().user, make_user(is_admin=True)
    with app.app_context():
        accounts.block(user(mentor.id), user(learner.id))
        with pytest.raises(Conflict, match="blocked"):
            requests.create_match_offer(user(admin.id), user(learner.id), user(mentor.id))
        assert count(MentorshipRequest) == 0


def test_request_page_refuses_a_blocked_pair(app, client, login_as, make_learner, make_mentor, make_user):
    learner, mentor = make_learner().user, make_mentor(user=make_user(display_name="Maya Ortiz")).user
    with app.app_context():
        accounts.block(user(mentor.id), user(learner.id))
    login_as(learner)
    resp = client.post(f"/mentors/{mentor.id}/request", data={"goals": "Ship a model", "cadence": "weekly"})
    assert resp.status_code == 400
    assert "You cannot send Maya Ortiz a request" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(MentorshipRequest) == 0


def test_mentor_cannot_accept_over_http_after_a_block(app, client, login_as, make_learner, make_mentor):
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req_id = requests.send_request(user(learner.id), user(mentor.id), "Ship a model").id
        accounts.block(user(mentor.id), user(learner.id))
    login_as(mentor)
    resp = client.post(f"/requests/{req_id}/accept")
    assert resp.status_code == 400
    with app.app_context():
        assert count(Mentorship) == 0
        assert db_status(req_id) == "pending"


def db_status(request_id: int) -> str:
    from mentorhub.db import db

    db.session.expire_all()
    return db.session.get(MentorshipRequest, request_id).status
