"""Matching on both backends: the index build, explained matches and a cohort round."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mentorhub.db import db


@pytest.mark.postgres
def test_matches_and_cohort_on_sqlite_and_postgres(any_app, password_hash):
    from conftest import user_factory
    from fixtures.profiles import _load_taxonomy, profile_factories
    from mentorhub.matching.publish import build_and_publish

    _load_taxonomy(any_app)
    make_user = user_factory(any_app, password_hash)
    make_learner, make_mentor = profile_factories(any_app, make_user)
    learner = make_learner(skills={"python": 3}, wanted=["pytorch"], domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)])
    mentor = make_mentor(skills={"pytorch": 4}, domains=["nlp"], windows=[(1, 18 * 60, 21 * 60)])
    admin = make_user(is_admin=True)
    with any_app.app_context():
        assert build_and_publish()["seq"] > 0  # a full build reads both backends alike
    with any_app.app_context():
        from mentorhub.accounts.models import User
        from mentorhub.matching import cohorts, suggestions
        from mentorhub.mentoring.models import MentorshipRequest

        viewer = db.session.get(User, learner.user_id)
        out = suggestions.mentor_matches(viewer)
        assert out[0].user.id == mentor.user_id and out[0].overlap_hours == 3.0
        rnd = cohorts.create_round(db.session.get(User, admin.id), min_score=0.1)
        assert cohorts.approve_round(db.session.get(User, admin.id), rnd.id) == {"offered": 1, "skipped": 0}
        req = db.session.scalars(select(MentorshipRequest)).one()
        assert (req.learner_id, req.mentor_id) == (learner.user_id, mentor.user_id)
        # the open offer now excludes the pair
        assert mentor.user_id not in [s.user.id for s in suggestions.mentor_matches(viewer)]
