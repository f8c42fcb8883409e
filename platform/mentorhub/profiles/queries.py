"""Reads about profiles that other features ask: the one answer to "is this person a mentor?"."""
from __future__ import annotations

from sqlalchemy import exists, select

from ..actors import is_signed_in
from ..db import db
from .models import Domain, LearnerProfile, MentorProfile


def is_mentor(user) -> bool:
    """Signed in and has a mentor profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(MentorProfile.user_id == user.id))))


def has_learner_profile(user) -> bool:
    """Signed in and has a learner profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(LearnerProfile.user_id == user.id))))


# ---- for events ----


def domains_by_ids(ids) -> list[Domain]:
    """The domains with these ids (retired ones too: a meetup keeps the domains it was given)."""
    ids = list(ids)
    return list(db.session.scalars(select(Domain).where(Domain.id.in_(ids)))) if ids else []
