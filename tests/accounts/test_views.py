"""Accounts over HTTP: register, log in/out, remember me, settings, password, email, export, delete."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from fixtures.accounts import STRONG_PASSWORD
from mentorhub.accounts import account, blocks, passwords, queries, registration
from mentorhub.accounts import admin as admin_service
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications.models import Notification, OutboxEmail
from mentorhub.notifications.notify import notify
from support import PASSWORD


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def reload(app, user) -> User:
    with app.app_context():
        return db.session.get(User, user.id)


# ---- register ---------------------------------------------------------------------------------


def test_register_creates_account_hashes_with_scrypt_and_logs_in(client, app):
    resp = client.post("/register", data={"display_name": "  Nia   Okafor ", "email": "Nia@Example.com",
                                          "password": STRONG_PASSWORD, "timezone": "Europe/Berlin"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nia@example.com"))
        assert user.display_name == "Nia Okafor"
        assert user.timezone == "Europe/Berlin"
        assert user.password_hash.startswith("scrypt:") and STRONG_PASSWORD not in user.password_hash
    assert "Hello, Nia Okafor" in client.get("/dashboard").get_data(as_text=True)


def test_register_with_unknown_zone_falls_back_to_utc(client, app):
    client.post("/register", data={"display_name": "Zed", "email": "zed@example.com",
                                   "password": STRONG_PASSWORD, "timezone": "Mars/Olympus"})
    with app.app_context():
        assert db.session.scalar(select(User.timezone).where(User.email == "zed@example.com")) == "UTC"


GOOD = {"display_name": "Kim", "email": "kim@example.com", "password": STRONG_PASSWORD}


@pytest.mark.parametrize("change, message", [
    ({"display_name": ""}, "This field is required."),
    ({"email": ""}, "This field is required."),
    ({"password": ""}, "This field is required."),
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"email": "kim@@example"}, "Invalid email address."),
    ({"display_name": "x" * 81}, "Field cannot be longer than 80 characters."),
    ({"email": "a" * 250 + "@example.com"}, "Field cannot be longer than 254 characters."),
    ({"password": "x" * 257}, "Field cannot be longer than 256 characters."),
    ({"password": "short-pw-1"}, "Use at least 12 characters."),
    ({"password": "password1234"}, "too common or too easy to guess"),
    ({"password": "qwertyuiop123"}, "too common or too easy to guess"),
    ({"password": "123456789012"}, "too common or too easy to guess"),
])
def test_register_bad_input_is_400_with_message_and_writes_nothing(client, app, change, message):
    before = count(app, User)
    resp = client.post("/register", data={**GOOD, **change})
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert count(app, User) == before
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_register_rejects_password_built_from_own_name(client, app):
    resp = client.post("/register", data={**GOOD, "display_name": "Kimberly", "email": "kimberly@example.com",
                                          "password": "kimberly@example.com"})
    assert resp.status_code == 400 and count(app, User) == 0


def test_register_existing_email_gets_generic_message_and_owner_is_told_once(client, app, make_user):
    owner = make_user(email="taken@example.com")
    before = count(app, User)
    bodies = []
    for _ in range(2):
        resp = client.post("/register", data={**GOOD, "email": "TAKEN@example.com"})
        assert resp.status_code == 400
        bodies.append(resp.get_data(as_text=True))
    text = bodies[0]
    assert registration.GENERIC_REGISTER_ERROR in text
    assert "taken@example.com" not in text.lower().replace('value="taken@example.com"', "")
    assert "already registered" not in text and "exists" not in text
    assert count(app, User) == before
    with app.app_context():
        mails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_addr == owner.email)).all()
    assert len(mails) == 1 and "tried to create" in mails[0].body


def test_logged_in_user_visiting_register_goes_to_dashboard(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/register").headers["Location"] == "/dashboard"


# ---- login and logout ---------------------------------------------------------------------------


def _error_text(resp) -> str:
    html = resp.get_data(as_text=True)
    start = html.index('class="form-errors"')
    return html[start:html.index("</div>", start)]


def test_failed_logins_share_one_generic_message(client, make_user):
    user = make_user(email="real@example.com")
    suspended = make_user(email="off@example.com", is_suspended=True)
    wrong_pw = client.post("/login", data={"email": user.email, "password": "wrong-password-123"})
    unknown = client.post("/login", data={"email": "ghost@example.com", "password": PASSWORD})
    blocked = client.post("/login", data={"email": suspended.email, "password": PASSWORD})
    for resp in (wrong_pw, unknown, blocked):
        assert resp.status_code == 400
        assert passwords.GENERIC_LOGIN_ERROR in resp.get_data(as_text=True)
    assert _error_text(wrong_pw) == _error_text(unknown) == _error_text(blocked)
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"email": "", "password": PASSWORD}, "This field is required."),
    ({"email": "someone@example.com", "password": ""}, "This field is required."),
    ({"email": "a" * 300, "password": PASSWORD}, "Field cannot be longer than 254 characters."),
])
def test_login_bad_input_is_400(client, data, message):
    resp = client.post("/login", data=data)
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


def test_login_email_is_case_insensitive(client, make_user):
    user = make_user(email="mixed@example.com")
    resp = client.post("/login", data={"email": "MIXED@Example.com", "password": PASSWORD})
    assert resp.status_code == 302 and user.id


def test_login_follows_same_site_next(client, make_user):
    user = make_user()
    resp = client.get("/notifications")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login?next=")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'value="/notifications"' in page
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                       "next": "/notifications?page=2"})
    assert resp.headers["Location"] == "/notifications?page=2"


OPEN_REDIRECTS = ["//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example",
                  "/\t/evil.example", "http:/evil.example", "javascript:alert(1)", "evil.example",
                  "///evil.example", "/%0a/evil.example".replace("%0a", "\n")]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_open_redirect_through_next_lands_on_dashboard(client, make_user, target):
    user = make_user()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert resp.status_code == 302 and resp.headers["Location"] == "/dashboard"
    # and a logged-in visit to /login?next=... as well
    resp = client.get("/login", query_string={"next": target})
    assert resp.headers["Location"] == "/dashboard"


def test_logout_needs_post_and_ends_the_session(client, make_user, login_as):
    login_as(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/dashboard").status_code == 200
    resp = client.post("/logout")
    assert resp.headers["Location"] == "/login"
    assert client.get("/dashboard").status_code == 302


def test_remember_me_survives_a_lost_session_cookie(app, make_user):
    user = make_user()
    remembered, plain = app.test_client(), app.test_client()
    remembered.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    plain.post("/login", data={"email": user.email, "password": PASSWORD})
    assert remembered.get_cookie("remember_token") is not None
    assert plain.get_cookie("remember_token") is None
    for c in (remembered, plain):
        c.delete_cookie("session")
    assert remembered.get("/dashboard").status_code == 200
    assert plain.get("/dashboard").status_code == 302


# ---- settings, password, email --------------------------------------------------------------------


def test_settings_save_name_and_zone(client, app, make_user, login_as):
    user = make_user()
    login_as(user)
    resp = client.post("/account", data={"display_name": "Renamed", "timezone": "Asia/Tokyo"})
    assert resp.status_code == 302
    fresh = reload(app, user)
    assert (fresh.display_name, fresh.timezone) == ("Renamed", "Asia/Tokyo")


@pytest.mark.parametrize("data, message", [
    ({"display_name": "", "timezone": "UTC"}, "This field is required."),
    ({"display_name": "y" * 81, "timezone": "UTC"}, "Field cannot be longer than 80 characters."),
    ({"display_name": "Ok", "timezone": "Not/AZone"}, "Not a valid choice"),
])
def test_settings_bad_input(client, app, make_user, login_as, data, message):
    user = make_user(display_name="Before")
    login_as(user)
    resp = client.post("/account", data=data)
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    fresh = reload(app, user)
    assert (fresh.display_name, fresh.timezone) == ("Before", "UTC")


def test_change_password_logs_out_other_sessions_but_not_this_one(app, make_user, login_as):
    user = make_user()
    here, elsewhere = login_as(user, app.test_client()), login_as(user, app.test_client())
    resp = here.post("/account/password", data={"current_password": PASSWORD, "password": STRONG_PASSWORD})
    assert resp.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    assert fresh.post("/login", data={"email": user.email, "password": STRONG_PASSWORD}).status_code == 302


def test_change_password_keeps_remember_me_on_this_device(app, make_user):
    user = make_user()
    c = app.test_client()
    c.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    c.post("/account/password", data={"current_password": PASSWORD, "password": STRONG_PASSWORD})
    c.delete_cookie("session")
    assert c.get("/dashboard").status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"current_password": "wrong-password-99", "password": STRONG_PASSWORD}, "current password is not right"),
    ({"current_password": PASSWORD, "password": "short"}, "Use at least 12 characters."),
    ({"current_password": PASSWORD, "password": "password1234"}, "too common"),
    ({"current_password": "", "password": STRONG_PASSWORD}, "This field is required."),
])
def test_change_password_bad_input_changes_nothing(client, app, make_user, login_as, data, message):
    user = make_user()
    login_as(user)
    before = reload(app, user)
    resp = client.post("/account/password", data=data)
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    after = reload(app, user)
    assert (after.password_hash, after.session_token) == (before.password_hash, before.session_token)


def test_change_email_tells_the_old_address(client, app, make_user, login_as):
    user = make_user(email="old@example.com")
    login_as(user)
    resp = client.post("/account/email", data={"email": "New@Example.com", "password": PASSWORD})
    assert resp.status_code == 302
    assert reload(app, user).email == "old@example.com"  # not before the new address confirms it
    with app.app_context():
        confirm = db.session.scalar(select(OutboxEmail.body).where(OutboxEmail.to_addr == "new@example.com"))
    link = re.search(r"http://127\.0\.0\.1:5000(/account/email/confirm/\S+)", confirm).group(1)
    assert client.get(link).status_code == 302
    assert reload(app, user).email == "new@example.com"
    client.get(link)  # a second click changes nothing and mails nobody again
    with app.app_context():
        mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_addr == "old@example.com"))
    assert mail is not None and "new@example.com" in mail.body
    client.post("/logout")
    assert client.post("/login", data={"email": "new@example.com", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("data, message", [
    ({"email": "fresh@example.com", "password": "wrong-password-99"}, "password is not right"),
    ({"email": "not-an-email", "password": PASSWORD}, "Invalid email address."),
    ({"email": "", "password": PASSWORD}, "This field is required."),
])
def test_change_email_bad_input_changes_nothing(client, app, make_user, login_as, data, message):
    make_user(email="taken@example.com")
    user = make_user(email="mine@example.com")
    login_as(user)
    mails = count(app, OutboxEmail)
    resp = client.post("/account/email", data=data)
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    assert reload(app, user).email == "mine@example.com"
    assert count(app, OutboxEmail) == mails


# ---- export and delete ------------------------------------------------------------------------------


def test_export_is_a_json_download_of_my_data(client, app, make_user, login_as):
    user = make_user(email="me@example.com", display_name="Me")
    other = make_user(display_name="Someone Else")
    with app.app_context():
        notify(db.session.get(User, user.id), "system", "Welcome aboard")
        db.session.commit()
        blocks.block(db.session.get(User, user.id), db.session.get(User, other.id))
    login_as(user)
    resp = client.get("/account/export.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = json.loads(resp.get_data(as_text=True))
    assert data["account"]["email"] == "me@example.com"
    assert [n["title"] for n in data["notifications"]["notifications"]] == ["Welcome aboard"]
    assert data["blocked_members"][0]["display_name"] == "Someone Else"
    assert "password_hash" not in json.dumps(data)


def test_delete_account_needs_the_password(client, app, make_user, login_as):
    user = make_user(email="stay@example.com")
    login_as(user)
    for password in ("", "wrong-password-99"):
        resp = client.post("/account/delete", data={"password": password})
        assert resp.status_code == 400
    fresh = reload(app, user)
    assert fresh.email == "stay@example.com" and not fresh.is_deleted
    assert client.get("/dashboard").status_code == 200


def test_delete_page_says_what_is_deleted_and_what_is_anonymised(client, make_user, login_as):
    login_as(make_user())
    html = client.get("/account/delete").get_data(as_text=True)
    assert "Deleted" in html and "anonymised" in html


def test_delete_account_anonymises_and_logs_out(client, app, make_user, login_as):
    user = make_user(email="leaver@example.com", display_name="Leaver", is_organiser=True)
    other = make_user()
    with app.app_context():
        me = db.session.get(User, user.id)
        notify(me, "system", "Something for you")
        db.session.commit()
        blocks.block(me, db.session.get(User, other.id))
    login_as(user)
    resp = client.post("/account/delete", data={"password": PASSWORD})
    assert resp.status_code == 302
    fresh = reload(app, user)
    assert fresh.is_deleted and fresh.display_name == "Former member"
    assert fresh.email == f"deleted-{user.id}@deleted.invalid" and fresh.password_hash == ""
    assert not fresh.is_organiser and not fresh.is_admin
    assert client.get("/dashboard").status_code == 302
    assert count(app, Notification) == 0
    with app.app_context():
        assert not queries.is_blocked_between(user.id, other.id)
    resp = app.test_client().post("/login", data={"email": "leaver@example.com", "password": PASSWORD})
    assert resp.status_code == 400
    # the address is free again
    resp = app.test_client().post("/register", data={**GOOD, "email": "leaver@example.com"})
    assert resp.status_code == 302


# ---- suspension --------------------------------------------------------------------------------------


def test_suspended_user_is_logged_out_at_the_next_request(app, make_user, make_admin, login_as):
    user = make_user()
    admin = make_admin()
    c = login_as(user, app.test_client())
    assert c.get("/dashboard").status_code == 200
    with app.app_context():
        admin_service.set_suspended(db.session.get(User, admin.id), db.session.get(User, user.id), True)
    resp = c.get("/dashboard")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert app.test_client().post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400


def test_strong_session_protection_drops_a_session_moved_to_another_browser(app, make_user):
    user = make_user()
    c = app.test_client()
    ua = {"User-Agent": "Browser A"}
    c.post("/login", data={"email": user.email, "password": PASSWORD}, headers=ua)
    assert c.get("/dashboard", headers=ua).status_code == 200
    assert c.get("/dashboard", headers={"User-Agent": "Copied cookie elsewhere"}).status_code == 302


def test_demo_style_test_domain_logins_work_outside_production(client, app, make_user):
    user = make_user(email="learner@mentorhub.test")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    app.config["EMAIL_ALLOW_TEST_DOMAINS"] = False  # as in production
    resp = app.test_client().post("/register", data={**GOOD, "email": "someone@example.test"})
    assert resp.status_code == 400 and count(app, User) == 1


# ---- races on the unique email ----------------------------------------------------------------


@pytest.mark.postgres
def test_an_email_taken_between_check_and_commit_is_a_clear_400_not_a_500(any_app, password_hash, monkeypatch):
    """Two sign-ups (or a sign-up and an email change) for one address at once: the loser's
    check saw no account, the unique index stops the insert; it gets the usual message."""
    from conftest import user_factory
    from mentorhub.errors import ValidationError

    make = user_factory(any_app, password_hash)
    taken, mover = make(email="taken@example.com"), make(email="mover@example.com")
    for module in (registration, account):  # the check runs before the winner commits
        monkeypatch.setattr(module, "find_by_email", lambda email: None)
    with any_app.app_context():
        with pytest.raises(ValidationError) as exc:
            registration.register("Late Comer", "taken@example.com", STRONG_PASSWORD)
        assert exc.value.message == registration.GENERIC_REGISTER_ERROR
        user = db.session.get(User, mover.id)
        token = account.email_change_serializer().dumps(
            {"u": user.id, "e": "taken@example.com", "h": account.email_change_seal(user)})
        with pytest.raises(ValidationError) as exc:
            account.confirm_email_change(token)
        assert exc.value.field == "email"
        assert db.session.get(User, mover.id).email == "mover@example.com"
        assert db.session.scalar(select(func.count()).select_from(User)) == 2
        assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    assert taken.email == "taken@example.com"
