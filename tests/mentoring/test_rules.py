"""The permission questions of rules.py: the page shows a button exactly when the write allows it."""
from __future__ import annotations

import pytest
from flask import url_for

from mentorhub.errors import Conflict, PermissionDenied
from mentorhub.mentoring import mentorships, queries, requests, rules
from mentoring.helpers import user


def test_request_buttons_follow_the_rules_the_writes_use(app, client, login_as, make_learner, make_mentor):
    learner, mentor = make_learner().user, make_mentor().user
    with app.app_context():
        req = requests.send_request(user(learner.id), user(mentor.id), "Ship a model")
        assert rules.can_answer_request(user(mentor.id), req) is None
        assert "Only the mentor" in rules.can_answer_request(user(learner.id), req)
        assert rules.can_withdraw_request(user(learner.id), req) is None
        assert "Only the learner" in rules.can_withdraw_request(user(mentor.id), req)
        with pytest.raises(PermissionDenied, match="Only the learner"):
            requests.withdraw_request(user(mentor.id), req)
        req_id = req.id
    mc = login_as(mentor, app.test_client())
    mentor_page = mc.get(f"/requests/{req_id}").get_data(as_text=True)
    assert 'data-testid="accept"' in mentor_page and "Withdraw this request" not in mentor_page
    login_as(learner)
    learner_page = client.get(f"/requests/{req_id}").get_data(as_text=True)
    assert 'data-testid="accept"' not in learner_page and "Withdraw this request" in learner_page

    assert client.post(f"/requests/{req_id}/withdraw").status_code == 302
    with app.app_context():
        req = queries.get_request(user(learner.id), req_id)
        assert "already been answered or closed" in rules.can_withdraw_request(user(learner.id), req)
        assert "already been answered or closed" in rules.can_answer_request(user(mentor.id), req)
    assert "Withdraw this request" not in client.get(f"/requests/{req_id}").get_data(as_text=True)
    assert 'data-testid="accept"' not in mc.get(f"/requests/{req_id}").get_data(as_text=True)
    assert client.post(f"/requests/{req_id}/withdraw").status_code == 409
    assert mc.post(f"/requests/{req_id}/accept").status_code == 409


def test_end_and_rate_links_follow_the_rules(app, client, login_as, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        m = queries.get_mentorship(learner, pair.mentorship_id)
        assert rules.can_change_mentorship(learner, m) is None
        assert rules.can_rate(learner, m, has_rated=False) == "Rate a mentorship when you end it."
    page = f"/mentorships/{pair.mentorship_id}"
    login_as(user_email_holder(app, pair.learner_id))
    body = client.get(page).get_data(as_text=True)
    assert "End mentorship" in body and "Leave a private rating" not in body

    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        mentorships.end_mentorship(learner, queries.get_mentorship(learner, pair.mentorship_id), 5, "Thanks")
        m = queries.get_mentorship(learner, pair.mentorship_id)
        assert rules.can_change_mentorship(learner, m) == "This mentorship has ended."
        has_rated = queries.my_rating(learner, m) is not None
        assert rules.can_rate(learner, m, has_rated) == "You have already rated this mentorship."
        assert rules.can_rate(mentor, m, queries.my_rating(mentor, m) is not None) is None
        with pytest.raises(Conflict):
            mentorships.rate_ended_mentorship(learner, m, 4)
    body = client.get(page).get_data(as_text=True)
    assert "End mentorship" not in body and "Leave a private rating" not in body
    mc = login_as(user_email_holder(app, pair.mentor_id), app.test_client())
    assert "Leave a private rating" in mc.get(page).get_data(as_text=True)


def test_calendar_routes_keep_their_urls_under_notifications(app):
    with app.test_request_context("/"):
        assert url_for("notifications.calendar_settings") == "/calendar"
        assert url_for("notifications.calendar_regenerate") == "/calendar/regenerate"
        assert url_for("notifications.calendar_revoke") == "/calendar/revoke"
        assert url_for("notifications.calendar_feed", token="abc") == "/calendar/abc.ics"
        assert url_for("notifications.session_ics", session_id=7) == "/sessions/7.ics"
    assert not any(rule.endpoint.startswith("mentoring.calendar") for rule in app.url_map.iter_rules())


def user_email_holder(app, user_id: int):
    """The user row, loaded and detached, for login_as (which only reads the email)."""
    with app.app_context():
        return user(user_id)
