"""notify_many keeps notify()'s rules; personal data export and erase for mentoring."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from conftest import user_factory
from mentorhub.db import db
from mentorhub.mentoring import privacy, sessions
from mentorhub.mentoring.models import MentoringSession, Mentorship, MentorshipRating, SessionNote
from mentorhub.notifications import preferences
from mentorhub.notifications.bulk import Send, notify_many
from mentorhub.notifications.models import Notification, OutboxEmail
from mentorhub.privacy import export_data
from mentoring.helpers import count, user

UTC = timezone.utc
MONDAY = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)


@pytest.mark.postgres
def test_notify_many_follows_preferences_keys_and_account_state(any_app, password_hash):
    app = any_app
    make_user = user_factory(app, password_hash)
    instant, digest, off, suspended, deleted = (make_user() for _ in range(5))
    with app.app_context():
        preferences.set_preferences(user(digest.id), user(digest.id), {"checkin": "digest"})
        preferences.set_preferences(user(off.id), user(off.id), {"checkin": "off"})
        user(suspended.id).is_suspended = True
        user(deleted.id).is_deleted = True
        db.session.commit()
        sends = [Send(user(u.id), "checkin", "Time for your check-in", key=f"k:{u.id}", body="Body", link="/x")
                 for u in (instant, digest, off, suspended, deleted)]
        assert notify_many(sends) == 4
        assert notify_many(sends) == 0  # keys used: nothing again
        db.session.commit()
        by_user = {n.user_id: n for n in db.session.scalars(select(Notification))}
        assert set(by_user) == {instant.id, digest.id, off.id, suspended.id}
        assert by_user[digest.id].digest_pending and not by_user[instant.id].digest_pending
        mails = db.session.scalars(select(OutboxEmail)).all()
        assert [m.user_id for m in mails] == [instant.id]
        mail = mails[0]
        assert mail.key == f"notification:{by_user[instant.id].id}" and "/x" in mail.body
        token = mail.body.split("/unsubscribe/")[1].split()[0]
        assert preferences.read_unsubscribe_token(token)[1] == "checkin"


def test_export_and_erase(app, frozen, make_mentorship):
    frozen(MONDAY)
    pair = make_mentorship()
    start = datetime(2026, 10, 28, 13, 0, tzinfo=UTC)
    with app.app_context():
        learner, mentor = user(pair.learner_id), user(pair.mentor_id)
        m = db.session.get(Mentorship, pair.mentorship_id)
        s = sessions.book_session(learner, m, start)
        sessions.save_note(learner, s, "My private thoughts")
        sessions.save_note(mentor, s, "Mentor's own note")
        data = export_data(learner)["mentoring"]
        assert data["requests"][0]["goals"] and data["private_notes"] == [
            {"session_id": s.id, "body": "My private thoughts"}]
        assert data["sessions"][0]["starts_at"] == start.isoformat()
        privacy.erase_user_data(learner)
        db.session.commit()
        assert [n.body for n in db.session.scalars(select(SessionNote))] == ["Mentor's own note"]
        assert db.session.get(MentoringSession, s.id).status == "cancelled"
        assert not db.session.get(Mentorship, m.id).is_active
        assert count(MentorshipRating) == 0
