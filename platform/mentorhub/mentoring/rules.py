"""Mentoring rules: the permission questions (``can_*``: None when allowed, else the reason people
see) and the state rules. Read-only. The views ask them to show or hide a button; the write
modules ask the same question and refuse with the reason.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.queries import is_blocked_between
from ..db import db, utcnow
from ..errors import PermissionDenied, ValidationError
from ..profiles.queries import mentor_profile
from ..validation import setting
from .models import REQUEST_OPEN, CheckIn, MentoringSession, Mentorship, MentorshipRequest
from .queries import active_mentee_count


def is_member(actor: User, row) -> bool:
    """The learner or the mentor of a request, mentorship or session themselves (not an admin)."""
    return actor.id in (row.learner_id, row.mentor_id)


def is_upcoming(s: MentoringSession, now: datetime | None = None) -> bool:
    """A booked session that has not started yet (the only kind that can be moved or cancelled)."""
    return s.is_booked and s.starts_at > (now or utcnow())


def add_cadence(dt: datetime, cadence: str) -> datetime:
    if cadence == "weekly":
        return dt + timedelta(days=7)
    if cadence == "biweekly":
        return dt + timedelta(days=14)
    month = dt.month + 1
    year = dt.year + (month > 12)
    month = month - 12 if month > 12 else month
    for day in (dt.day, 30, 29, 28):
        try:
            return dt.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def can_request(actor: User, mentor: User) -> str | None:
    """None when ``actor`` may send ``mentor`` a request now, else the reason why not."""
    if actor.id == mentor.id:
        return "You cannot ask yourself to be your mentor."
    if is_blocked_between(actor.id, mentor.id):
        return f"You cannot send {mentor.display_name} a request: one of you has blocked the other."
    profile = mentor_profile(mentor.id)
    if profile is None or mentor.is_deleted or not mentor.is_active:
        return f"{mentor.display_name} does not offer mentoring."
    if not profile.is_accepting:
        return f"{mentor.display_name} is not taking new mentees right now."
    if active_mentee_count(mentor.id) >= profile.capacity:
        return f"{mentor.display_name} has no free places at the moment."
    pair = (actor.id, mentor.id)
    if db.session.scalar(select(Mentorship.id).where(
            Mentorship.learner_id == actor.id, Mentorship.mentor_id == mentor.id, Mentorship.status == "active")):
        return f"{mentor.display_name} is already your mentor."
    if db.session.scalar(select(MentorshipRequest.id).where(
            MentorshipRequest.learner_id == pair[0], MentorshipRequest.mentor_id == pair[1],
            MentorshipRequest.status.in_(REQUEST_OPEN))):
        return f"You already have an open request with {mentor.display_name}."
    cutoff = utcnow() - timedelta(days=setting("MENTORING_DECLINE_COOLDOWN_DAYS"))
    if db.session.scalar(select(MentorshipRequest.id).where(
            MentorshipRequest.learner_id == pair[0], MentorshipRequest.mentor_id == pair[1],
            MentorshipRequest.status == "declined", MentorshipRequest.closed_at >= cutoff)):
        return (f"{mentor.display_name} declined a request from you recently. "
                "Try one of your other matches for now.")
    return None


_CLOSED = "This request has already been answered or closed."


def can_answer_request(actor: User, req: MentorshipRequest) -> str | None:
    """Accept, decline or ask: the mentor it was sent to, while it is open."""
    if actor.id != req.mentor_id:
        return "Only the mentor this request was sent to can answer it."
    return None if req.is_open else _CLOSED


def can_reply_request(actor: User, req: MentorshipRequest) -> str | None:
    """Answer the mentor's question: the learner who sent it, while it is open."""
    if actor.id != req.learner_id:
        return "Only the learner who sent this request can answer here."
    return None if req.is_open else _CLOSED


def can_withdraw_request(actor: User, req: MentorshipRequest) -> str | None:
    if actor.id != req.learner_id:
        return "Only the learner who sent this request can withdraw it."
    return None if req.is_open else _CLOSED


def can_change_mentorship(actor: User, m: Mentorship) -> str | None:
    """Add goals to a mentorship or end it: either of its two people, while it is active."""
    if not is_member(actor, m):
        return "Only the mentor and the learner can change this mentorship."
    return None if m.is_active else "This mentorship has ended."


def can_rate(actor: User, m: Mentorship, has_rated: bool) -> str | None:
    """Rate an ended mentorship: either of its two people, once (an active one is rated when ended)."""
    if not is_member(actor, m):
        return "Only the mentor and the learner can change this mentorship."
    if m.is_active:
        return "Rate a mentorship when you end it."
    return "You have already rated this mentorship." if has_rated else None


def can_book(actor: User, m: Mentorship) -> str | None:
    """None when ``actor`` may book a session in ``m``, else the reason: the learner books, while it is active."""
    if actor.id != m.learner_id:
        return "Only the learner in this mentorship can book its sessions."
    if not m.is_active:
        return "This mentorship has ended."
    return None


def can_fill_checkin(actor: User, c: CheckIn) -> str | None:
    """None when ``actor`` may fill in ``c``, else the reason: the learner, while it is open."""
    if actor.id != c.mentorship.learner_id:
        return "Only the learner fills in a check-in."
    if c.status != "open":
        return "This check-in is closed."
    return None


def can_respond_checkin(actor: User, c: CheckIn) -> str | None:
    """None when ``actor`` may respond to ``c``, else the reason: the mentor, once the learner filled it in."""
    if actor.id != c.mentorship.mentor_id:
        return "Only the mentor responds to a check-in."
    if c.status not in ("answered", "responded"):
        return "The learner has not filled in this check-in yet."
    return None


def can_check_in_now(actor: User, m: Mentorship, has_open: bool) -> str | None:
    """Open a check-in now (which restarts the cadence): either of its two people, while the
    mentorship is active and no check-in is waiting to be filled in."""
    if not is_member(actor, m):
        return "Only the mentor and the learner can open a check-in."
    if not m.is_active:
        return "This mentorship has ended."
    return "A check-in is already open: fill that one in first." if has_open else None


def is_kickoff(c: CheckIn) -> bool:
    """The check-in opened when the mentorship started: it asks for goals and first action items."""
    return c.due_at == c.mentorship.started_at


def refuse(reason: str | None, is_actor_wrong: bool, state_error=ValidationError) -> None:
    """Raise a can_* reason: the wrong person is refused (403), the wrong moment with ``state_error``."""
    if reason:
        raise PermissionDenied(reason) if is_actor_wrong else state_error(reason)
