"""Profiles: every write about learner and mentor profiles and availability windows.

Profile data travels as plain dicts; cleaning.py checks every field and the writes here run only
when nothing is wrong. Every write records a match index change (mentorhub/generations.py)
inside the same transaction (the matching index depends on it).
"""
from __future__ import annotations

from sqlalchemy import delete, select

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound
from ..generations import user_changed
from . import availability as av
from . import taxonomy
from .cleaning import URL_FIELDS, clean_learner, clean_mentor, clean_windows
from .models import (
    AvailabilityWindow,
    Domain,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
    MentorSkill,
    Skill,
)
from .queries import column_defaults, learner_profile_of, mentor_profile_of, skills_by_slugs
from .rules import require_can_edit_profile


def set_windows(actor: User, user: User, windows) -> list[av.Window]:
    require_can_edit_profile(actor, user)
    cleaned = clean_windows(windows)
    _replace_windows(user, cleaned)
    user_changed(user.id)
    db.session.commit()
    return cleaned


def _replace_windows(user: User, windows: list[av.Window]) -> None:
    db.session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.user_id == user.id))
    for d, s, e in windows:
        db.session.add(AvailabilityWindow(user_id=user.id, weekday=d, start_minute=s, end_minute=e))


def _apply_common(user: User, profile, cleaned: dict, skill_model, fields: tuple[str, ...]) -> None:
    """Write the cleaned fields both kinds of profile share plus the role's own ``fields``, then
    stamp and flush the profile."""
    for name in ("headline", *URL_FIELDS, *fields):
        if name in cleaned:
            setattr(profile, name, cleaned[name])
    if "timezone" in cleaned:
        user.timezone = cleaned["timezone"]
    if "windows" in cleaned:
        _replace_windows(user, cleaned["windows"])
    if "domains" in cleaned:
        profile.domains = list(db.session.scalars(select(Domain).where(Domain.slug.in_(cleaned["domains"]))))
    if "skills" in cleaned:
        skills = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.slug.in_(list(cleaned["skills"]))))}
        existing = {row.skill_id: row for row in profile.skills}
        keep = []
        for slug, level in cleaned["skills"].items():
            skill = skills[slug]
            row = existing.get(skill.id)
            if row is None:
                row = skill_model(skill=skill, level=level)
            row.level = level
            keep.append(row)
        profile.skills = keep
    profile.updated_at = utcnow()
    user_changed(user.id)
    db.session.flush()


def _save(actor: User, user: User, data: dict, write):
    require_can_edit_profile(actor, user)
    profile = write(db.session.get(User, user.id), data)
    db.session.commit()
    return profile


def save_learner(actor: User, user: User, data: dict) -> LearnerProfile:
    """Create or update ``user``'s learner profile from the fields present in ``data``."""
    return _save(actor, user, data, write_learner)


def write_learner(user: User, data: dict) -> LearnerProfile:
    """Check then write (no permission check, no commit): for save_learner and the importer."""
    profile = learner_profile_of(user)
    cleaned, problems = clean_learner(data, profile)
    problems.raise_first()
    if profile is None:
        defaults = column_defaults(LearnerProfile)
        if taxonomy.tracks():
            defaults["target_track"] = taxonomy.track_choices()[0][0]
        if taxonomy.stages():
            defaults["stage"] = taxonomy.stage_choices()[0][0]
        profile = LearnerProfile(user_id=user.id, **defaults)
        profile.skills, profile.wanted_skills, profile.domains = [], [], []
        db.session.add(profile)
    if "wanted" in cleaned:
        profile.wanted_skills = skills_by_slugs(cleaned["wanted"], include_retired=True)
    _apply_common(user, profile, cleaned, LearnerSkill,
                  ("background", "goals", "target_track", "stage", "hours_per_week", "is_public", "languages"))
    return profile


def save_mentor(actor: User, user: User, data: dict) -> MentorProfile:
    """Create or update ``user``'s mentor profile from the fields present in ``data``."""
    return _save(actor, user, data, write_mentor)


def write_mentor(user: User, data: dict) -> MentorProfile:
    """Check then write (no permission check, no commit): for save_mentor and the importer."""
    profile = mentor_profile_of(user)
    cleaned, problems = clean_mentor(data, profile)
    problems.raise_first()
    if profile is None:
        profile = MentorProfile(user_id=user.id, **column_defaults(MentorProfile))
        profile.skills, profile.domains = [], []
        db.session.add(profile)
    _apply_common(user, profile, cleaned, MentorSkill,
                  ("bio", "years_experience", "current_role", "capacity", "is_accepting", "session_minutes",
                   "pref_stages", "pref_domains", "languages"))
    return profile


def set_accepting(actor: User, user: User, accepting: bool) -> MentorProfile:
    require_can_edit_profile(actor, user)
    profile = mentor_profile_of(user)
    if profile is None:
        raise NotFound("There is no mentor profile to change.")
    profile.is_accepting = bool(accepting)
    user_changed(user.id)
    db.session.commit()
    return profile


def delete_learner_profile(actor: User, user: User) -> None:
    require_can_edit_profile(actor, user)
    profile = learner_profile_of(user)
    if profile is None:
        raise NotFound("There is no learner profile to remove.")
    db.session.delete(profile)
    user_changed(user.id)
    db.session.commit()


def delete_mentor_profile(actor: User, user: User) -> None:
    require_can_edit_profile(actor, user)
    profile = mentor_profile_of(user)
    if profile is None:
        raise NotFound("There is no mentor profile to remove.")
    db.session.delete(profile)
    user_changed(user.id)
    db.session.commit()
