"""Factories bound to ``any_app`` (the app on SQLite and again on PostgreSQL)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import user_factory
from fixtures.mentoring import mentoring_factories
from fixtures.profiles import _load_taxonomy, profile_factories


@pytest.fixture
def on_any(any_app, password_hash):
    """make_user, make_learner, make_mentor and make_mentorship for ``any_app``."""
    _load_taxonomy(any_app)
    make_user = user_factory(any_app, password_hash)
    make_learner, make_mentor = profile_factories(any_app, make_user)
    return SimpleNamespace(app=any_app, make_user=make_user, make_learner=make_learner, make_mentor=make_mentor,
                           make_mentorship=mentoring_factories(any_app, make_learner, make_mentor))
