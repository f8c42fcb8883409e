"""The profiles panel of the dashboard: plain data in one query, which also tells the other
panels whether the viewer has a learner or a mentor profile (``viewer_profiles``)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import and_, func, select

from ..accounts.models import User
from ..db import db
from . import taxonomy
from .models import AvailabilityWindow, LearnerProfile, LearnerSkill, MentorProfile, Skill
from .queries import gap_rows

GAP_ROWS_SHOWN = 5  # the dashboard names the learner's biggest gaps, as it always did


@dataclass(frozen=True)
class ViewerProfiles:
    """The viewer's profiles as the dashboard's first query found them."""

    learner: bool
    mentor: bool


def _profile_rows(user: User) -> list:
    """The viewer's profile facts, repeated on one row per skill any track expects (with the
    learner's level of it): the panel and its gap table in one query, once per request."""
    if has_request_context() and g.get("dashboard_profile_rows", (None,))[0] == user.id:
        return g.dashboard_profile_rows[1]
    slugs = sorted({slug for t in taxonomy.tracks() for slug in taxonomy.track_skills(t["slug"])})
    windows = select(func.count(AvailabilityWindow.id)).where(AvailabilityWindow.user_id == User.id).scalar_subquery()
    rows = db.session.execute(
        select(LearnerProfile.id, LearnerProfile.target_track, LearnerProfile.stage,
               MentorProfile.id, MentorProfile.is_accepting, MentorProfile.capacity, windows,
               Skill.slug, Skill.name, LearnerSkill.level)
        .select_from(User)
        .outerjoin(LearnerProfile, LearnerProfile.user_id == User.id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .outerjoin(Skill, and_(LearnerProfile.id.is_not(None), Skill.slug.in_(slugs)))
        .outerjoin(LearnerSkill, and_(LearnerSkill.skill_id == Skill.id, LearnerSkill.learner_id == LearnerProfile.id))
        .where(User.id == user.id)
    ).all()
    if has_request_context():
        g.dashboard_profile_rows = (user.id, rows)
    return rows


def viewer_profiles(user: User) -> ViewerProfiles:
    """Whether the viewer has a learner and a mentor profile (no query after the profiles panel)."""
    row = _profile_rows(user)[0]
    return ViewerProfiles(learner=row[0] is not None, mentor=row[3] is not None)


def dashboard_panel(user: User, view: str | None) -> dict:
    """Data for templates/profiles/_dashboard.html. ``view`` ("learner" or "mentor", from the
    page's tabs) defaults to the mentor side for someone who only mentors."""
    rows = _profile_rows(user)
    learner_id, track, stage, mentor_id, is_accepting, capacity, window_count = rows[0][:7]
    stage_names = dict(taxonomy.stage_choices())
    stage_list = [s["slug"] for s in taxonomy.stages()]
    gap = []
    if learner_id is not None:
        expected = taxonomy.track_skills(track)
        skills = [r[7:] for r in rows if r[7] in expected]
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
