"""Mentoring check-ins: the learner fills one in, the mentor responds. The scheduler opens,
nudges and closes them (jobs.py).
"""
from __future__ import annotations

from sqlalchemy import func, select

from .. import outcomes
from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict
from ..notifications.services import notify
from ..urls import path_for
from ..validation import setting
from .models import CheckIn
from .rules import can_fill_checkin, can_respond_checkin, refuse
from .writing import body_text


def submit_checkin(actor: User, c: CheckIn, progress: str, blockers: str = "", next_steps: str = "") -> CheckIn:
    m = c.mentorship
    refuse(can_fill_checkin(actor, c), actor.id != m.learner_id, Conflict)
    progress = body_text(progress, "progress", "your progress", required=True)
    blockers = body_text(blockers, "blockers", "your blockers")
    next_steps = body_text(next_steps, "next_steps", "your next steps")
    c.progress, c.blockers, c.next_steps = progress, blockers, next_steps
    c.status, c.submitted_at = "answered", utcnow()
    if answered_checkins(m.id) == setting("MATCH_OUTCOME_CHECKINS"):  # counts this one (autoflush)
        outcomes.record(outcomes.CHECKINS_REACHED, m.learner_id, m.mentor_id, at=c.submitted_at)
    notify(m.mentor, "checkin", f"{actor.display_name} filled in a check-in", body=progress[:300],
           link=path_for("mentoring.checkin_detail", checkin_id=c.id), key=f"checkin:{c.id}:answered")
    db.session.commit()
    return c


def answered_checkins(mentorship_id: int) -> int:
    return db.session.scalar(select(func.count(CheckIn.id)).where(
        CheckIn.mentorship_id == mentorship_id, CheckIn.status.in_(("answered", "responded")))) or 0


def respond_checkin(actor: User, c: CheckIn, response: str) -> CheckIn:
    m = c.mentorship
    refuse(can_respond_checkin(actor, c), actor.id != m.mentor_id, Conflict)
    response = body_text(response, "response", "your response", required=True)
    c.mentor_response, c.status, c.responded_at = response, "responded", utcnow()
    notify(m.learner, "checkin", f"{actor.display_name} responded to your check-in", body=response[:300],
           link=path_for("mentoring.checkin_detail", checkin_id=c.id),
           key=f"checkin:{c.id}:responded:{int(c.responded_at.timestamp())}")
    db.session.commit()
    return c
