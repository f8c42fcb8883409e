"""Rate limits on login and registration answer 429 with the friendly page."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fixtures.accounts import STRONG_PASSWORD
from mentorhub.accounts.models import User
from mentorhub.db import db


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "REGISTER_RATE_LIMIT": "2 per minute"}


def test_login_attempts_are_limited(client):
    for _ in range(3):
        assert client.post("/login", data={"email": "x@example.com", "password": "wrong-password-1"}).status_code == 400
    resp = client.post("/login", data={"email": "x@example.com", "password": "wrong-password-1"})
    assert resp.status_code == 429
    html = resp.get_data(as_text=True)
    assert "Slow down a little" in html and "Too many attempts" in html
    assert 'class="site-header"' in html  # the site's own page, not a bare error
    assert client.get("/login").status_code == 200  # only POSTs count


def test_registration_is_limited_and_the_limited_request_writes_nothing(client, app):
    for i in range(2):
        client.post("/register", data={"display_name": f"R{i}", "email": f"r{i}@example.com",
                                       "password": STRONG_PASSWORD})
        client.post("/logout")
    resp = client.post("/register", data={"display_name": "R9", "email": "r9@example.com",
                                          "password": STRONG_PASSWORD})
    assert resp.status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(app):
    from conftest import build_app

    proxied = build_app(app.config["DATABASE_URL"], RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
                        TRUSTED_PROXIES=1)
    c = proxied.test_client()
    data = {"email": "x@example.com", "password": "wrong-password-1"}

    def attempt(ip):
        return c.post("/login", data=data, headers={"X-Forwarded-For": ip}).status_code

    assert [attempt("203.0.113.5") for _ in range(3)] == [400, 400, 429]
    assert attempt("198.51.100.7") == 400  # another client behind the same proxy is not blocked
    proxied.extensions["db_engine"].dispose()
