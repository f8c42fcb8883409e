"""Reads about mentoring that views and other features call (a feature never reads another
feature's tables directly)."""
from __future__ import annotations

from sqlalchemy import select

from ..db import db
from .models import Mentorship

# ---- for matching ----


def learners_with_active_mentorship() -> set[int]:
    """User ids of the learners in an active mentorship (one query)."""
    return set(db.session.scalars(select(Mentorship.learner_id).where(Mentorship.status == "active")))


# ---- for portfolio ----


def active_mentor_ids(learner_id: int) -> list[int]:
    """User ids of the learner's mentors in active mentorships, longest-standing first."""
    return list(db.session.scalars(select(Mentorship.mentor_id).where(
        Mentorship.learner_id == learner_id, Mentorship.status == "active").order_by(Mentorship.started_at)))


# ---- for events ----


def partner_id_selects(user_id: int) -> list:
    """SQL selects of the ids of everyone ``user_id`` shares a mentorship with (any status), for a
    caller that unions them with its own people in one query."""
    return [select(Mentorship.learner_id).where(Mentorship.mentor_id == user_id),
            select(Mentorship.mentor_id).where(Mentorship.learner_id == user_id)]
