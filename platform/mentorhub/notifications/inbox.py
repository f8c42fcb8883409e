"""The notification centre's writes: marking notifications read."""
from __future__ import annotations

from sqlalchemy import update

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied
from .models import Notification


def mark_read(actor: User, notification_id: int) -> Notification:
    note = db.session.get(Notification, notification_id)
    if note is None:
        raise NotFound("No such notification.")
    if note.user_id != actor.id:
        raise PermissionDenied()
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return note


def mark_all_read(actor: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount or 0
