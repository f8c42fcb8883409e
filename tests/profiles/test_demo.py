"""The demo community and seed --scale."""
from __future__ import annotations

from sqlalchemy import func, select, text

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.profiles import availability as av
from mentorhub.profiles import directory, queries
from mentorhub.profiles.models import (
    AvailabilityWindow,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
)


def _snapshot():
    rows = db.session.execute(select(User.email, User.display_name, User.timezone).order_by(User.email)).all()
    skills = db.session.execute(select(LearnerSkill.learner_id, LearnerSkill.skill_id, LearnerSkill.level)
                                .order_by(LearnerSkill.learner_id, LearnerSkill.skill_id)).all()
    windows = db.session.execute(select(AvailabilityWindow.user_id, AvailabilityWindow.weekday,
                                        AvailabilityWindow.start_minute).order_by(AvailabilityWindow.id)).all()
    return rows, skills, windows


def _load_demo(app):
    from mentorhub.accounts.demo import DEMO_LOGINS, demo_user
    from mentorhub.profiles.demo import load_demo

    with app.app_context():
        for email, name, flags, tz in DEMO_LOGINS:
            demo_user(email, name, tz, **flags)
        db.session.commit()
        return load_demo()


def test_demo_community_is_deterministic_idempotent_and_big_enough(app, tmp_path, sqlite_template):
    added = _load_demo(app)
    assert added["mentors"] >= 40 and added["learners"] >= 200
    with app.app_context():
        mentors = db.session.scalar(select(func.count()).select_from(MentorProfile))
        learners = db.session.scalar(select(func.count()).select_from(LearnerProfile))
        zones = db.session.scalar(select(func.count(func.distinct(User.timezone)))
                                  .where(User.id.in_(select(LearnerProfile.user_id).union(select(MentorProfile.user_id)))))
        assert mentors >= 40 and learners >= 200 and zones >= 8
        without_windows = db.session.scalar(select(func.count()).select_from(User).where(
            User.id.in_(select(MentorProfile.user_id)), ~User.id.in_(select(AvailabilityWindow.user_id))))
        assert without_windows == 0
        lena = db.session.scalar(select(User).where(User.email == "learner@mentorhub.test"))
        marco = db.session.scalar(select(User).where(User.email == "mentor@mentorhub.test"))
        assert queries.learner_profile_of(lena) is not None and queries.mentor_profile_of(marco) is not None
        assert queries.windows_and_overlap(lena, marco, av.current_week_start())[1] > 0
        first = _snapshot()
    assert _load_demo(app) == {"mentors": 0, "learners": 0}
    with app.app_context():
        assert _snapshot() == first
    # A fresh database gets exactly the same community.
    import shutil

    from conftest import build_app

    shutil.copy(sqlite_template, tmp_path / "second.db")
    second = build_app(f"sqlite:///{tmp_path / 'second.db'}")
    _load_demo(second)
    with second.app_context():
        assert _snapshot() == first
    second.extensions["db_engine"].dispose()


def test_seed_scale_bulk_loads(app, runner):
    result = runner.invoke(args=["seed", "--scale", "50"])
    assert result.exit_code == 0, result.output
    assert "loaded 50 learners and 10 mentors" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LearnerProfile)) == 50
        assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 10
        # The loaded people work with the normal services (ids, relations, windows).
        some = db.session.scalar(select(MentorProfile).order_by(MentorProfile.id))
        assert queries.mentor_profile_of(some.user_id).skills
        assert directory.search_mentors(None).total == 10
        # seed ends with ANALYZE: SQLite's planner knows the table sizes (it picks join orders by them)
        stats = dict(db.session.execute(text("SELECT tbl, stat FROM sqlite_stat1 WHERE idx IS NOT NULL")).all())
        assert stats["mentor_profiles"].split()[0] == "10"
    assert runner.invoke(args=["seed", "--scale", "20"]).exit_code == 0  # again: new people, no clashes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LearnerProfile)) == 70
