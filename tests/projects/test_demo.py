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


def test_seed_without_demo_loads_taxonomy_and_ideas(app, runner):
    """`flask seed` (no --demo) loads the taxonomy and every seed idea, owned by an account that
    cannot log in; running it again adds nothing."""
    from mentorhub.accounts.passwords import authenticate
    from mentorhub.profiles.models import Skill

    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Skill)) > 0
        titles = set(db.session.scalars(select(Project.title)))
        assert titles == {i["title"] for i in demo.read_ideas()}
        owners = {p.owner.email for p in db.session.scalars(select(Project))}
        assert owners == {demo.SEED_OWNER_EMAIL}
        assert authenticate(demo.SEED_OWNER_EMAIL, "") is None
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "0 idea(s) added" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Project)) == len(demo.read_ideas())


def test_seed_ideas_belong_to_the_first_admin_when_there_is_one(app, runner, make_user):
    admin = make_user(is_admin=True)
    assert runner.invoke(args=["seed"]).exit_code == 0
    with app.app_context():
        assert set(db.session.scalars(select(Project.owner_id))) == {admin.id}
