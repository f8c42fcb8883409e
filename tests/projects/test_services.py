"""Projects services: ideas, validation, rights, applications, seats, teams, milestones, stale marking."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from fixtures.projects import project_data
from mentorhub import generations as changes
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict, NotFound, PermissionDenied, ValidationError
from mentorhub.notifications.models import Notification
from mentorhub.projects import applications, ideas, jobs, milestones, privacy, queries, teams
from mentorhub.projects.models import (
    Milestone,
    Project,
    ProjectActivity,
    ProjectApplication,
    ProjectMember,
    ProjectSkill,
)

MOTIVATION = "I have cleaned messy CSVs at work and want to ship a real model."


def u(user) -> User:
    return db.session.get(User, user.id)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def notes(user, kind=None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


# ---- ideas ------------------------------------------------------------------------------------


def test_create_project_stores_every_field_and_default_milestones(app, taxonomy, make_user):
    owner = make_user()
    with app.app_context():
        before = changes.last_seq()
        project = ideas.create_project(u(owner), project_data())
        project = queries.get_project(project.id)
        assert project.owner_id == owner.id and project.status == "open" and project.seats_taken == 0
        assert {d.slug for d in project.domains} == {"tabular-data", "anomaly-detection"}
        assert {(s.skill.slug, s.min_level) for s in project.required_skills} == {("python", 2), ("pandas", 2)}
        assert {s.skill.slug for s in project.learn_skills} == {"model-monitoring", "docker"}
        assert all(s.min_level is None for s in project.learn_skills)
        assert project.dataset_licence == "CC BY 4.0" and project.compute == "laptop_cpu"
        assert [m.key for m in project.milestones] == ["first_pr", "baseline", "evaluation", "demo", "writeup"]
        assert changes.since(before) == [(before + 1, changes.PROJECT, project.id)]  # logged with the write


BAD_IDEAS = [
    ({"title": ""}, "title"),
    ({"title": "x" * 121}, "title"),
    ({"summary": "y" * 301}, "summary"),
    ({"repo_url": "javascript:alert(1)"}, "repo_url"),
    ({"issues_url": "not a url"}, "issues_url"),
    ({"dataset_url": "ftp://example.org/data"}, "dataset_url"),
    ({"seats": -1}, "seats"),
    ({"seats": 0}, "seats"),
    ({"seats": "many"}, "seats"),
    ({"hours_per_week": 0}, "hours_per_week"),
    ({"duration_weeks": 500}, "duration_weeks"),
    ({"difficulty": "expert"}, "difficulty"),
    ({"compute": "quantum"}, "compute"),
    ({"domains": ["astrology"]}, "domains"),
    ({"required_skills": [{"skill": "telepathy", "level": 2}]}, "required_skills"),
    ({"required_skills": [{"skill": "python", "level": 9}]}, "required_skills"),
    ({"learn_skills": ["no-such-skill"]}, "learn_skills"),
    ({"description": "z" * 20_001}, "description"),
]


def test_bad_idea_input_is_refused_and_nothing_saved(app, taxonomy, make_user):
    owner = make_user()
    with app.app_context():
        for overrides, field in BAD_IDEAS:
            with pytest.raises(ValidationError) as exc:
                ideas.create_project(u(owner), project_data(**overrides))
            assert exc.value.field == field and exc.value.message, overrides
            db.session.rollback()
            assert count(Project) == 0 and count(ProjectSkill) == 0 and count(Milestone) == 0


def test_only_owner_champion_or_admin_edit(app, make_project, make_user, make_mentor):
    owner, stranger, admin = make_user(), make_user(), make_user(is_admin=True)
    champion = make_mentor().user
    project = make_project(owner=owner, champion=champion)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            ideas.update_project(u(stranger), project.id, project_data(title="Hijacked"))
        db.session.rollback()
        assert queries.get_project(project.id).title != "Hijacked"
        for i, actor in enumerate((owner, champion, admin)):
            ideas.update_project(u(actor), project.id, project_data(title=f"Edited {i}"))
        assert queries.get_project(project.id).title == "Edited 2"
        with pytest.raises(PermissionDenied):
            ideas.set_status(u(stranger), project.id, "archived")


def test_edit_replaces_skills_and_cannot_shrink_below_team(app, make_project, make_user):
    owner = make_user()
    project = make_project(owner=owner, seats=2)
    learners = (make_user(), make_user())
    with app.app_context():
        ideas.update_project(u(owner), project.id, project_data(
            seats=2, required_skills=[{"skill": "pytorch", "level": 3}], learn_skills=["mlflow"]))
        p = queries.get_project(project.id)
        assert [(s.skill.slug, s.min_level) for s in p.required_skills] == [("pytorch", 3)]
        assert [s.skill.slug for s in p.learn_skills] == ["mlflow"]
        for learner in learners:
            app_ = applications.apply(u(learner), project.id, MOTIVATION)
            applications.accept(u(owner), app_.id)
        with pytest.raises(ValidationError) as exc:
            ideas.update_project(u(owner), project.id, project_data(seats=1))
        assert exc.value.field == "seats"
        db.session.rollback()
        assert queries.get_project(project.id).seats == 2


def test_only_mentors_champion_and_only_once(app, make_project, make_user, make_mentor):
    owner, plain = make_user(), make_user()
    m1, m2 = make_mentor().user, make_mentor().user
    project = make_project(owner=owner)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            ideas.champion_project(u(plain), project.id)
        ideas.champion_project(u(m1), project.id)  # an offer, which the owner accepts
        assert queries.get_project(project.id).champion_id is None
        ideas.decide_champion(u(owner), project.id, accept=True)
        assert queries.get_project(project.id).champion_id == m1.id
        assert notes(owner, "project_team")
        with pytest.raises(Conflict):
            ideas.champion_project(u(m2), project.id)
        with pytest.raises(PermissionDenied):
            ideas.step_down(u(m2), project.id)
        ideas.step_down(u(m1), project.id)
        assert queries.get_project(project.id).champion_id is None


# ---- applications ----------------------------------------------------------------------------------


def test_apply_notifies_owner_and_champion(app, make_project, make_user, make_mentor):
    owner, learner = make_user(), make_user(display_name="Priya")
    champion = make_mentor().user
    project = make_project(owner=owner, champion=champion)
    with app.app_context():
        application = applications.apply(u(learner), project.id, MOTIVATION)
        assert application.status == "pending"
        for leader in (owner, champion):
            (note,) = notes(leader, "project_application")
            assert "Priya" in note.title and note.link == f"/projects/{project.id}/applications"


def test_apply_rules(app, make_project, make_user):
    owner, learner, other = make_user(), make_user(), make_user()
    project = make_project(owner=owner, seats=1)
    third = make_user()
    with app.app_context():
        with pytest.raises(ValidationError) as exc:
            applications.apply(u(learner), project.id, "too short")
        assert exc.value.field == "motivation"
        with pytest.raises(ValidationError):
            applications.apply(u(learner), project.id, "m" * 2001)
        with pytest.raises(ValidationError):
            applications.apply(u(owner), project.id, MOTIVATION)
        first = applications.apply(u(learner), project.id, MOTIVATION)
        with pytest.raises(Conflict):
            applications.apply(u(learner), project.id, MOTIVATION)  # twice
        applications.accept(u(owner), first.id)
        with pytest.raises(Conflict):
            applications.apply(u(other), project.id, MOTIVATION)  # full
        ideas.set_status(u(owner), project.id, "archived")
        with pytest.raises(Conflict):
            applications.apply(u(third), project.id, MOTIVATION)  # archived
        assert count(ProjectApplication) == 1
        with pytest.raises(NotFound):
            applications.apply(u(other), 999_999, MOTIVATION)


def test_accept_and_decline_notify_the_learner(app, make_project, make_user):
    owner, a, b = make_user(), make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        app_a = applications.apply(u(a), project.id, MOTIVATION)
        app_b = applications.apply(u(b), project.id, MOTIVATION)
        member = applications.accept(u(owner), app_a.id)
        assert member.user_id == a.id and member.role == "contributor"
        assert queries.get_project(project.id).seats_taken == 1
        (note,) = notes(a, "project_decision")
        assert note.link == f"/projects/{project.id}/team"
        with pytest.raises(ValidationError):
            applications.decline(u(owner), app_b.id, "   ")
        db.session.rollback()
        applications.decline(u(owner), app_b.id, "We need someone with more SQL.")
        (note,) = notes(b, "project_decision")
        assert "more SQL" in note.body
        assert db.session.get(ProjectApplication, app_b.id).status == "declined"
        with pytest.raises(Conflict):
            applications.accept(u(owner), app_b.id)  # already decided
        assert queries.get_project(project.id).seats_taken == 1


def test_applicant_cannot_accept_themselves(app, make_project, make_user):
    owner, learner = make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        application = applications.apply(u(learner), project.id, MOTIVATION)
        with pytest.raises(PermissionDenied):
            applications.accept(u(learner), application.id)
        with pytest.raises(PermissionDenied):
            applications.decline(u(learner), application.id, "no")
        db.session.rollback()
        assert count(ProjectMember) == 0
        assert db.session.get(ProjectApplication, application.id).status == "pending"


def test_withdraw_only_own_pending(app, make_project, make_user):
    owner, learner, other = make_user(), make_user(), make_user()
    project = make_project(owner=owner)
    with app.app_context():
        application = applications.apply(u(learner), project.id, MOTIVATION)
        with pytest.raises(PermissionDenied, match="only withdraw your own"):
            applications.withdraw(u(other), application.id)
        assert db.session.get(ProjectApplication, application.id).status == "pending"
        assert applications.withdraw(u(learner), application.id).status == "withdrawn"
        with pytest.raises(Conflict):
            applications.withdraw(u(learner), application.id)
        # after withdrawing, one may apply again (same row, pending again)
        again = applications.apply(u(learner), project.id, MOTIVATION + " Now with more time.")
        assert again.id == application.id
        assert db.session.get(ProjectApplication, application.id).status == "pending"
        with pytest.raises(Conflict):
            applications.apply(u(learner), project.id, MOTIVATION)
        assert count(ProjectApplication) == 1


def test_accept_refused_when_full(app, make_project, make_user):
    owner = make_user()
    project = make_project(owner=owner, seats=1)
    a, b = make_user(), make_user()
    with app.app_context():
        app_a = applications.apply(u(a), project.id, MOTIVATION)
        app_b = applications.apply(u(b), project.id, MOTIVATION)
        applications.accept(u(owner), app_a.id)
        with pytest.raises(Conflict):
            applications.accept(u(owner), app_b.id)
        assert db.session.get(ProjectApplication, app_b.id).status == "pending"
        assert count(ProjectMember) == 1 and queries.get_project(project.id).seats_taken == 1


# ---- the team ------------------------------------------------------------------------------------


def _team(app, owner, project, *people):
    with app.app_context():
        for person in people:
            application = applications.apply(u(person), project.id, MOTIVATION)
            applications.accept(u(owner), application.id)


def test_leave_and_remove_free_the_seat(app, make_project, make_user):
    owner, a, b, stranger = make_user(), make_user(), make_user(display_name="Bo"), make_user()
    project = make_project(owner=owner, seats=2)
    _team(app, owner, project, a, b)
    with app.app_context():
        teams.leave(u(a), project.id)
        assert queries.get_project(project.id).seats_taken == 1
        assert notes(owner, "project_team")
        with pytest.raises(Conflict):
            teams.leave(u(a), project.id)
        with pytest.raises(PermissionDenied):
            teams.remove_member(u(stranger), project.id, b.id, "because")
        with pytest.raises(ValidationError):
            teams.remove_member(u(owner), project.id, b.id, "")
        db.session.rollback()
        assert count(ProjectMember) == 1
        teams.remove_member(u(owner), project.id, b.id, "No activity for a month.")
        assert queries.get_project(project.id).seats_taken == 0 and count(ProjectMember) == 0
        (note,) = notes(b, "project_team")
        assert "No activity for a month." in note.body
        log = [a.message for a in queries.activity_log(queries.get_project(project.id))]
        assert "removed Bo from the team" in log and "left the team" in log


def test_roles(app, make_project, make_user):
    owner, a = make_user(), make_user()
    project = make_project(owner=owner)
    _team(app, owner, project, a)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            teams.set_role(u(a), project.id, a.id, "maintainer")
        with pytest.raises(ValidationError):
            teams.set_role(u(owner), project.id, a.id, "king")
        assert teams.set_role(u(owner), project.id, a.id, "maintainer").role == "maintainer"


# ---- milestones and outcomes ---------------------------------------------------------------------


def test_milestones_ticked_by_team_become_outcomes(app, make_project, make_user):
    owner, a, late, stranger = make_user(), make_user(), make_user(), make_user()
    project = make_project(owner=owner, title="Sentiment of product reviews")
    _team(app, owner, project, a)
    with app.app_context():
        p = queries.get_project(project.id)
        first_pr = p.milestones[0]
        with pytest.raises(PermissionDenied):
            milestones.tick_milestone(u(stranger), p.id, first_pr.id)
        milestones.tick_milestone(u(a), p.id, first_pr.id)
        with pytest.raises(Conflict):
            milestones.tick_milestone(u(a), p.id, first_pr.id)
        (outcome,) = queries.milestones_reached_by(u(a))
        assert outcome.milestone == "First pull request merged"
        assert outcome.project_title == "Sentiment of product reviews"
        assert [o.milestone for o in queries.milestones_reached_by(u(owner))] == ["First pull request merged"]
    _team(app, owner, project, late)
    with app.app_context():
        assert queries.milestones_reached_by(u(late)) == []  # joined after it was reached
        custom = milestones.add_milestone(u(owner), project.id, "Dataset card written")
        with pytest.raises(PermissionDenied):
            milestones.add_milestone(u(a), project.id, "Members cannot add")
        milestones.tick_milestone(u(late), project.id, custom.id)
        assert [o.milestone for o in queries.milestones_reached_by(u(late))] == ["Dataset card written"]
        milestones.untick_milestone(u(owner), project.id, custom.id)
        assert queries.milestones_reached_by(u(late)) == []
        with pytest.raises(ValidationError):
            milestones.add_milestone(u(owner), project.id, "t" * 121)


def test_milestone_of_another_project_is_not_found(app, make_project, make_user):
    owner = make_user()
    p1, p2 = make_project(owner=owner), make_project(owner=owner)
    with app.app_context():
        other = queries.get_project(p2.id).milestones[0]
        with pytest.raises(NotFound):
            milestones.tick_milestone(u(owner), p1.id, other.id)


# ---- listing, filters, stale -------------------------------------------------------------------------


def _ids(page):
    return [p.id for p in page.items]


def test_filters(app, make_project, make_user):
    owner = make_user()
    cv = make_project(owner=owner, title="Bird species classifier", domains=["computer-vision"],
                      required_skills=[{"skill": "pytorch", "level": 2}], difficulty="beginner",
                      compute="one_gpu", seats=1)
    recsys = make_project(owner=owner, title="Podcast recommender", domains=["recommender-systems"],
                          required_skills=[{"skill": "python", "level": 2}], difficulty="advanced",
                          compute="laptop_cpu", description="Implicit feedback with matrix factorisation.")
    learner = make_user()
    with app.app_context():
        F = queries.ProjectFilters
        assert set(_ids(queries.list_projects(F(), 1))) == {cv.id, recsys.id}
        assert _ids(queries.list_projects(F(domain="computer-vision"), 1)) == [cv.id]
        assert _ids(queries.list_projects(F(skill="python"), 1)) == [recsys.id]
        assert _ids(queries.list_projects(F(difficulty="beginner"), 1)) == [cv.id]
        assert _ids(queries.list_projects(F(compute="laptop_cpu"), 1)) == [recsys.id]
        assert _ids(queries.list_projects(F(q="FACTORISATION"), 1)) == [recsys.id]
        assert _ids(queries.list_projects(F(q="100%_"), 1)) == []
        applications.accept(u(owner), applications.apply(u(learner), cv.id, MOTIVATION).id)
        assert _ids(queries.list_projects(F(free_seats=True), 1)) == [recsys.id]
        ideas.set_status(u(owner), recsys.id, "archived")
        assert _ids(queries.list_projects(F(), 1)) == [cv.id]
        assert _ids(queries.list_projects(F(status="archived"), 1)) == [recsys.id]
        scores = {cv.id: 0.2, recsys.id: 0.9}
        assert _ids(queries.list_projects(F(status="any"), 1, scores=scores)) == [recsys.id, cv.id]


def test_active_filter_and_stale_marking(app, make_project, make_user, frozen):
    owner = make_user()
    start = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    frozen(start)
    old = make_project(owner=owner, title="Old idea")
    frozen(start + timedelta(days=45))
    fresh = make_project(owner=owner, title="Fresh idea")
    with app.app_context():
        F = queries.ProjectFilters
        assert _ids(queries.list_projects(F(active=True), 1)) == [fresh.id]
        assert set(_ids(queries.list_projects(F(), 1))) == {old.id, fresh.id}
    now = start + timedelta(days=app.config["PROJECT_STALE_DAYS"] + 1)
    frozen(now)
    with app.app_context():
        # hidden from the default listing as soon as it is past the limit, even before the sweep
        assert _ids(queries.list_projects(F(), 1)) == [fresh.id]
        assert set(_ids(queries.list_projects(F(include_stale=True), 1))) == {old.id, fresh.id}
        assert jobs.mark_stale_projects(now) == 1
        assert jobs.mark_stale_projects(now) == 0  # idempotent
        assert db.session.get(Project, old.id).is_stale and not db.session.get(Project, fresh.id).is_stale
        (note,) = notes(owner, "project_stale")
        assert "Old idea" in note.title
        # any activity brings it back
        milestones.add_milestone(u(owner), old.id, "Restart with a smaller scope")
        assert not db.session.get(Project, old.id).is_stale
        assert old.id in _ids(queries.list_projects(F(), 1))


def test_stale_days_is_a_setting(app, make_project, make_user, frozen):
    app.config["PROJECT_STALE_DAYS"] = 3
    owner = make_user()
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    frozen(start)
    project = make_project(owner=owner)
    frozen(start + timedelta(days=4))
    with app.app_context():
        assert jobs.mark_stale_projects() == 1
        assert db.session.get(Project, project.id).is_stale


# ---- personal data --------------------------------------------------------------------------------


def test_export_and_erase(app, make_project, make_user):
    owner, a = make_user(), make_user()
    project = make_project(owner=owner, title="Model card generator")
    other = make_project(owner=a, title="Mine to archive")
    _team(app, owner, project, a)
    with app.app_context():
        milestones.tick_milestone(u(a), project.id, queries.get_project(project.id).milestones[1].id)
        data = privacy.export_user_data(u(a))
        assert data["teams"][0]["title"] == "Model card generator"
        assert data["applications"][0]["motivation"] == MOTIVATION
        assert data["outcomes"][0]["milestone"] == "Baseline model"
        privacy.erase_user_data(u(a))
        db.session.commit()
        assert count(ProjectMember) == 0 and count(ProjectApplication) == 0
        assert queries.milestones_reached_by(u(a)) == []
        assert queries.get_project(project.id).seats_taken == 0
        assert queries.get_project(other.id).status == "archived"
        assert count(ProjectActivity, ProjectActivity.actor_id == a.id) == 0
