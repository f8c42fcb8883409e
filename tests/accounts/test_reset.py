"""Password reset: the same answer for known and unknown emails, single-use expiring links."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from fixtures.accounts import STRONG_PASSWORD
from mentorhub.db import db
from mentorhub.notifications.models import OutboxEmail
from support import PASSWORD


def reset_link(app, email) -> str:
    with app.app_context():
        body = db.session.scalar(select(OutboxEmail.body).where(OutboxEmail.to_addr == email)
                                 .order_by(OutboxEmail.id.desc()))
    return re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", body).group(1)


def mail_to(app, email) -> str:
    with app.app_context():
        return db.session.scalar(select(OutboxEmail.body).where(OutboxEmail.to_addr == email))


def mails(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxEmail.id)))


def test_known_and_unknown_emails_get_the_same_answer(client, app, make_user):
    make_user(email="known@example.com")
    known = client.post("/reset", data={"email": "known@example.com"}, follow_redirects=True)
    unknown = client.post("/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    message = "If an account uses that address"
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert mails(app) == 2  # the link to the account; a note with no link to the other address
    assert "/reset/" not in mail_to(app, "nobody@example.com") and "no active account" in mail_to(app, "nobody@example.com")


def test_reset_request_needs_an_email(client, app):
    resp = client.post("/reset", data={"email": ""})
    assert resp.status_code == 400 and "This field is required." in resp.get_data(as_text=True)
    assert mails(app) == 0


def test_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, make_user, login_as):
    user = make_user(email="forgetful@example.com")
    other_device = login_as(user, app.test_client())
    c = app.test_client()
    c.post("/reset", data={"email": "forgetful@example.com"})
    link = reset_link(app, "forgetful@example.com")
    assert c.get(link).status_code == 200
    weak = c.post(link, data={"password": "password1234"})
    assert weak.status_code == 400 and "too common" in weak.get_data(as_text=True)
    assert c.post(link, data={"password": STRONG_PASSWORD}).headers["Location"] == "/login"
    assert other_device.get("/dashboard").status_code == 302
    assert c.post("/login", data={"email": user.email, "password": STRONG_PASSWORD}).status_code == 302
    again = app.test_client().get(link)  # single use: the hash changed
    assert again.status_code == 302 and again.headers["Location"] == "/reset"


def test_tampered_or_expired_reset_links_fail(app, make_user, frozen):
    traveller = frozen(datetime(2026, 3, 1, tzinfo=timezone.utc))
    make_user(email="late@example.com")
    c = app.test_client()
    c.post("/reset", data={"email": "late@example.com"})
    link = reset_link(app, "late@example.com")
    assert c.get(link[:-4] + "abcd").headers["Location"] == "/reset"
    traveller.move_to(datetime(2026, 3, 1, tzinfo=timezone.utc)
                      + timedelta(seconds=app.config["RESET_TOKEN_MAX_AGE"] + 5))
    resp = c.post(link, data={"password": STRONG_PASSWORD}, follow_redirects=True)
    assert "expired" in resp.get_data(as_text=True)
    assert c.post("/login", data={"email": "late@example.com", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("flag", ["is_suspended", "is_deleted"])
def test_no_reset_mail_for_inactive_accounts(client, app, make_user, flag):
    make_user(email="inactive@example.com", **{flag: True})
    client.post("/reset", data={"email": "inactive@example.com"})
    assert "/reset/" not in mail_to(app, "inactive@example.com")  # a note, never a link
