"""flask --app wsgi create-admin EMAIL"""
from __future__ import annotations

from sqlalchemy import select

from fixtures.accounts import STRONG_PASSWORD
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications.models import OutboxEmail


def test_create_admin_makes_a_new_account_that_can_log_in(runner, app, client):
    result = runner.invoke(args=["create-admin", "Boss@Example.com", "--password", STRONG_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "boss@example.com"))
        assert user.is_admin
    assert client.post("/login", data={"email": "boss@example.com", "password": STRONG_PASSWORD}).status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_create_admin_promotes_an_existing_account(runner, app, make_user):
    user = make_user(email="member@example.com")
    result = runner.invoke(args=["create-admin", "member@example.com"])
    assert result.exit_code == 0 and "Updated admin" in result.output
    with app.app_context():
        assert db.session.get(User, user.id).is_admin


def test_create_admin_without_password_mails_an_invitation(runner, app):
    result = runner.invoke(args=["create-admin", "invitee@example.com"])
    assert result.exit_code == 0
    with app.app_context():
        mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_addr == "invitee@example.com"))
        assert mail is not None and "/reset/" in mail.body and "/unsubscribe/" in mail.body


def test_create_admin_rejects_bad_email_and_weak_password(runner, app):
    bad = runner.invoke(args=["create-admin", "not-an-email"])
    weak = runner.invoke(args=["create-admin", "weak@example.com", "--password", "password1234"])
    assert bad.exit_code != 0 and "valid email" in bad.output
    assert weak.exit_code != 0 and "too common" in weak.output
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []
