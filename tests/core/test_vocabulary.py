"""The shared checks at the bottom of the house (validation, actors, links): one rule each."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from mentorhub import validation as v
from mentorhub.actors import is_admin, is_self_or_admin, is_signed_in
from mentorhub.errors import ValidationError


class _Person:
    is_authenticated = True
    is_active = True

    def __init__(self, id, admin=False):
        self.id, self.is_admin = id, admin


def test_anonymous_is_never_signed_in():
    assert not is_signed_in(None)
    assert not is_signed_in(AnonymousUserMixin())
    assert not is_signed_in(object())  # an unknown actor defaults to anonymous, not to signed in
    assert is_signed_in(_Person(1))


def test_self_or_admin():
    assert is_self_or_admin(_Person(1), 1)
    assert not is_self_or_admin(_Person(1), 2)
    assert is_self_or_admin(_Person(3, admin=True), 2)
    assert not is_self_or_admin(AnonymousUserMixin(), None)
    assert is_admin(_Person(3, admin=True)) and not is_admin(_Person(1)) and not is_admin(None)


def test_text_trims_and_names_the_limit(app):
    with app.app_context():
        assert v.text("  hi  ", field="f", label="the title", max_len=5) == "hi"
        assert v.text("   ", field="f", label="the title", max_len=5) == ""
        with pytest.raises(ValidationError, match="at most 5") as err:
            v.text("toolong", field="title", label="the title", max_len=5)
        assert err.value.field == "title"
        with pytest.raises(ValidationError, match="fill in the title"):
            v.text(" ", field="f", label="the title", max_len=5, required=True)


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "https://localhost", "http://exa mple.com",
                                 "https://example.com/\"onmouseover=x", "ftp://example.com",
                                 "https://[bad", "https://.com"])
def test_url_refuses_what_is_not_a_web_address(app, bad):
    with app.app_context(), pytest.raises(ValidationError, match="https://"):
        v.url(bad, field="link")


def test_url_limit_is_the_named_setting(app):
    with app.app_context():
        limit = app.config["URL_MAX"]
        ok = "https://example.com/" + "a" * (limit - 20)
        assert v.url(ok, field="x") == ok
        with pytest.raises(ValidationError, match=f"at most {limit}"):
            v.url(ok + "a", field="x")
        assert v.url("", field="x") is None


def test_integer_choice_and_ids(app):
    with app.app_context():
        assert v.integer(" 7 ", field="n", label="seats", low=1, high=9) == 7
        assert v.integer("-2", field="n", label="offset", low=-5, high=5) == -2
        for bad in ("7.5", "²", "", None, "1e3", True, "10", "0"):
            with pytest.raises(ValidationError, match="Seats must be a whole number from 1 to 9"):
                v.integer(bad, field="n", label="seats", low=1, high=9)
        assert v.choice("b", ("a", "b"), field="c", label="a level") == "b"
        with pytest.raises(ValidationError, match=r"\(a, b\)"):
            v.choice("z", ("a", "b"), field="c", label="a level")
        assert v.db_ids(["3", 3, "x", "99999999999999999999", 0, -1, "5"]) == [3, 5]
