"""notify() and bulk.notify_many() write the same rows: one set of rules for both paths."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from conftest import user_factory
from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications import calendar, outbox, preferences
from mentorhub.notifications.bulk import Send, notify_many
from mentorhub.notifications.models import Notification, OutboxEmail
from mentorhub.notifications.notify import MAIL_KEY_PREFIX, notify

TITLE = "Check-in\nis due " + "x" * 250  # a line break (never in a mail header) and longer than a title


def _state(model, prefix: str, mail_prefix: str | None = None) -> dict:
    """{user_id: row values} for the rows a path wrote (told apart by their key prefix)."""
    if model is Notification:
        rows = db.session.scalars(select(Notification).where(Notification.key.startswith(prefix)))
        return {n.user_id: (n.kind, n.title, n.body, n.link, n.digest_pending, n.read_at) for n in rows}
    ids = db.session.scalars(select(Notification.id).where(Notification.key.startswith(prefix))).all()
    mails = db.session.scalars(select(OutboxEmail).where(
        OutboxEmail.key.in_([f"{MAIL_KEY_PREFIX}{i}" for i in ids]))).all()
    out = {}
    for m in mails:
        msg = outbox._message(m)
        out[m.user_id] = (m.to_addr, m.subject, m.body, m.status, msg["List-Unsubscribe"],
                          msg["List-Unsubscribe-Post"])
    return out


@pytest.mark.postgres
def test_notify_and_notify_many_write_the_same_rows(any_app, password_hash, frozen):
    frozen(datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc))  # the same unsubscribe token timestamps
    app = any_app
    make_user = user_factory(app, password_hash)
    instant, digest, off, suspended, deleted = (make_user() for _ in range(5))
    with app.app_context():
        u = {x.id: db.session.get(User, x.id) for x in (instant, digest, off, suspended, deleted)}
        preferences.set_preferences(u[digest.id], u[digest.id], {"checkin": "digest"})
        preferences.set_preferences(u[off.id], u[off.id], {"checkin": "off"})
        u[suspended.id].is_suspended = True
        u[deleted.id].is_deleted = True
        db.session.commit()
        for user in u.values():
            notify(user, "checkin", TITLE, body="Body", link="/mentoring/7", key=f"one:{user.id}")
        assert notify_many([Send(user, "checkin", TITLE, key=f"many:{user.id}", body="Body", link="/mentoring/7")
                            for user in u.values()]) == 4
        db.session.commit()

        notes_one, notes_many = _state(Notification, "one:"), _state(Notification, "many:")
        assert notes_one == notes_many
        assert set(notes_one) == {instant.id, digest.id, off.id, suspended.id}  # deleted: nothing
        assert notes_one[digest.id][4] is True and notes_one[instant.id][4] is False
        assert len(notes_one[instant.id][1]) == 200

        mails_one, mails_many = _state(OutboxEmail, "one:"), _state(OutboxEmail, "many:")
        assert mails_one == mails_many
        assert set(mails_one) == {instant.id}  # digest, off, suspended: no instant email
        to_addr, subject, body, _, header, post = mails_one[instant.id]
        assert "\n" not in subject and subject.startswith("Check-in is due x")
        assert "http://127.0.0.1:5000/mentoring/7" in body and "All settings: " in body
        link = body.split("Stop these emails: ")[1].split()[0]
        assert header == f"<{link}>" and post == "List-Unsubscribe=One-Click"
        assert preferences.read_unsubscribe_token(link.rsplit("/", 1)[1]) == (u[instant.id], "checkin")


def test_notify_many_rejects_an_unknown_kind_before_writing(app, make_user):
    x = make_user()
    with app.app_context():
        user = db.session.get(User, x.id)
        with pytest.raises(KeyError):
            notify_many([Send(user, "checkin", "ok", key="a"), Send(user, "no_such_kind", "bad", key="b")])
        assert db.session.scalar(select(Notification.id)) is None


def test_the_feed_combines_mentoring_and_events(app):
    from mentorhub.events import queries as events
    from mentorhub.mentoring import queries

    with app.app_context():  # create_app registers the feed's sources
        assert calendar.feed_sources() == (queries.calendar_events, events.calendar_events)
