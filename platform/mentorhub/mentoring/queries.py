"""Reads about mentoring that other features ask."""
from __future__ import annotations

from sqlalchemy import select

from ..db import db
from .models import Mentorship

# ---- for portfolio ----


def active_mentor_ids(learner_id: int) -> list[int]:
    """User ids of the learner's mentors in active mentorships, longest-standing first."""
    return list(db.session.scalars(select(Mentorship.mentor_id).where(
        Mentorship.learner_id == learner_id, Mentorship.status == "active").order_by(Mentorship.started_at)))
