"""notify(): preferences, keys, the outbox, digests."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.errors import PermissionDenied, ValidationError
from mentorhub.notifications import digests, inbox, outbox, preferences, queries
from mentorhub.notifications.models import Notification, NotificationPreference, OutboxEmail
from mentorhub.notifications.notify import notify


def rows(model, **where):
    stmt = select(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalars(stmt.order_by(model.id)).all()


def test_instant_notification_queues_one_email_with_an_unsubscribe_link(app, make_user):
    u = make_user(email="inst@example.com")
    with app.app_context():
        user = db.session.get(User, u.id)
        note = notify(user, "mentorship_request", "New request from Ana", body="Ana asks for help.",
                               link="/mentoring/1", key="req:1")
        db.session.commit()
        assert note is not None and note.digest_pending is False
        (mail,) = rows(OutboxEmail)
        assert mail.to_addr == "inst@example.com" and mail.subject == "New request from Ana"
        assert "Ana asks for help." in mail.body and "http://127.0.0.1:5000/mentoring/1" in mail.body
        assert "/unsubscribe/" in mail.body and mail.key == f"notification:{note.id}"


def test_the_same_key_never_notifies_or_queues_twice(app, make_user):
    u = make_user()
    with app.app_context():
        user = db.session.get(User, u.id)
        assert notify(user, "checkin", "Check-in due", key="checkin:7:2026-11-22") is not None
        db.session.commit()
        assert notify(user, "checkin", "Check-in due", key="checkin:7:2026-11-22") is None
        db.session.commit()
        assert len(rows(Notification)) == 1 and len(rows(OutboxEmail)) == 1
        assert outbox.queue_email("x@example.com", "s", "b", key="k1") is not None
        assert outbox.queue_email("x@example.com", "s", "b", key="k1") is None
        db.session.commit()
        assert len(rows(OutboxEmail, key="k1")) == 1


def test_off_keeps_it_in_the_centre_but_sends_nothing(app, make_user):
    u = make_user()
    with app.app_context():
        user = db.session.get(User, u.id)
        preferences.set_preferences(user, user, {"event_update": "off"})
        notify(user, "event_update", "Meetup moved")
        db.session.commit()
        assert len(rows(Notification)) == 1 and rows(OutboxEmail) == []
        assert queries.unread_count(user) == 1


def test_suspended_or_deleted_users_get_no_email(app, make_user):
    s, d = make_user(is_suspended=True), make_user(is_deleted=True)
    with app.app_context():
        assert notify(db.session.get(User, d.id), "system", "Hi") is None
        notify(db.session.get(User, s.id), "system", "Hi")
        db.session.commit()
        assert rows(OutboxEmail) == []


def test_unknown_kind_is_a_programming_error(app, make_user):
    u = make_user()
    with app.app_context(), pytest.raises(KeyError):
        notify(db.session.get(User, u.id), "no_such_kind", "x")


def test_preferences_validate_and_only_the_owner_may_change_them(app, make_user):
    a, b = make_user(), make_user()
    with app.app_context():
        ua, ub = db.session.get(User, a.id), db.session.get(User, b.id)
        with pytest.raises(ValidationError):
            preferences.set_preferences(ua, ua, {"checkin": "loud"})
        with pytest.raises(ValidationError):
            preferences.set_preferences(ua, ua, {"not_a_kind": "off"})
        with pytest.raises(PermissionDenied):
            preferences.set_preferences(ua, ub, {"checkin": "off"})
        assert rows(NotificationPreference) == []
        preferences.set_preferences(ua, ua, {"checkin": "digest", "system": "off"})
        preferences.set_preferences(ua, ua, {"checkin": "instant"})
        prefs = preferences.preferences(ua)
        assert prefs["checkin"] == "instant" and prefs["system"] == "off"
        assert prefs["review_queue"] == "digest"  # the kind's default


def test_digest_collects_one_email_per_user_and_runs_once(app, make_user, frozen):
    u, quiet = make_user(email="dig@example.com"), make_user()
    frozen(datetime(2026, 11, 22, 7, 0, tzinfo=timezone.utc))
    with app.app_context():
        user = db.session.get(User, u.id)
        preferences.set_preferences(user, user, {"checkin": "digest", "event_update": "digest"})
        notify(user, "checkin", "Check-in with Marco", link="/mentoring/3")
        notify(user, "event_update", "Meetup moved to Friday")
        notify(user, "system", "Instant one")
        db.session.commit()
        assert len(rows(OutboxEmail)) == 1  # only the instant one so far
        assert digests.send_digests() == 1
        digest = rows(OutboxEmail)[-1]
        assert digest.to_addr == "dig@example.com" and digest.subject == "Your mentorhub digest: 2 updates"
        assert "Check-in with Marco" in digest.body and "Meetup moved to Friday" in digest.body
        assert "Instant one" not in digest.body and "/unsubscribe/" in digest.body
        assert digests.send_digests() == 0  # nothing pending any more
        assert len(rows(OutboxEmail)) == 2
        assert quiet.id not in {m.user_id for m in rows(OutboxEmail)}


def test_digest_of_one_update_says_update(app, make_user):
    u = make_user()
    with app.app_context():
        user = db.session.get(User, u.id)
        preferences.set_preferences(user, user, {"checkin": "digest"})
        notify(user, "checkin", "Check-in A")
        db.session.commit()
        assert digests.send_digests() == 1
        assert rows(OutboxEmail)[-1].subject == "Your mentorhub digest: 1 update"


def test_digest_reads_users_and_preferences_once_not_per_user(app, make_user):
    from sqlalchemy import event

    ids = [make_user().id for _ in range(6)]
    with app.app_context():
        for uid in ids:
            user = db.session.get(User, uid)
            preferences.set_preferences(user, user, {"checkin": "digest"})
            notify(user, "checkin", f"Check-in {uid}")
        db.session.commit()
        db.session.expunge_all()  # no user left in the identity map: each would be a SELECT
        statements = []
        engine = db.session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, …)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert digests.send_digests() == 6
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert sum("FROM notification_preferences" in s for s in statements) == 1
    assert sum("FROM users" in s for s in statements) == 1


def test_digest_leaves_out_kinds_switched_off_since(app, make_user):
    u = make_user()
    with app.app_context():
        user = db.session.get(User, u.id)
        preferences.set_preferences(user, user, {"checkin": "digest"})
        notify(user, "checkin", "Check-in A")
        db.session.commit()
        preferences.set_preferences(user, user, {"checkin": "off"})
        assert digests.send_digests() == 0
        assert rows(OutboxEmail) == [] and rows(Notification, digest_pending=True) == []


def test_mark_read_checks_the_owner(app, make_user):
    a, b = make_user(), make_user()
    with app.app_context():
        ua, ub = db.session.get(User, a.id), db.session.get(User, b.id)
        note = notify(ua, "system", "Mine")
        db.session.commit()
        with pytest.raises(PermissionDenied):
            inbox.mark_read(ub, note.id)
        assert queries.unread_count(ua) == 1
        inbox.mark_read(ua, note.id)
        assert queries.unread_count(ua) == 0


def test_line_breaks_in_titles_never_reach_mail_headers(app, make_user):
    u = make_user()
    with app.app_context():
        notify(db.session.get(User, u.id), "system", "Project\r\nBcc: victim@example.com")
        db.session.commit()
        (mail,) = rows(OutboxEmail)
        assert mail.subject == "Project Bcc: victim@example.com"


def test_a_callers_pending_conflict_is_not_taken_for_a_used_key(app, make_user):
    """notify() flushes the caller's changes outside its savepoint: their IntegrityError surfaces
    instead of notify() returning None as if the key had been used (and the session failing later)."""
    from sqlalchemy.exc import IntegrityError

    a, b = make_user(email="a@example.com"), make_user(email="b@example.com")
    with app.app_context():
        db.session.get(User, b.id).email = "a@example.com"  # breaks the unique index
        with pytest.raises(IntegrityError):  # without a key no lookup autoflushes before the savepoint
            notify(db.session.get(User, a.id), "system", "Hello")
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.get(User, b.id).email = "a@example.com"
            outbox.queue_email("x@example.com", "Subject", "Body", key=None)
        db.session.rollback()
        assert notify(db.session.get(User, a.id), "system", "Hello", key="k-1") is not None
        db.session.commit()
        assert db.session.get(User, b.id).email == "b@example.com"
