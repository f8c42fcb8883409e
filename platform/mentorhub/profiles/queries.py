"""Reads about profiles that other features ask: the one answer to "is this person a mentor?"."""
from __future__ import annotations

from sqlalchemy import exists, select, union

from ..actors import is_signed_in
from ..db import db
from .models import LearnerProfile, LearnerSkill, MentorProfile, MentorSkill


def is_mentor(user) -> bool:
    """Signed in and has a mentor profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(MentorProfile.user_id == user.id))))


def has_learner_profile(user) -> bool:
    """Signed in and has a learner profile (one query)."""
    return is_signed_in(user) and bool(db.session.scalar(select(exists().where(LearnerProfile.user_id == user.id))))


# ---- for portfolio ----


def is_mentor_clause(user_id: int):
    """``is_mentor`` as an SQL condition, for a visibility filter inside one statement."""
    return select(MentorProfile.id).where(MentorProfile.user_id == user_id).exists()


def skill_ids_known_by(user_id: int, learner_level: int) -> list[int]:
    """Ids of the skills a person teaches as a mentor or knows at ``learner_level`` or more as a
    learner, sorted (one query)."""
    mentor = (select(MentorSkill.skill_id).join(MentorProfile, MentorProfile.id == MentorSkill.mentor_id)
              .where(MentorProfile.user_id == user_id))
    learner = (select(LearnerSkill.skill_id).join(LearnerProfile, LearnerProfile.id == LearnerSkill.learner_id)
               .where(LearnerProfile.user_id == user_id, LearnerSkill.level >= learner_level))
    return sorted(set(db.session.scalars(union(mentor, learner))))
