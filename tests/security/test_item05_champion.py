"""Issue 12, item 5: becoming champion is a request the owner (or an admin) accepts; the owner
can remove a champion; the activity log records both; one can_champion question for page and write."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.projects import project_factory
from mentorhub.accounts import blocks as accounts
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict
from mentorhub.projects import ideas, rules
from mentorhub.projects.models import Project, ProjectActivity


def _project(app, people, owner):
    return project_factory(app, people.user)(owner=owner)


def _activity(app, project_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(ProjectActivity.message).where(ProjectActivity.project_id == project_id)
                                       .order_by(ProjectActivity.id)))


def test_item05_champion_is_a_request_the_owner_accepts(any_app, people):
    owner, mentor = people.user(), people.mentor(display_name="Mona Mentor")
    project = _project(any_app, people, owner)
    m = people.client(mentor)
    assert "Offer to champion this idea" in m.get(f"/projects/{project.id}").get_data(as_text=True)
    assert m.post(f"/projects/{project.id}/champion").status_code == 302
    with any_app.app_context():
        row = db.session.get(Project, project.id)
        assert row.champion_id is None and row.champion_candidate_id == mentor.id
        assert rules.can_manage(db.session.get(User, mentor.id), row) is not None  # no rights before acceptance
    assert m.get(f"/projects/{project.id}/edit").status_code == 403
    assert m.post(f"/projects/{project.id}/champion/accept").status_code == 403  # not theirs to accept
    o = people.client(owner)
    assert "Mona Mentor offers to champion" in o.get(f"/projects/{project.id}").get_data(as_text=True)
    assert o.post(f"/projects/{project.id}/champion/accept").status_code == 302
    with any_app.app_context():
        row = db.session.get(Project, project.id)
        assert row.champion_id == mentor.id and rules.can_manage(db.session.get(User, mentor.id), row) is None
    assert "accepted Mona Mentor as champion" in _activity(any_app, project.id)


def test_item05_owner_removes_the_champion_and_the_log_says_so(any_app, people):
    owner, mentor, other = people.user(), people.mentor(display_name="Rex Removed"), people.user()
    project = project_factory(any_app, people.user)(owner=owner, champion=mentor)
    assert people.client(other).post(f"/projects/{project.id}/champion/step-down").status_code == 403
    o = people.client(owner)
    assert "Remove the champion" in o.get(f"/projects/{project.id}").get_data(as_text=True)
    assert o.post(f"/projects/{project.id}/champion/step-down").status_code == 302
    with any_app.app_context():
        assert db.session.get(Project, project.id).champion_id is None
    assert "removed Rex Removed as champion" in _activity(any_app, project.id)


def test_item05_owner_declines_and_blocked_mentors_see_no_button(any_app, people):
    owner, mentor, blocked = people.user(), people.mentor(), people.mentor()
    project = _project(any_app, people, owner)
    with any_app.app_context():
        accounts.block(db.session.get(User, owner.id), db.session.get(User, blocked.id))
        refusal = rules.can_champion(db.session.get(User, blocked.id), db.session.get(Project, project.id))
        assert "blocked" in refusal  # the reason the page and the write share
        with pytest.raises(Conflict, match="blocked"):
            ideas.champion_project(db.session.get(User, blocked.id), project.id)
    b = people.client(blocked)
    assert "champion this idea" not in b.get(f"/projects/{project.id}").get_data(as_text=True)
    assert people.client(mentor).post(f"/projects/{project.id}/champion").status_code == 302
    assert people.client(owner).post(f"/projects/{project.id}/champion/decline").status_code == 302
    with any_app.app_context():
        row = db.session.get(Project, project.id)
        assert row.champion_id is None and row.champion_candidate_id is None
