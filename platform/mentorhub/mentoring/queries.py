"""Reads about mentoring that views and other features call (features never read mentoring's tables)."""
from __future__ import annotations

from sqlalchemy import select

from .models import Mentorship


# ---- for events ----


def partner_id_selects(user_id: int) -> list:
    """SQL selects of the ids of everyone ``user_id`` shares a mentorship with (any status), for a
    caller that unions them with its own people in one query."""
    return [select(Mentorship.learner_id).where(Mentorship.mentor_id == user_id),
            select(Mentorship.mentor_id).where(Mentorship.learner_id == user_id)]
