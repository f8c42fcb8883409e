"""rules.py: one answer per question, shared by the page that shows a button and the write."""
from __future__ import annotations

import pytest

from mentorhub.accounts import blocks as accounts_blocks
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import ValidationError
from mentorhub.profiles import taxonomy
from mentorhub.projects import applications, models, rules
from mentorhub.projects.models import Project
from mentorhub.projects.queries import get_project

MOTIVATION = "I cleaned plenty of messy data at work and want to deploy a model."


def u(user) -> User:
    return db.session.get(User, user.id)


def test_difficulties_and_stages_come_from_the_roadmap_by_name(app):
    assert models.DIFFICULTIES == taxonomy.difficulties() == ("beginner", "intermediate", "advanced")
    assert taxonomy.roadmap_stages()[0] == "foundations" and "deployment" in taxonomy.roadmap_stages()


def test_owner_champion_and_admin_see_contributors_members_do_not(app, make_project, make_user, make_mentor):
    owner, champion, member, admin = make_user(), make_mentor().user, make_user(), make_user(is_admin=True)
    project = make_project(owner=owner, champion=champion)
    with app.app_context():
        app_id = applications.apply(u(member), project.id, MOTIVATION).id
        applications.accept(u(owner), app_id)
        row = get_project(project.id)
        for allowed in (owner, champion, admin):
            assert rules.can_see_contributors(u(allowed), row) is None
        assert rules.can_see_contributors(u(member), row)
        assert rules.can_see_contributors(None, row)
        # the member is on the team (ticks milestones) but does not manage it
        assert rules.can_tick(u(member), row) is None and rules.can_manage(u(member), row)


def test_blocked_person_sees_why_instead_of_the_apply_form(app, login_as, make_project, make_user):
    owner, applicant = make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        accounts_blocks.block(u(owner), u(applicant))
        refusal = rules.can_apply(u(applicant), db.session.get(Project, project.id))
        with pytest.raises(ValidationError, match="blocked"):
            applications.apply(u(applicant), project.id, MOTIVATION)
    body = login_as(applicant, app.test_client()).get(f"/projects/{project.id}").get_data(as_text=True)
    assert "blocked each other" in refusal and "blocked each other" in body
    assert f'action="/projects/{project.id}/apply"' not in body


def test_champion_opens_suggested_contributors_a_member_does_not(app, login_as, make_project, make_user,
                                                                 make_mentor):
    owner, champion, member = make_user(), make_mentor().user, make_user()
    project = make_project(owner=owner, champion=champion)
    with app.app_context():
        applications.accept(u(owner), applications.apply(u(member), project.id, MOTIVATION).id)
    url = f"/matches/projects/{project.id}/contributors"
    assert login_as(champion, app.test_client()).get(url).status_code == 200
    assert login_as(member, app.test_client()).get(url).status_code == 403
