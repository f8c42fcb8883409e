"""Seats under concurrency: owners accepting at the same moment never over-fill a team
(SQLite with BEGIN IMMEDIATE, and a real PostgreSQL server)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from fixtures.projects import project_data
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import Conflict
from mentorhub.projects import applications, ideas
from mentorhub.projects.models import Project, ProjectApplication, ProjectMember

SEATS = 3
APPLICANTS = 8
MOTIVATION = "I would love to help and have time every week for this."


def _setup(app):
    with app.app_context():
        people = [User(email=f"p{i}@example.com", display_name=f"Person {i}") for i in range(APPLICANTS + 2)]
        db.session.add_all(people)
        db.session.commit()
        owner, champion, applicants = people[0], people[1], people[2:]
        plain = dict(domains=[], required_skills=[], learn_skills=[], seats=SEATS)
        project = ideas.create_project(owner, project_data(**plain))
        project.champion_id = champion.id
        db.session.commit()
        app_ids = [applications.apply(a, project.id, MOTIVATION).id for a in applicants]
        return project.id, owner.id, champion.id, app_ids


def _race(app, jobs):
    """Run each (actor_id, application_id) accept in its own thread, all released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = []
    lock = threading.Lock()

    def work(actor_id, application_id):
        with app.app_context():
            actor = db.session.get(User, actor_id)
            db.session.commit()  # end the read transaction (on SQLite it holds the write lock)
            barrier.wait()
            try:
                applications.accept(actor, application_id)
                outcome = "ok"
            except Conflict:
                outcome = "conflict"
            except Exception as exc:  # noqa: BLE001 - any other failure is a test failure
                outcome = f"error: {exc!r}"
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _state(app, project_id):
    with app.app_context():
        project = db.session.get(Project, project_id)
        members = db.session.scalar(select(func.count(ProjectMember.id))
                                    .where(ProjectMember.project_id == project_id))
        accepted = db.session.scalar(select(func.count(ProjectApplication.id)).where(
            ProjectApplication.project_id == project_id, ProjectApplication.status == "accepted"))
        return project.seats_taken, members, accepted


@pytest.mark.postgres
def test_concurrent_accepts_never_overfill(any_app):
    project_id, owner_id, champion_id, app_ids = _setup(any_app)
    # two leaders accept different applicants at the same moment
    jobs = [(owner_id if i % 2 else champion_id, app_id) for i, app_id in enumerate(app_ids)]
    results = _race(any_app, jobs)
    assert sorted(results) == ["conflict"] * (APPLICANTS - SEATS) + ["ok"] * SEATS, results
    assert _state(any_app, project_id) == (SEATS, SEATS, SEATS)


@pytest.mark.postgres
def test_the_same_application_accepted_twice_at_once(any_app):
    project_id, owner_id, champion_id, app_ids = _setup(any_app)
    results = _race(any_app, [(owner_id, app_ids[0]), (champion_id, app_ids[0]), (owner_id, app_ids[0])])
    assert sorted(results) == ["conflict", "conflict", "ok"], results
    assert _state(any_app, project_id) == (1, 1, 1)
