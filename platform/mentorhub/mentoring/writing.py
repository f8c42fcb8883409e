"""Mentoring: what every write module shares: text checks with the feature's limits, the row
locks, and the "only the two people" guard.

Concurrency: capacity and bookings are decided under a lock. On SQLite every transaction
starts with BEGIN IMMEDIATE (db.py), which serialises writers; on PostgreSQL the mentor's
profile row (and the learner's user row) are locked with SELECT … FOR UPDATE before the
checks run. A unique (mentor_id, slot_starts_at) constraint backs the overlap check up.
"""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..profiles.models import MentorProfile
from ..profiles.queries import mentor_profile
from ..validation import setting, text
from .models import Mentorship
from .queries import get_mentorship


def body_text(value: str | None, field: str, label: str, required: bool = False) -> str:
    """A free text of the feature (goals, notes, answers), at most MENTORING_TEXT_MAX characters."""
    return text(value, field=field, label=label, max_len=setting("MENTORING_TEXT_MAX"), required=required)


def title_text(value: str | None, field: str, label: str) -> str:
    """A one-line title (goal, action item), spaces collapsed, at most MENTORING_TITLE_MAX characters."""
    return text(" ".join((value or "").split()), field=field, label=label,
                max_len=setting("MENTORING_TITLE_MAX"), required=True)


def is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_mentor(mentor_id: int) -> MentorProfile | None:
    """The mentor's profile, locked for this transaction on PostgreSQL (SQLite: BEGIN IMMEDIATE)."""
    profile = mentor_profile(mentor_id, for_update=True)
    if profile is None and is_postgres():
        db.session.execute(select(User.id).where(User.id == mentor_id).with_for_update())
    return profile


def lock_user(user_id: int) -> None:
    if is_postgres():
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def require_pair(actor: User, row, message: str) -> None:
    """Only the learner and the mentor themselves (not an admin) may change ``row``."""
    if actor.id not in (row.learner_id, row.mentor_id):
        raise PermissionDenied(message)


def require_active(m: Mentorship) -> None:
    if not m.is_active:
        raise ValidationError("This mentorship has ended.")


def set_done(actor: User, model, row_id: int, done: bool, missing: str):
    """Tick or untick a goal or an action item; only the mentorship's two people may."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    require_pair(actor, get_mentorship(actor, row.mentorship_id),
                 "Only the mentor and the learner can change this mentorship.")
    row.is_done = bool(done)
    row.done_at = utcnow() if done else None
    db.session.commit()
    return row
