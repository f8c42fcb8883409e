"""Profiles' part of a person's data export and account deletion."""
from __future__ import annotations

from sqlalchemy import delete

from ..accounts.models import User
from ..db import db
from ..generations import user_changed
from . import availability as av
from .models import AvailabilityWindow, LearnerProfile, MentorProfile
from .queries import (
    learner_as_dict,
    learner_profile_of,
    mentor_as_dict,
    mentor_profile_of,
    split_slugs,
    windows_of,
)


def export_user_data(user: User) -> dict:
    learner, mentor = learner_profile_of(user), mentor_profile_of(user)
    return {
        "learner_profile": {**learner_as_dict(learner), "languages": split_slugs(learner.languages)} if learner else None,
        "mentor_profile": {**mentor_as_dict(mentor), "languages": split_slugs(mentor.languages),
                           "pref_stages": split_slugs(mentor.pref_stages),
                           "pref_domains": split_slugs(mentor.pref_domains)} if mentor else None,
        "availability": [{"weekday": av.WEEKDAY_NAMES[d], "start": av.format_minute(s), "end": av.format_minute(e)}
                         for d, s, e in windows_of(user)],
        "timezone": user.timezone,
    }


def erase_user_data(user: User) -> None:
    """Delete both profiles and the availability windows (no commit)."""
    db.session.execute(delete(LearnerProfile).where(LearnerProfile.user_id == user.id))
    db.session.execute(delete(MentorProfile).where(MentorProfile.user_id == user.id))
    db.session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.user_id == user.id))
    user_changed(user.id)
