"""CSRF on every form: with protection on, a POST without the token or with a wrong one is 400
and writes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fixtures.accounts import STRONG_PASSWORD, csrf_token
from mentorhub.accounts.models import User
from mentorhub.db import db
from support import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


REGISTER = {"display_name": "Csrf Test", "email": "csrf@example.com", "password": STRONG_PASSWORD}


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_register_without_valid_token_is_400_and_writes_nothing(client, app, token):
    csrf_token(client, "/register")  # the session has a real token; the form sends another
    data = dict(REGISTER) if token is None else {**REGISTER, "csrf_token": token}
    resp = client.post("/register", data=data)
    assert resp.status_code == 400
    assert "not sent from this site" in resp.get_data(as_text=True)
    assert users(app) == 0


def test_register_with_the_real_token_works(client, app):
    token = csrf_token(client, "/register")
    assert client.post("/register", data={**REGISTER, "csrf_token": token}).status_code == 302
    assert users(app) == 1


def _login(client, user):
    token = csrf_token(client, "/login")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    return csrf_token(client, "/account")


def test_login_without_token_is_refused(client, make_user):
    user = make_user()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("path, data", [
    ("/account", {"display_name": "Changed", "timezone": "Asia/Tokyo"}),
    ("/account/password", {"current_password": PASSWORD, "password": STRONG_PASSWORD}),
    ("/account/email", {"email": "changed@example.com", "password": PASSWORD}),
    ("/account/delete", {"password": PASSWORD}),
    ("/logout", {}),
    ("/notifications/read-all", {}),
])
def test_logged_in_forms_with_wrong_token_change_nothing(client, app, make_user, path, data):
    user = make_user(display_name="Original", email="original@example.com")
    _login(client, user)
    with app.app_context():
        before = db.session.get(User, user.id)
    resp = client.post(path, data={**data, "csrf_token": "forged"})
    assert resp.status_code == 400
    with app.app_context():
        after = db.session.get(User, user.id)
    assert (after.display_name, after.email, after.password_hash, after.is_deleted, after.session_token) == (
        before.display_name, before.email, before.password_hash, before.is_deleted, before.session_token)
    assert client.get("/dashboard").status_code == 200  # still logged in (logout refused too)


def test_logged_in_form_with_real_token_works(client, app, make_user):
    user = make_user(display_name="Original")
    token = _login(client, user)
    resp = client.post("/account", data={"display_name": "Changed", "timezone": "UTC", "csrf_token": token})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "Changed"


def test_one_click_unsubscribe_needs_no_csrf_token_but_a_valid_signature(client, app, make_user):
    """Mail programs POST to the List-Unsubscribe URL without any form token (RFC 8058)."""
    from mentorhub.notifications import preferences

    user = make_user()
    with app.app_context():
        token = preferences.unsubscribe_token(user.id, "checkin")
    assert client.post(f"/unsubscribe/{token}x", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    resp = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert resp.status_code == 200
    with app.app_context():
        assert preferences.preferences(db.session.get(User, user.id))["checkin"] == "off"
