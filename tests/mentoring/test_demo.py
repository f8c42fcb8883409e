"""The mentoring demo data: loads after profiles, is idempotent, and the demo pair has a live mentorship."""
from __future__ import annotations

from sqlalchemy import select

from mentorhub import demo
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.mentoring import queries
from mentorhub.mentoring.demo import load_demo
from mentorhub.mentoring.models import MentoringSession, Mentorship, MentorshipRequest
from mentoring.helpers import count


def test_demo_loads_once_and_makes_a_usable_mentorship(app):
    with app.app_context():
        from mentorhub.profiles.demo import load_demo as load_profiles

        for email, name, flags, tz in demo.DEMO_LOGINS:
            demo.demo_user(email, name, tz, **flags)
        db.session.commit()
        load_profiles()
        first = load_demo()
        assert first["mentorships"] >= 2 and first["requests"] == 2
        totals = (count(Mentorship), count(MentorshipRequest), count(MentoringSession))
        assert load_demo() == {"mentorships": 0, "requests": 0}
        assert (count(Mentorship), count(MentorshipRequest), count(MentoringSession)) == totals
        learner = db.session.scalar(select(User).where(User.email == "learner@mentorhub.test"))
        assert len(queries.upcoming_sessions(learner)) == 1
        assert queries.mentor_load()  # community pairs are active
