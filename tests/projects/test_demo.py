"""The demo seed: at least 40 ideas from seed/projects.yaml, teams, idempotent and deterministic."""
from __future__ import annotations

from sqlalchemy import func, select

from mentorhub.db import db
from mentorhub.projects import demo
from mentorhub.projects.models import Milestone, Project, ProjectApplication, ProjectMember
from support import row_counts


def test_seed_file_has_enough_varied_ideas():
    ideas = demo.read_ideas()
    assert len(ideas) >= 40
    assert len({i["title"] for i in ideas}) == len(ideas)
    assert {i["difficulty"] for i in ideas} == {"beginner", "intermediate", "advanced"}
    assert {i["compute"] for i in ideas} == {"laptop_cpu", "one_gpu", "cluster"}
    assert len({d for i in ideas for d in i["domains"]}) >= 8


def test_load_demo_is_idempotent(app, make_mentor, make_learner):
    mentors = [make_mentor(), make_mentor()]
    for _ in range(3):
        make_learner()
    with app.app_context():
        added = demo.load_demo()
        assert added == len(demo.read_ideas())
        first = row_counts(None, Project, ProjectApplication, ProjectMember, Milestone)
        assert first[0] >= 40 and first[1] > 0 and first[2] > 0
        owners = set(db.session.scalars(select(Project.owner_id)))
        assert owners == {m.user_id for m in mentors}
        assert db.session.scalar(select(func.count()).select_from(Project).where(Project.champion_id.is_not(None)))
        assert demo.load_demo() == 0
        assert row_counts(None, Project, ProjectApplication, ProjectMember, Milestone) == first


def test_load_demo_falls_back_to_the_demo_mentor(app, make_user, taxonomy):
    make_user(email="mentor@mentorhub.test", display_name="Marco Mentor")
    with app.app_context():
        demo.load_demo()
        owners = {p.owner.email for p in db.session.scalars(select(Project))}
        assert owners == {"mentor@mentorhub.test"}
