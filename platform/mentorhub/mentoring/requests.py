"""Mentoring requests: a learner asks a mentor (or an admin offers a cohort pair); the mentor
accepts, declines or asks a question; the learner answers or withdraws. State changes are
conditional UPDATEs, so two answers at the same moment cannot both win.
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from .. import match_events
from ..accounts.models import User
from ..accounts.queries import is_blocked_between
from ..actors import is_admin
from ..db import db, utcnow
from ..errors import Conflict, PermissionDenied, ValidationError
from ..generations import user_changed
from ..notifications.notify import notify
from ..profiles.queries import learner_profile_of, mentor_profile
from ..urls import path_for
from ..validation import choice, setting
from .checkins import open_checkin
from .models import CADENCES, REQUEST_OPEN, Mentorship, MentorshipRequest, RequestMessage
from .queries import active_mentee_count, pair_excluded
from .rules import (
    add_cadence,
    can_answer_request,
    can_reply_request,
    can_request,
    can_withdraw_request,
    refuse,
)
from .writing import body_text, lock_mentor, lock_user


def _open_request_count(learner_id: int) -> int:
    return db.session.scalar(select(func.count(MentorshipRequest.id)).where(
        MentorshipRequest.learner_id == learner_id, MentorshipRequest.status.in_(REQUEST_OPEN))) or 0


def send_request(actor: User, mentor: User, goals: str, background: str = "", expectations: str = "",
                 cadence: str = "biweekly") -> MentorshipRequest:
    goals = body_text(goals, "goals", "your goals", required=True)
    background = body_text(background, "background", "your background")
    expectations = body_text(expectations, "expectations", "what you expect")
    cadence = choice(cadence, CADENCES, field="cadence", label="how often you would like to meet")
    lock_user(actor.id)
    reason = can_request(actor, mentor)
    if reason:
        raise ValidationError(reason)
    limit = setting("MENTORING_MAX_PENDING_REQUESTS")
    if _open_request_count(actor.id) >= limit:
        raise ValidationError(
            f"You already have {limit} open requests. Wait for an answer or withdraw one before asking someone else.")
    now = utcnow()
    req = MentorshipRequest(learner_id=actor.id, mentor_id=mentor.id, goals=goals, background=background,
                            expectations=expectations, cadence=cadence, created_at=now, updated_at=now)
    db.session.add(req)
    db.session.flush()
    notify(mentor, "mentorship_request", f"{actor.display_name} asks you to be their mentor",
           body=goals[:300], link=path_for("mentoring.request_detail", request_id=req.id), key=f"request:{req.id}:new")
    match_events.record(match_events.REQUEST_SENT, actor.id, mentor.id, at=now)
    db.session.commit()
    return req


def create_match_offer(actor: User, learner_user: User, mentor_user: User, reason: str = "") -> MentorshipRequest:
    """An admin's approved cohort pair becomes an offer; the mentor confirms it with accept."""
    if not is_admin(actor):
        raise PermissionDenied()
    if learner_user.id == mentor_user.id:
        raise ValidationError("A learner cannot be matched with themselves.")
    if mentor_profile(mentor_user.id) is None:
        raise ValidationError(f"{mentor_user.display_name} has no mentor profile.")
    if is_blocked_between(learner_user.id, mentor_user.id):
        raise Conflict(f"{learner_user.display_name} and {mentor_user.display_name} cannot be paired: "
                       "one of them has blocked the other.")
    if pair_excluded(learner_user.id, mentor_user.id):
        raise Conflict(f"{learner_user.display_name} and {mentor_user.display_name} already have an open request, "
                       "an active mentorship or a recent decline.")
    profile = learner_profile_of(learner_user)
    goals = (profile.goals or "") if profile is not None else ""
    now = utcnow()
    req = MentorshipRequest(learner_id=learner_user.id, mentor_id=mentor_user.id,
                            goals=goals[: setting("MENTORING_TEXT_MAX")] or "Suggested by the cohort matching.",
                            expectations=body_text(reason, "reason", "the reason"), cadence="biweekly",
                            is_offer=True, offered_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(req)
    db.session.flush()
    notify(mentor_user, "mentorship_request", f"Suggested mentee: {learner_user.display_name}",
           body="The community team suggests this pairing. Please accept or decline it.",
           link=path_for("mentoring.request_detail", request_id=req.id), key=f"request:{req.id}:offer")
    notify(learner_user, "mentorship_update", f"We suggested {mentor_user.display_name} as your mentor",
           body="They have been asked to confirm. You will hear back here.",
           link=path_for("mentoring.request_detail", request_id=req.id),
           key=f"request:{req.id}:offer-learner")
    db.session.commit()
    return req


def _require_mentor_of(actor: User, req: MentorshipRequest) -> None:
    refuse(can_answer_request(actor, req), actor.id != req.mentor_id, Conflict)


def _require_learner_of(actor: User, req: MentorshipRequest, rule) -> None:
    refuse(rule(actor, req), actor.id != req.learner_id, Conflict)


def _transition(req: MentorshipRequest, from_states: tuple[str, ...], **values) -> None:
    """Conditional UPDATE: fails with Conflict if another writer got there first."""
    values.setdefault("updated_at", utcnow())
    result = db.session.execute(
        update(MentorshipRequest)
        .where(MentorshipRequest.id == req.id, MentorshipRequest.status.in_(from_states))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("This request has already been answered or closed.")
    db.session.refresh(req)


def accept_request(actor: User, req: MentorshipRequest) -> Mentorship:
    _require_mentor_of(actor, req)
    profile = lock_mentor(req.mentor_id)
    lock_user(req.learner_id)
    db.session.refresh(req)
    _require_mentor_of(actor, req)  # again: another writer may have answered while we waited
    if profile is None:
        raise ValidationError("Set up your mentor profile before accepting mentees.")
    if is_blocked_between(req.learner_id, req.mentor_id):
        raise ValidationError("You cannot accept this request: one of you has blocked the other.")
    if active_mentee_count(req.mentor_id) >= profile.capacity:
        raise ValidationError(
            f"You are at your capacity of {profile.capacity} mentees. End a mentorship or raise your "
            "capacity in your mentor profile first.")
    if db.session.scalar(select(Mentorship.id).where(
            Mentorship.learner_id == req.learner_id, Mentorship.mentor_id == req.mentor_id,
            Mentorship.status == "active")):
        raise Conflict("You already mentor this person.")
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="accepted", responded_at=req.responded_at or now, closed_at=now)
    mentorship = Mentorship(learner_id=req.learner_id, mentor_id=req.mentor_id, request_id=req.id,
                            cadence=req.cadence, status="active", started_at=now,
                            next_checkin_at=add_cadence(now, req.cadence))
    db.session.add(mentorship)
    db.session.flush()
    learner = db.session.get(User, req.learner_id)
    # The first acceptance withdraws the learner's other open requests and tells those mentors.
    others = db.session.scalars(select(MentorshipRequest).where(
        MentorshipRequest.learner_id == req.learner_id, MentorshipRequest.id != req.id,
        MentorshipRequest.status.in_(REQUEST_OPEN))).all()
    for other in others:
        other.status, other.closed_at, other.updated_at = "withdrawn", now, now
        notify(db.session.get(User, other.mentor_id), "mentorship_request",
               f"{learner.display_name} found a mentor",
               body="Their request to you was withdrawn because another mentor accepted first.",
               link=path_for("mentoring.request_detail", request_id=other.id), key=f"request:{other.id}:withdrawn")
    open_checkin(mentorship, now, kickoff=True)
    notify(learner, "mentorship_update", f"{actor.display_name} accepted your request",
           body="Your mentorship has started. Fill in the kickoff check-in and book your first session.",
           link=path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id), key=f"request:{req.id}:accepted")
    user_changed(req.mentor_id)
    match_events.record(match_events.REQUEST_ACCEPTED, req.learner_id, req.mentor_id, at=now)
    db.session.commit()
    return mentorship


def decline_request(actor: User, req: MentorshipRequest, reason: str) -> MentorshipRequest:
    _require_mentor_of(actor, req)
    reason = body_text(reason, "reason", "a reason", required=True)
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="declined", decline_reason=reason,
                responded_at=req.responded_at or now, closed_at=now)
    notify(db.session.get(User, req.learner_id), "mentorship_update",
           f"{actor.display_name} declined your request",
           body=f"{reason}\n\nYour other matches are worth a look.", link=path_for("matching.matches"),
           key=f"request:{req.id}:declined")
    match_events.record(match_events.REQUEST_DECLINED, req.learner_id, req.mentor_id, at=now)
    db.session.commit()
    return req


def ask_for_info(actor: User, req: MentorshipRequest, message: str) -> RequestMessage:
    _require_mentor_of(actor, req)
    body = body_text(message, "message", "your question", required=True)
    now = utcnow()
    _transition(req, ("pending",), status="info_requested", responded_at=req.responded_at or now)
    msg = RequestMessage(request_id=req.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(msg)
    db.session.flush()
    notify(db.session.get(User, req.learner_id), "mentorship_update",
           f"{actor.display_name} would like to know more", body=body[:300],
           link=path_for("mentoring.request_detail", request_id=req.id),
           key=f"request-message:{msg.id}")
    db.session.commit()
    return msg


def reply_to_request(actor: User, req: MentorshipRequest, message: str) -> RequestMessage:
    _require_learner_of(actor, req, can_reply_request)
    body = body_text(message, "message", "your answer", required=True)
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="pending")
    msg = RequestMessage(request_id=req.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(msg)
    db.session.flush()
    notify(db.session.get(User, req.mentor_id), "mentorship_request",
           f"{actor.display_name} answered your question", body=body[:300],
           link=path_for("mentoring.request_detail", request_id=req.id),
           key=f"request-message:{msg.id}")
    db.session.commit()
    return msg


def withdraw_request(actor: User, req: MentorshipRequest) -> MentorshipRequest:
    _require_learner_of(actor, req, can_withdraw_request)
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="withdrawn", closed_at=now)
    notify(db.session.get(User, req.mentor_id), "mentorship_request",
           f"{actor.display_name} withdrew their request", link=path_for("mentoring.request_detail", request_id=req.id),
           key=f"request:{req.id}:withdrawn")
    db.session.commit()
    return req


# ---- for reports ----


def hide_message(message_id: int, notice: str) -> None:
    """Moderation: the message's text gives way to ``notice`` (no commit: the caller's)."""
    db.session.execute(update(RequestMessage).where(RequestMessage.id == message_id).values(body=notice))
