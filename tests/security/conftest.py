"""Fixtures of the security tests, bound to ``any_app`` (the app on SQLite and again on PostgreSQL)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import user_factory
from fixtures.mentoring import mentoring_factories
from fixtures.profiles import _load_taxonomy, profile_factories
from support import PASSWORD


@pytest.fixture
def on_any(any_app, password_hash):
    """make_user, make_learner, make_mentor and make_mentorship for ``any_app``."""
    _load_taxonomy(any_app)
    make_user = user_factory(any_app, password_hash)
    make_learner, make_mentor = profile_factories(any_app, make_user)
    return SimpleNamespace(app=any_app, make_user=make_user, make_learner=make_learner, make_mentor=make_mentor,
                           make_mentorship=mentoring_factories(any_app, make_learner, make_mentor))


@pytest.fixture
def people(any_app, password_hash):
    """``people.user(**kw)``, ``people.mentor(**kw)`` (a user with a mentor profile) and
    ``people.client(user, remember=False)`` (a new test client logged in through the form)."""
    _load_taxonomy(any_app)
    make_user = user_factory(any_app, password_hash)
    _learner, make_mentor = profile_factories(any_app, make_user)

    class People:
        user = staticmethod(make_user)

        @staticmethod
        def mentor(**kw):
            """A user (made with ``kw``) with a mentor profile."""
            return make_mentor(user=make_user(**kw)).user

        @staticmethod
        def client(user, remember: bool = False):
            c = any_app.test_client()
            data = {"email": user.email, "password": PASSWORD}
            if remember:
                data["remember"] = "y"
            resp = c.post("/login", data=data)
            assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
            return c

    return People()
