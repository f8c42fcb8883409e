"""Personal access tokens: hashed, scoped, expiring, revocable, last-used shown; the bearer
header is the only way in (a session cookie never authorises the API)."""
from __future__ import annotations

import hashlib
import re
import shutil
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from conftest import build_app, user_factory
from fixtures.accounts import csrf_token
from mentorhub.accounts.models import User
from mentorhub.api import tokens
from mentorhub.api.models import ApiToken
from mentorhub.db import db, utcnow
from support import PASSWORD

PROBLEM = "application/problem+json"


def make_token(app, user, scope="read", days=None, name="test"):
    with app.app_context():
        _, secret = tokens.create_token(user, user, name, scope, days)
        return secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def test_only_a_hash_is_stored_and_the_token_works(app, client, make_user):
    user = make_user(display_name="Tess")
    secret = make_token(app, user)
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in (row.prefix, row.token_hash, row.name) and secret.startswith(row.prefix)
        assert row.last_used_at is None
    resp = client.get("/api/v1/me", headers=bearer(secret))
    assert resp.status_code == 200 and resp.json["name"] == "Tess" and resp.json["token"]["scope"] == "read"
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_missing_wrong_expired_and_revoked_tokens_get_401_problems(app, client, make_user):
    user = make_user()
    for headers in ({}, bearer("mh_not-a-real-token"), {"Authorization": "Basic abc"}):
        resp = client.get("/api/v1/me", headers=headers)
        assert resp.status_code == 401 and resp.mimetype == PROBLEM
        assert resp.json["status"] == 401 and resp.headers["WWW-Authenticate"].startswith("Bearer")
    secret = make_token(app, user)
    with app.app_context():
        db.session.scalar(select(ApiToken)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    secret = make_token(app, user, name="second")
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.name == "second"))
        tokens.revoke_token(user, row.id)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_suspended_account_cannot_use_its_token(app, client, make_user):
    user = make_user()
    secret = make_token(app, user)
    with app.app_context():
        db.session.get(User, user.id).is_suspended = True
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_read_scope_cannot_write(app, client, make_user):
    user = make_user()
    secret = make_token(app, user, scope="read")
    resp = client.post("/api/v1/notifications/1/read", headers=bearer(secret))
    assert resp.status_code == 403 and resp.mimetype == PROBLEM and "only read" in resp.json["detail"]
    write = make_token(app, user, scope="write", name="w")
    assert client.post("/api/v1/notifications/1/read", headers=bearer(write)).status_code == 404


def test_session_cookie_never_authorises_the_api(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/requests", json={"mentor_id": 1, "goals": "x"}).status_code == 401


def test_settings_page_creates_shows_once_and_revokes(app, client, make_user, login_as):
    user = make_user()
    login_as(user)
    assert "API tokens" in client.get("/account").get_data(as_text=True)
    page = client.post("/account/tokens", data={"name": "laptop script", "scope": "write", "days": "30"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "shown only this once" in html
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.scope == "write" and (row.expires_at - row.created_at).days == 30
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "laptop script" in listing and "never" in listing and "shown only this once" not in listing
    with app.app_context():
        _, used = tokens.create_token(db.session.get(User, user.id), db.session.get(User, user.id), "used one")
    assert client.get("/api/v1/me", headers=bearer(used)).status_code == 200
    rows = re.findall(r"<tr><td>(.*?)</td>.*?</tr>", client.get("/account/tokens").get_data(as_text=True), re.S)
    assert len(rows) == 2
    used_row = client.get("/account/tokens").get_data(as_text=True).split("used one")[1].split("</tr>")[0]
    assert "never" not in used_row and "live" in used_row
    bad = client.post("/account/tokens", data={"name": "", "scope": "write"})
    assert bad.status_code == 400 and "Please fill in" in bad.get_data(as_text=True)
    too_long = client.post("/account/tokens", data={"name": "x", "days": "100000"})
    assert too_long.status_code == 400
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.name == "laptop script"))
    resp = client.post(f"/account/tokens/{row.id}/revoke", follow_redirects=True)
    assert resp.status_code == 200 and "revoked" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ApiToken, row.id).revoked_at is not None


def test_someone_else_cannot_revoke_my_token(app, client, make_user, login_as):
    owner, other = make_user(), make_user()
    make_token(app, owner)
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    login_as(other)
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_cli_prints_the_token_once(app, runner, make_user):
    user = make_user(email="cli@example.com")
    result = runner.invoke(args=["api-token", "create", "cli@example.com", "--scope", "write", "--name", "ci"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row.user_id == user.id and row.scope == "write" and row.name == "ci"
        assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert app.test_client().get("/api/v1/me", headers=bearer(secret)).status_code == 200
    missing = runner.invoke(args=["api-token", "create", "nobody@example.com"])
    assert missing.exit_code != 0 and "No account" in missing.output


def test_rate_limited_per_token(tmp_path, sqlite_template):
    path = tmp_path / "rl.db"
    shutil.copy(sqlite_template, path)
    app = build_app(f"sqlite:///{path}", RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    users = user_factory(app, generate_password_hash("x", method="pbkdf2"))
    a, b = users(), users()
    first, second = make_token(app, a), make_token(app, b)
    client = app.test_client()
    codes = [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/me", headers=bearer(first))
    assert limited.mimetype == PROBLEM and limited.json["status"] == 429
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200  # its own budget
    app.extensions["db_engine"].dispose()


def test_api_writes_need_no_csrf_token_but_pages_still_do(tmp_path, sqlite_template):
    path = tmp_path / "csrf.db"
    shutil.copy(sqlite_template, path)
    app = build_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    user = user_factory(app, generate_password_hash(PASSWORD, method="pbkdf2"))()
    secret = make_token(app, user, scope="write")
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "csrf_token": csrf_token(client)}).status_code == 302
    resp = client.post("/api/v1/notifications/1/read", headers=bearer(secret))
    assert resp.status_code == 404 and resp.mimetype == PROBLEM  # reached the service: no CSRF refusal
    nul = client.post("/api/v1/requests", headers=bearer(secret), json={"mentor_id": 1, "goals": "a\x00b"})
    assert nul.status_code == 400 and "NUL" in nul.json["detail"]
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 400  # the page: no CSRF token, refused
    assert client.post("/account/tokens", data={"name": "x", "csrf_token": csrf_token(client, "/account/tokens")}
                       ).status_code == 200
    app.extensions["db_engine"].dispose()
