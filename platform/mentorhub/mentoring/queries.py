"""Reads other features may call about mentoring."""
from __future__ import annotations

from sqlalchemy import func, select

from ..db import db
from .models import Mentorship


def active_mentorship_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Mentorship).where(Mentorship.status == "active")) or 0
