"""Mentoring check-ins: the learner fills one in, the mentor responds. The scheduler opens,
nudges and closes them (jobs.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from .. import match_events
from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import setting
from .models import CheckIn, Mentorship
from .rules import add_cadence, can_check_in_now, can_fill_checkin, can_respond_checkin, refuse
from .writing import body_text, lock_user


def has_open_checkin(m: Mentorship) -> bool:
    return db.session.scalar(select(CheckIn.id).where(CheckIn.mentorship_id == m.id, CheckIn.status == "open")
                             .limit(1)) is not None


def open_checkin(m: Mentorship, now: datetime, *, kickoff: bool = False) -> CheckIn:
    """Open a check-in due ``now`` and restart the cadence from it (no commit). The learner is told;
    a kickoff check-in (opened on acceptance, due when the mentorship started) asks for goals."""
    c = CheckIn(mentorship_id=m.id, mentorship=m, due_at=now, status="open", created_at=now)
    db.session.add(c)
    m.next_checkin_at = add_cadence(now, m.cadence)
    db.session.flush()
    title = "Kick off your mentorship" if kickoff else "Time for your check-in"
    body = ("Write down your goals and your first action items for your mentor." if kickoff
            else "Tell your mentor how it went: progress, blockers and next steps.")
    notify(m.learner, "checkin", title, body=body, link=path_for("mentoring.checkin_detail", checkin_id=c.id),
           key=f"checkin:{m.id}:{now.strftime('%Y%m%dT%H%M%S')}:open")
    return c


def check_in_now(actor: User, m: Mentorship) -> CheckIn:
    """Either side opens a check-in at once; the next scheduled one comes a full cadence later."""
    lock_user(m.learner_id)  # PostgreSQL: both sides pressing at once open one check-in, not two
    refuse(can_check_in_now(actor, m, has_open_checkin(m)), actor.id not in (m.learner_id, m.mentor_id), Conflict)
    c = open_checkin(m, utcnow())
    db.session.commit()
    return c


def submit_checkin(actor: User, c: CheckIn, progress: str, blockers: str = "", next_steps: str = "") -> CheckIn:
    m = c.mentorship
    refuse(can_fill_checkin(actor, c), actor.id != m.learner_id, Conflict)
    progress = body_text(progress, "progress", "your progress", required=True)
    blockers = body_text(blockers, "blockers", "your blockers")
    next_steps = body_text(next_steps, "next_steps", "your next steps")
    c.progress, c.blockers, c.next_steps = progress, blockers, next_steps
    c.status, c.submitted_at = "answered", utcnow()
    if answered_checkins(m.id) == setting("MATCH_OUTCOME_CHECKINS"):  # counts this one (autoflush)
        match_events.record(match_events.CHECKINS_REACHED, m.learner_id, m.mentor_id, at=c.submitted_at)
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
