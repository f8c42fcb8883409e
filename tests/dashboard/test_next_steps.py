"""The next-steps panel (issue 14): each step ticks from its own feature's fact, the panel goes
quiet when every step is done, and a mentor's dashboard puts mentor work first."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from mentorhub.accounts.models import User
from mentorhub.dashboard.nextsteps import load_facts, steps_for
from mentorhub.db import db
from mentorhub.events import rsvp
from mentorhub.events.queries import get_event
from mentorhub.mentoring import requests
from mentorhub.mentoring.models import MentoringSession
from mentorhub.portfolio import feedback
from mentorhub.projects import applications

NOW = datetime(2026, 10, 26, 12, 0, tzinfo=timezone.utc)


def _steps(page: str) -> dict[str, str]:
    """step key -> "yes"/"no" as the next-steps panel shows them."""
    return dict(re.findall(r'data-step="(\w+)" data-done="(yes|no)"', page))


def _u(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_a_newcomer_sees_the_learner_steps_all_open(client, login_as, make_user):
    login_as(make_user())
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="next-steps"' in page
    assert _steps(page) == {k: "no" for k in ("profile", "request", "book", "apply", "post", "rsvp")}
    assert "Still missing: a learner profile, your skills, your weekly availability." in page


def test_each_learner_step_ticks_from_its_feature_and_the_panel_goes_quiet(
        app, client, frozen, login_as, make_mentorship, make_project, make_event, make_item):
    frozen(NOW)
    pair = make_mentorship()
    project = make_project()
    event = make_event(starts_at=NOW + timedelta(days=2))
    with app.app_context():
        learner = _u(pair.learner_id)
    login_as(learner)
    assert _steps(client.get("/dashboard").get_data(as_text=True)) == {
        "profile": "yes", "request": "yes", "book": "no", "apply": "no", "post": "no", "rsvp": "no"}
    item_id = make_item(learner)
    with app.app_context():
        me = _u(pair.learner_id)
        db.session.add(MentoringSession(mentorship_id=pair.mentorship_id, mentor_id=pair.mentor_id,
                                        learner_id=me.id, starts_at=NOW + timedelta(days=1),
                                        ends_at=NOW + timedelta(days=1, hours=1), status="booked"))
        db.session.commit()
        applications.apply(_u(pair.learner_id), project.id, "I want to learn monitoring on real data.")
        feedback.request_feedback(_u(pair.learner_id), item_id, "community")
        db.session.commit()
        facts = load_facts(pair.learner_id)
        assert facts["booked"] and facts["applied"] and facts["asked_feedback"] and not facts["rsvped"]
        rsvp.rsvp(_u(pair.learner_id), get_event(_u(pair.learner_id), event.id), True)
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="next-steps"' not in page  # all done: the panel is quiet


def test_mentor_steps_show_waiting_requests_and_asked_reviews_mentor_work_first(
        app, client, frozen, login_as, make_learner, make_mentor, make_item):
    clock = frozen(NOW)
    mentor = make_mentor().user
    learner = make_learner().user
    with app.app_context():
        requests.send_request(_u(learner.id), _u(mentor.id), "Ship a first model to production.")
    clock.move_to(NOW + timedelta(days=2, hours=1))
    login_as(mentor)
    page = client.get("/dashboard").get_data(as_text=True)
    steps = _steps(page)
    assert steps == {"availability": "yes", "requests": "no", "sessions": "yes", "reviews": "yes", "community": "no"}
    assert "1 request waiting; the oldest for 2 days." in page and "waiting 2 days" in page
    # a mentor's own work comes before the profile panel, and nothing is written for learners
    assert page.index('data-testid="next-steps"') < page.index("dash-mentoring-h") < page.index("profiles-panel")
    assert "Tell us what you want to learn" not in page and "Post your work" not in page


def test_a_review_asked_by_name_shows_on_the_mentors_dashboard(app, client, login_as, make_mentorship, make_item):
    pair = make_mentorship()
    with app.app_context():
        learner = _u(pair.learner_id)
    item_id = make_item(learner, visibility="mentors")
    with app.app_context():
        feedback.request_feedback(_u(pair.learner_id), item_id, "mentor", mentor_id=pair.mentor_id)
        mentor = _u(pair.mentor_id)
    login_as(mentor)
    page = client.get("/dashboard").get_data(as_text=True)
    assert _steps(page)["reviews"] == "no" and "1 learner asked you to review their work." in page


def test_steps_for_is_quiet_only_when_every_fact_is_true():
    facts = {"has_learner": True, "learner_skills": 3, "windows": 2, "has_mentor": True, "mentor_open": True,
             "requested": True, "booked": True, "applied": True, "asked_feedback": True, "rsvped": True,
             "requests_waiting": 0, "oldest_request_at": None, "sessions_unprepared": 0, "reviews_asked": 0,
             "community_reviewer": True}
    roles = steps_for(facts, NOW)
    assert set(roles) == {"learner", "mentor"} and all(s.done for steps in roles.values() for s in steps)
    roles = steps_for({**facts, "sessions_unprepared": 2}, NOW)
    assert [s.key for s in roles["mentor"] if not s.done] == ["sessions"]
