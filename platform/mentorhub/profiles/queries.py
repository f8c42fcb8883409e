"""Reads about profiles that other features ask: the one answer to "is this person a mentor?"."""
from __future__ import annotations

from sqlalchemy import exists, select

from ..actors import is_signed_in
from ..db import db
from .models import Domain, LearnerProfile, MentorProfile, Skill


def is_mentor(user) -> bool:
    """Signed in and has a mentor profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(MentorProfile.user_id == user.id))))


def has_learner_profile(user) -> bool:
    """Signed in and has a learner profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(LearnerProfile.user_id == user.id))))


# ---- for projects ----


def active_skills_by_slug(slugs: list[str]) -> dict[str, Skill]:
    """The skills among ``slugs`` that exist and are not retired, by slug (one query)."""
    return {s.slug: s for s in db.session.scalars(
        select(Skill).where(Skill.slug.in_(slugs), Skill.is_retired.is_(False)))}


def active_domains_by_slug(slugs: list[str]) -> dict[str, Domain]:
    """The domains among ``slugs`` that exist and are not retired, by slug (one query)."""
    return {d.slug: d for d in db.session.scalars(
        select(Domain).where(Domain.slug.in_(slugs), Domain.is_retired.is_(False)))}
