"""Profiles on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from conftest import user_factory
from fixtures.profiles import _load_taxonomy, profile_factories
from mentorhub.db import db
from mentorhub.profiles import directory, queries, services
from mentorhub.profiles.demo import load_scale
from mentorhub.profiles.models import LearnerProfile, MentorProfile

pytestmark = pytest.mark.postgres


def test_profiles_scale_load_and_directory(any_app, password_hash):
    _load_taxonomy(any_app)
    make_learner, make_mentor = profile_factories(any_app, user_factory(any_app, password_hash))
    with any_app.app_context():
        counts = load_scale(40, progress=False)
        assert counts["learners"] == 40 and counts["mentors"] == 8
    # Ordinary inserts after the bulk load (explicit ids) still get fresh ids.
    mentor = make_mentor(skills={"pytorch": 4, "docker": 3}, bio="Kubernetes at scale", timezone="America/New_York",
                         windows=[(1, 12 * 60, 14 * 60)])
    learner = make_learner(timezone="Europe/Berlin", windows=[(1, 18 * 60, 20 * 60)])
    with any_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MentorProfile)) == 9
        assert db.session.scalar(select(func.count()).select_from(LearnerProfile)) == 41
        me = db.session.get(type(learner.user), learner.user.id)
        found = directory.search_mentors(me, q="kubernetes", skill="pytorch", min_overlap=1)
        assert [m.id for m in found.items] == [mentor.id]
        assert found.items[0].overlap_hours in (1.0, 2.0)  # depends on the week's DST state
        services.save_mentor(me, me, {"skills": {"python": 2}, "capacity": 1})
        assert queries.mentor_as_dict(queries.mentor_profile_of(me))["skills"] == {"python": 2}
