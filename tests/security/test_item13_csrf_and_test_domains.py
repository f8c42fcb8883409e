"""Issue 12, item 13: the CSRF secret is renewed at login, and every email field accepts
``.test`` addresses exactly when EMAIL_ALLOW_TEST_DOMAINS is on (as the README says)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from conftest import build_app
from fixtures.accounts import STRONG_PASSWORD, csrf_token
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.profiles.transfer import check_rows, read_csv
from support import PASSWORD


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_item13_a_csrf_token_from_before_login_is_worthless_after(app, client, make_user):
    user = make_user()
    before = csrf_token(client, "/login")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": before}).status_code == 302
    settings = {"display_name": "Renamed", "timezone": "UTC"}
    assert client.post("/account", data={**settings, "csrf_token": before}).status_code == 400
    after = csrf_token(client, "/account")
    assert after != before
    assert client.post("/account", data={**settings, "csrf_token": after}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "Renamed"


def test_item13_test_addresses_follow_the_setting_on_every_email_field(app, client, make_user):
    assert app.config["EMAIL_ALLOW_TEST_DOMAINS"]
    token = csrf_token(client, "/register")
    resp = client.post("/register", data={"display_name": "Tess", "email": "tess@mentorhub.test",
                                          "password": STRONG_PASSWORD, "csrf_token": token})
    assert resp.status_code == 302
    token = csrf_token(client, "/account/email")
    resp = client.post("/account/email", data={"email": "tess2@mentorhub.test", "password": STRONG_PASSWORD,
                                               "csrf_token": token})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "tess@mentorhub.test"))

    strict = build_app(app.config["DATABASE_URL"], EMAIL_ALLOW_TEST_DOMAINS=False, WTF_CSRF_ENABLED=False)
    c = strict.test_client()
    resp = c.post("/register", data={"display_name": "Theo", "email": "theo@mentorhub.test",
                                     "password": STRONG_PASSWORD})
    assert resp.status_code == 400 and "Invalid email address." in resp.get_data(as_text=True)
    user = make_user()
    c.post("/login", data={"email": user.email, "password": PASSWORD})
    resp = c.post("/account/email", data={"email": "theo@mentorhub.test", "password": PASSWORD})
    assert resp.status_code == 400 and "Invalid email address." in resp.get_data(as_text=True)
    strict.extensions["db_engine"].dispose()


@pytest.mark.parametrize("allowed", [True, False])
def test_item13_the_import_follows_the_setting_too(app, taxonomy, allowed):
    app.config["EMAIL_ALLOW_TEST_DOMAINS"] = allowed
    rows, problems = read_csv("role,email,name\nlearner,lee@mentorhub.test,Lee\n")
    with app.app_context():
        email_errors = [p for p in problems + check_rows(rows) if p[1] == "email"]
    assert bool(email_errors) is not allowed
