"""Notifications' rows in a data export and an account deletion (see mentorhub/privacy.py)."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..accounts.models import User
from ..db import db
from .models import CalendarFeed, Notification, NotificationPreference, OutboxEmail
from .preferences import preferences


def export_user_data(user: User) -> dict:
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    return {
        "preferences": preferences(user),
        "notifications": [
            {"kind": n.kind, "title": n.title, "body": n.body, "link": n.link,
             "created_at": n.created_at.isoformat(), "read": n.read_at is not None}
            for n in notes
        ],
    }


def erase_user_data(user: User) -> None:
    """No commit (the account deletion commits)."""
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.execute(
        delete(OutboxEmail).where(OutboxEmail.user_id == user.id, OutboxEmail.status.in_(("pending", "failed")))
    )
