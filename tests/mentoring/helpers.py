"""Small helpers shared by the mentoring tests (import with ``from mentoring.helpers import ...``)."""
from __future__ import annotations

from sqlalchemy import func, select

from mentorhub.accounts.models import User
from mentorhub.db import db
from mentorhub.notifications.models import Notification


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def notes_for(user_id: int, kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user_id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
