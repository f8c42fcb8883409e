"""Reads about accounts that views and other features call (a feature never reads another
feature's tables directly)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from ..db import db
from .models import User

# ---- for matching ----


def users_by_id(user_ids: Iterable[int]) -> dict[int, User]:
    """User id -> account, for the ids that exist (one query; none for no ids)."""
    ids = [int(i) for i in user_ids]
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def user_ids_by_email(emails: Iterable[str]) -> dict[str, int]:
    """Lower-cased address -> user id, for the addresses that have an account (one query)."""
    wanted = [e.strip().lower() for e in emails]
    if not wanted:
        return {}
    return dict(db.session.execute(select(func.lower(User.email), User.id)
                                   .where(func.lower(User.email).in_(wanted))).all())


def user_by_email(email: str) -> User | None:
    """The account with this address (any letter case), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def first_admin() -> User | None:
    """The oldest administrator account not deleted, or None."""
    return db.session.scalar(select(User).where(User.is_admin.is_(True), User.is_deleted.is_(False))
                             .order_by(User.id).limit(1))
