"""The demo community and seed --scale."""
from __future__ import annotations

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.profiles import services
from mentorhub.profiles.models import AvailabilityWindow, LearnerProfile, LearnerSkill, MentorProfile


def _snapshot():
    rows = db.session.execute(select(User.email, User.display_name, User.timezone).order_by(User.email)).all()
    skills = db.session.execute(select(LearnerSkill.learner_id, LearnerSkill.skill_id, LearnerSkill.level)
                                .order_by(LearnerSkill.learner_id, LearnerSkill.skill_id)).all()
    windows = db.session.execute(select(AvailabilityWindow.user_id, AvailabilityWindow.weekday,
                                        AvailabilityWindow.start_minute).order_by(AvailabilityWindow.id)).all()
    return rows, skills, windows


def test_seed_demo_is_deterministic_idempotent_and_big_enough(app, runner):
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0, result.output
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
        assert services.learner_profile_of(lena) is not None and services.mentor_profile_of(marco) is not None
        assert services.overlap_hours_between(lena, marco) > 0
        first = _snapshot()
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 0 and "0 mentors and 0 learners added" in result.output
    with app.app_context():
        assert _snapshot() == first


def test_seed_scale_bulk_loads(app, runner):
    result = runner.invoke(args=["seed", "--scale", "50"])
    assert result.exit_code == 0, result.output
    assert "loaded 50 learners and 10 mentors" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LearnerProfile)) == 50
        assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 10
        # The loaded people work with the normal services (ids, relations, windows).
        some = db.session.scalar(select(MentorProfile).order_by(MentorProfile.id))
        assert services.mentor_profile_of(some.user_id).skills
        assert services.search_mentors(None).total == 10
    assert runner.invoke(args=["seed", "--scale", "20"]).exit_code == 0  # again: new people, no clashes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LearnerProfile)) == 70
