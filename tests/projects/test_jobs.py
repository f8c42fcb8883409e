"""The stale sweep: scheduled, idempotent, one notice per quiet spell; also the CLI command."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from mentorhub.db import db
from mentorhub.notifications.models import Notification
from mentorhub.projects import jobs
from mentorhub.projects.models import Project
from mentorhub.scheduler.registry import jobs as registered_jobs


def test_sweep_is_registered(app):
    assert any(job.func is jobs.mark_stale_projects for job in registered_jobs(app))


def test_sweep_marks_once_and_notifies_once(app, make_project, make_user, frozen):
    owner = make_user()
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    frozen(start)
    project = make_project(owner=owner, title="Quiet idea")
    later = start + timedelta(days=app.config["PROJECT_STALE_DAYS"] + 1)
    with app.app_context():
        assert jobs.mark_stale_projects(start + timedelta(days=1)) == 0
        assert jobs.mark_stale_projects(later) == 1
        assert jobs.mark_stale_projects(later + timedelta(hours=1)) == 0
        assert db.session.get(Project, project.id).is_stale
        notes = db.session.scalars(select(Notification).where(Notification.user_id == owner.id,
                                                              Notification.kind == "project_stale")).all()
        assert len(notes) == 1 and notes[0].key.startswith(f"project-stale:{project.id}:")


def test_archived_and_completed_ideas_are_not_marked(app, make_project, make_user, frozen):
    owner = make_user()
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    frozen(start)
    project = make_project(owner=owner)
    with app.app_context():
        db.session.get(Project, project.id).status = "completed"
        db.session.commit()
        assert jobs.mark_stale_projects(start + timedelta(days=365)) == 0


def test_cli_command(app, runner, make_project, frozen):
    start = datetime(2026, 5, 1, tzinfo=timezone.utc)
    frozen(start)
    make_project()
    frozen(start + timedelta(days=app.config["PROJECT_STALE_DAYS"] + 1))
    result = runner.invoke(args=["projects-mark-stale"])
    assert result.exit_code == 0 and "1 idea(s) marked stale" in result.output
