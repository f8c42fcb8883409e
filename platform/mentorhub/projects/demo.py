"""Demo data: the project ideas of seed/projects.yaml, with a few applications and teams.

Idempotent (an idea whose title exists is skipped; applications and members are checked
first) and deterministic (fixed seed; dates are offsets from the time of loading).
"""
from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy import select

from ..accounts.models import User
from ..config import ROOT, read_yaml
from ..db import db, utcnow
from ..errors import ServiceError
from ..generations import projects_changed
from ..profiles.models import LearnerProfile, MentorProfile, Skill
from ..profiles.queries import is_mentor
from ..profiles.taxonomy import load_taxonomy
from .applications import accept, apply
from .ideas import create_project
from .jobs import mark_stale_projects
from .milestones import tick_milestone
from .models import Project
from .queries import application_of, get_project

SEED_FILE = ROOT / "seed" / "projects.yaml"
SEED = 4242
MOTIVATIONS = (
    "I finished two courses and want to build something real with other people.",
    "I work with data in spreadsheets every day and want to learn how models get deployed.",
    "This overlaps with my day job, and I can give steady hours every week.",
    "I have used these libraries in notebooks but never in a team project with reviews.",
)


def read_ideas(path: Path = SEED_FILE) -> list[dict]:
    return read_yaml(path)["ideas"]


def idea_to_data(idea: dict) -> dict:
    """A seed entry in the shape ideas.create_project takes."""
    dataset = idea.get("dataset") or {}
    return {
        "title": idea["title"], "summary": idea["summary"], "description": idea.get("description", ""),
        "repo_url": idea.get("repo_url"), "issues_url": idea.get("issues_url"),
        "domains": idea.get("domains", []),
        "required_skills": [{"skill": s, "level": lvl} for s, lvl in (idea.get("required") or {}).items()],
        "learn_skills": idea.get("learn", []), "difficulty": idea["difficulty"],
        "hours_per_week": idea["hours_per_week"], "duration_weeks": idea["duration_weeks"],
        "dataset_name": dataset.get("name"), "dataset_url": dataset.get("url"),
        "dataset_licence": dataset.get("licence"), "compute": idea["compute"],
        "eval_metric": idea.get("metric"), "seats": idea["seats"],
    }


def _people(profile_model, fallback_email: str) -> list[User]:
    users = list(db.session.scalars(
        select(User).join(profile_model, profile_model.user_id == User.id)
        .where(User.is_deleted.is_(False)).order_by(User.id)
    ))
    if users:
        return users
    fallback = db.session.scalar(select(User).where(User.email == fallback_email))
    return [fallback] if fallback else []


def load_demo() -> int:
    """Load the seed ideas (owners and champions: demo mentors) and some teams. Returns ideas added."""
    if db.session.scalar(select(Skill.id).limit(1)) is None:
        load_taxonomy()
    mentors = _people(MentorProfile, "mentor@mentorhub.test")
    if not mentors:
        click.echo("projects: no demo mentor to own the ideas; skipped")
        return 0
    learners = [u for u in _people(LearnerProfile, "learner@mentorhub.test") if u not in mentors]
    existing = set(db.session.scalars(select(Project.title)))
    rng = random.Random(SEED)
    now = utcnow()
    added = 0
    for i, idea in enumerate(read_ideas()):
        age_days = rng.randint(0, 80)
        if idea["title"] in existing:
            continue
        owner = mentors[i % len(mentors)]
        project = create_project(owner, idea_to_data(idea), now=now - timedelta(days=age_days))
        champion = mentors[(i + 1) % len(mentors)] if i % 3 != 2 else None
        if champion is not None and is_mentor(champion) and project.champion_id is None:
            project.champion_id = champion.id
            projects_changed([project.id])
            db.session.commit()
        added += 1
    _demo_teams(mentors, learners, rng)
    mark_stale_projects(now)
    click.echo(f"projects: {added} idea(s) added")
    return added


# Who owns the seed ideas when there is no demo community (``flask seed`` without --demo): the
# first admin if there is one, otherwise this account, which has no password and cannot log in.
SEED_OWNER_EMAIL = "ideas@mentorhub.invalid"
SEED_OWNER_NAME = "mentorhub project ideas"


def load_seed_ideas() -> int:
    """The ideas of seed/projects.yaml without the demo community (safe to run again): owned by the
    first admin, or by a seed account that cannot log in. Returns the ideas added."""
    owner = db.session.scalar(select(User).where(User.is_admin.is_(True), User.is_deleted.is_(False))
                              .order_by(User.id).limit(1))
    if owner is None:
        owner = db.session.scalar(select(User).where(User.email == SEED_OWNER_EMAIL))
    if owner is None:
        owner = User(email=SEED_OWNER_EMAIL, display_name=SEED_OWNER_NAME, password_hash="")
        db.session.add(owner)
        db.session.commit()
    existing = set(db.session.scalars(select(Project.title)))
    added = 0
    for idea in read_ideas():
        if idea["title"] not in existing:
            create_project(owner, idea_to_data(idea))
            added += 1
    return added


def _demo_teams(mentors: list[User], learners: list[User], rng: random.Random) -> None:
    """The first few ideas get applicants, members and a reached milestone."""
    if not learners:
        return
    titles = [idea["title"] for idea in read_ideas()[:6]]
    projects = list(db.session.scalars(select(Project).where(Project.title.in_(titles)).order_by(Project.id)))
    for n, project in enumerate(projects):
        owner = db.session.get(User, project.owner_id)
        for k, learner in enumerate(learners[n % len(learners):][:3]):
            if learner.id in (project.owner_id, project.champion_id):
                continue
            if application_of(learner, project) is not None:
                continue
            try:
                application = apply(learner, project.id, MOTIVATIONS[(n + k) % len(MOTIVATIONS)])
                if k == 0 and project.free_seats:
                    accept(owner, application.id)
                    if n % 2 == 0:
                        first = get_project(project.id).milestones[0]
                        tick_milestone(learner, project.id, first.id)
            except ServiceError:
                db.session.rollback()
