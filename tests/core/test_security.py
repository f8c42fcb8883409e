"""Security headers on every response, the production cookie settings, CSP-safe templates."""
from __future__ import annotations

import re

import pytest

from mentorhub.config import ROOT, Config, ProductionConfig, TestConfig, default_config
from support import PASSWORD


def assert_security_headers(resp):
    csp = resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("method, path", [
    ("get", "/"), ("get", "/login"), ("get", "/register"), ("get", "/healthz"), ("get", "/dashboard"),
    ("get", "/static/css/site.css"), ("get", "/no-such-page"), ("post", "/login"), ("get", "/logout"),
    ("get", "/unsubscribe/bad-token"),
])
def test_security_headers_on_anonymous_responses(client, method, path):
    assert_security_headers(getattr(client, method)(path))


def test_security_headers_on_logged_in_pages_and_errors(client, make_user, login_as):
    login_as(make_user())
    for path in ("/dashboard", "/account", "/notifications", "/admin/users", "/account/export.json"):
        assert_security_headers(client.get(path))


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids them, so they would silently not work in a browser."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+=\""):
            if re.search(pattern, text, re.I):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_production_config_sets_secure_cookies(tmp_path, sqlite_template, monkeypatch):
    import shutil

    from mentorhub import create_app

    monkeypatch.setattr(Config, "ENV_NAME", "production")
    assert default_config() is ProductionConfig
    db_path = tmp_path / "prod.db"
    shutil.copy(sqlite_template, db_path)

    class Prod(ProductionConfig):
        DATABASE_URL = f"sqlite:///{db_path}"
        SECRET_KEY = "prod-test-key"
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = False

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from werkzeug.security import generate_password_hash

    from conftest import user_factory

    user = user_factory(app, generate_password_hash(PASSWORD, method="scrypt"))()
    client = app.test_client()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"},
                       base_url="https://localhost")
    cookies = resp.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)
    assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token"}
    assert "max-age" in resp.headers["Strict-Transport-Security"]
    app.extensions["db_engine"].dispose()


def test_development_and_test_configs_are_not_production():
    assert default_config() is Config
    assert not TestConfig.SESSION_COOKIE_SECURE or Config.ENV_NAME == "production"
