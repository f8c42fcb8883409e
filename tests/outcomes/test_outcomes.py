"""Outcomes: learners record them with evidence, the timeline shows them beside milestones and
reviews, only a mentee's mentor confirms one, and they travel with the person's data."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import PermissionDenied, ValidationError
from mentorhub.outcomes import privacy, records, rules
from mentorhub.outcomes.models import Outcome
from mentorhub.privacy import export_data
from mentorhub.projects import applications, milestones
from mentorhub.projects.models import Milestone

EVIDENCE = "https://github.com/scikit-learn/scikit-learn/pull/1"


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def test_record_and_confirm_through_the_pages(app, client, login_as, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        learner, mentor = _user(pair.learner_id), _user(pair.mentor_id)
        learner.email, mentor.email  # load before the session closes
    login_as(learner)
    resp = client.post("/outcomes", data={"kind": "first_pr", "title": "Merged a docs fix <b>!</b>",
                                          "evidence_url": EVIDENCE})
    assert resp.status_code == 302 and resp.location.endswith(f"/people/{pair.learner_id}#outcomes-timeline")
    page = client.get(f"/people/{pair.learner_id}").get_data(as_text=True)
    assert "First merged pull request" in page and "Merged a docs fix &lt;b&gt;!&lt;/b&gt;" in page
    assert "outcomes/1/confirm" not in page  # the learner cannot confirm their own
    assert 'href="/outcomes"' in page  # their own page links to recording one
    client.post("/logout")
    login_as(mentor)
    page = client.get(f"/people/{pair.learner_id}").get_data(as_text=True)
    with app.app_context():
        outcome_id = db.session.scalar(select(Outcome.id))
    assert f"/outcomes/{outcome_id}/confirm" in page
    assert client.post(f"/outcomes/{outcome_id}/confirm").status_code == 302
    page = client.get(f"/people/{pair.learner_id}").get_data(as_text=True)
    assert "confirmed by mentor" in page and f"/outcomes/{outcome_id}/confirm" not in page
    # confirming twice is refused with the rule's reason
    resp = client.post(f"/outcomes/{outcome_id}/confirm")
    assert resp.status_code == 403


def test_bad_input_is_refused_without_a_row(app, client, login_as, make_learner):
    learner = make_learner().user
    login_as(learner)
    for data in ({"kind": "lottery", "title": "x", "evidence_url": EVIDENCE},
                 {"kind": "job_offer", "title": "", "evidence_url": EVIDENCE},
                 {"kind": "job_offer", "title": "Offer", "evidence_url": "javascript:alert(1)"},
                 {"kind": "job_offer", "title": "Offer", "evidence_url": ""}):
        resp = client.post("/outcomes", data=data)
        assert resp.status_code == 400, data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0


def test_only_a_mentor_of_the_learner_confirms(app, make_mentorship, make_mentor, make_user):
    pair = make_mentorship()
    other_mentor = make_mentor().user
    with app.app_context():
        outcome = records.record_outcome(_user(pair.learner_id), {"kind": "model_deployed", "title": "API live",
                                                                  "evidence_url": EVIDENCE})
        assert rules.can_confirm_outcome(_user(other_mentor.id), outcome) is not None
        with pytest.raises(PermissionDenied):
            records.confirm_outcome(_user(other_mentor.id), outcome.id)
        with pytest.raises(PermissionDenied):
            records.confirm_outcome(_user(pair.learner_id), outcome.id)
        records.confirm_outcome(_user(pair.mentor_id), outcome.id)
        assert db.session.get(Outcome, outcome.id).confirmed_by_id == pair.mentor_id


def test_only_learners_record(app, make_user):
    plain = make_user()
    with app.app_context(), pytest.raises(PermissionDenied):
        records.record_outcome(_user(plain.id), {"kind": "interview", "title": "x", "evidence_url": EVIDENCE})


def test_export_and_erase(app, make_mentorship):
    pair = make_mentorship()
    with app.app_context():
        outcome = records.record_outcome(_user(pair.learner_id), {"kind": "interview", "title": "Onsite",
                                                                  "evidence_url": EVIDENCE})
        records.confirm_outcome(_user(pair.mentor_id), outcome.id)
        data = export_data(_user(pair.learner_id))
        assert data["outcomes"]["outcomes"][0]["title"] == "Onsite"
        privacy.erase_user_data(_user(pair.mentor_id))
        assert db.session.get(Outcome, outcome.id).confirmed_by_id is None
        privacy.erase_user_data(_user(pair.learner_id))
        assert db.session.get(Outcome, outcome.id) is None


def test_validation_error_message(app, make_learner):
    learner = make_learner().user
    with app.app_context(), pytest.raises(ValidationError, match="evidence"):
        records.record_outcome(_user(learner.id), {"kind": "interview", "title": "x", "evidence_url": ""})


def test_timeline_mixes_outcomes_and_milestones_newest_first(app, client, login_as, make_learner, make_mentor,
                                                             make_project):
    learner = make_learner().user
    mentor = make_mentor().user
    project = make_project(owner=mentor, seats=2)
    with app.app_context():
        application = applications.apply(_user(learner.id), project.id, "I want to build the baseline model.")
        applications.accept(_user(mentor.id), application.id)
        milestone = db.session.scalar(select(Milestone).where(Milestone.project_id == project.id).order_by(Milestone.id))
        milestones.tick_milestone(_user(learner.id), project.id, milestone.id)
        title = milestone.title
        records.record_outcome(_user(learner.id), {"kind": "job_offer", "title": "Offer from a lab",
                                                   "evidence_url": EVIDENCE})
    page = login_as(mentor).get(f"/people/{learner.id}").get_data(as_text=True)
    timeline = page[page.index('data-testid="outcomes-timeline"'):]
    assert timeline.index("Offer from a lab") < timeline.index(title)  # the outcome came later
    assert "Job offer" in timeline and "Project milestone" in timeline
    assert 'data-testid="project-outcomes"' in page  # the projects card still lists the milestone
