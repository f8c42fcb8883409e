"""A block between a person and a project's owner or champion (either direction) keeps them off the team."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mentorhub.accounts import blocks as accounts
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict, ValidationError
from mentorhub.projects import applications, ideas
from mentorhub.projects.models import Project, ProjectApplication, ProjectMember

MOTIVATION = "I cleaned plenty of messy data at work and want to deploy a model."


def u(user) -> User:
    return db.session.get(User, user.id)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("who_blocks", ["owner", "applicant", "champion"])
def test_blocked_person_cannot_apply(app, make_project, make_user, make_mentor, who_blocks):
    owner, applicant, champion = make_user(), make_user(), make_mentor().user
    project = make_project(owner=owner, champion=champion)
    with app.app_context():
        if who_blocks == "applicant":
            accounts.block(u(applicant), u(owner))
        else:
            accounts.block(u(owner if who_blocks == "owner" else champion), u(applicant))
        with pytest.raises(ValidationError, match="blocked") as exc:
            applications.apply(u(applicant), project.id, MOTIVATION)
        assert exc.value.field == "motivation"
        assert count(ProjectApplication) == 0


def test_block_after_applying_stops_acceptance(app, make_project, make_user):
    owner, applicant = make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        app_id = applications.apply(u(applicant), project.id, MOTIVATION).id
        accounts.block(u(applicant), u(owner))
        with pytest.raises(Conflict, match="blocked"):
            applications.accept(u(owner), app_id)
        db.session.expire_all()
        assert db.session.get(ProjectApplication, app_id).status == "pending"
        assert db.session.get(Project, project.id).seats_taken == 0
        assert count(ProjectMember) == 0
        # declining still works, so the owner can close the application
        assert applications.decline(u(owner), app_id, "Not a fit for this team.").status == "declined"


def test_blocked_mentor_cannot_champion(app, make_project, make_user, make_mentor):
    owner, mentor = make_user(), make_mentor().user
    project = make_project(owner=owner)
    with app.app_context():
        accounts.block(u(owner), u(mentor))
        with pytest.raises(Conflict, match="blocked"):
            ideas.champion_project(u(mentor), project.id)
        assert db.session.get(Project, project.id).champion_id is None


def test_apply_and_accept_pages_refuse_a_blocked_pair(app, client, login_as, make_project, make_user):
    owner, applicant, other = make_user(), make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        accounts.block(u(owner), u(applicant))
    login_as(applicant)
    resp = client.post(f"/projects/{project.id}/apply", data={"motivation": MOTIVATION})
    assert resp.status_code == 400 and "You cannot apply to this project" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(ProjectApplication) == 0
        app_id = applications.apply(u(other), project.id, MOTIVATION).id
        accounts.block(u(other), u(owner))
    c = login_as(owner, app.test_client())
    resp = c.post(f"/projects/applications/{app_id}/accept")
    assert resp.status_code == 409 and "cannot join the team" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(ProjectMember) == 0
        assert db.session.get(ProjectApplication, app_id).status == "pending"
        assert db.session.get(Project, project.id).seats_taken == 0
