"""Reads about profiles that other features ask: the one answer to "is this person a mentor?"."""
from __future__ import annotations

from sqlalchemy import exists, select

from ..actors import is_signed_in
from ..db import db
from .models import LearnerProfile, MentorProfile


def is_mentor(user) -> bool:
    """Signed in and has a mentor profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(MentorProfile.user_id == user.id))))


def has_learner_profile(user) -> bool:
    """Signed in and has a learner profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(LearnerProfile.user_id == user.id))))


# ---- for mentoring ----


def mentor_profile(user_id: int, *, for_update: bool = False) -> MentorProfile | None:
    """The mentor profile of ``user_id`` (None when they have none). ``for_update``: reloaded and,
    on PostgreSQL, locked for the caller's transaction (mentoring decides capacity under it)."""
    stmt = select(MentorProfile).where(MentorProfile.user_id == user_id)
    if for_update:
        stmt = stmt.execution_options(populate_existing=True)
        if db.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
    return db.session.scalar(stmt)
