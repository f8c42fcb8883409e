"""The profiles panel of the dashboard: plain data in two queries."""
from __future__ import annotations

from sqlalchemy import and_, func, select

from ..accounts.models import User
from ..db import db
from . import taxonomy
from .models import AvailabilityWindow, LearnerProfile, LearnerSkill, MentorProfile, Skill
from .services import gap_rows

GAP_ROWS_SHOWN = 5  # the dashboard names the learner's biggest gaps, as it always did


def dashboard_panel(user: User, view: str | None) -> dict:
    """Data for templates/profiles/_dashboard.html. ``view`` ("learner" or "mentor", from the
    page's tabs) defaults to the mentor side for someone who only mentors."""
    windows = select(func.count(AvailabilityWindow.id)).where(AvailabilityWindow.user_id == User.id).scalar_subquery()
    row = db.session.execute(
        select(LearnerProfile.id, LearnerProfile.target_track, LearnerProfile.stage,
               MentorProfile.id, MentorProfile.is_accepting, MentorProfile.capacity, windows)
        .select_from(User)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == User.id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .where(User.id == user.id)
    ).one()
    learner_id, track, stage, mentor_id, is_accepting, capacity, window_count = row
    stage_names = dict(taxonomy.stage_choices())
    stage_list = [s["slug"] for s in taxonomy.stages()]
    gap = []
    if learner_id is not None:
        expected = taxonomy.track_skills(track)
        skills = db.session.execute(
            select(Skill.slug, Skill.name, LearnerSkill.level)
            .outerjoin(LearnerSkill, and_(LearnerSkill.skill_id == Skill.id, LearnerSkill.learner_id == learner_id))
            .where(Skill.slug.in_(list(expected)))
        ).all()
        gap = gap_rows(expected, {slug: name for slug, name, _ in skills},
                       {slug: level for slug, _, level in skills if level is not None})[:GAP_ROWS_SHOWN]
    if view not in ("learner", "mentor"):
        view = "mentor" if mentor_id is not None and learner_id is None else "learner"
    return {
        "view": view,
        "learner": learner_id is not None,
        "mentor": {"is_accepting": is_accepting, "capacity": capacity} if mentor_id is not None else None,
        "stage_name": stage_names.get(stage, stage) if learner_id is not None else None,
        "stage_index": stage_list.index(stage) + 1 if learner_id is not None and stage in stage_list else None,
        "stage_count": len(stage_list),
        "gap": gap,
        "windows": window_count,
    }
