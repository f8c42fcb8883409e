"""Mentoring: every write and every permission check for requests, mentorships, sessions and
check-ins, plus the read interfaces other features use (matching, calendars).

Concurrency: capacity and bookings are decided under a lock. On SQLite every transaction
starts with BEGIN IMMEDIATE (db.py), which serialises writers; on PostgreSQL the mentor's
profile row (and the learner's user row) are locked with SELECT … FOR UPDATE before the
checks run. A unique (mentor_id, slot_starts_at) constraint backs the overlap check up.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, bindparam, delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..accounts.queries import is_blocked_between
from ..db import UTCDateTime, db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..generations import user_changed
from ..notifications.notify import notify
from ..profiles.models import MentorProfile
from ..timeutil import format_local, zone
from ..validation import is_in_window
from .models import (
    CADENCES,
    REQUEST_OPEN,
    ActionItem,
    CheckIn,
    MentoringSession,
    Mentorship,
    MentorshipGoal,
    MentorshipRating,
    MentorshipRequest,
    PublishedMentorRating,
    RequestMessage,
    SessionNote,
)

log = logging.getLogger(__name__)
UTC = timezone.utc
TIME_FMT = "%a %d %b %Y, %H:%M %Z"


def cfg(name: str):
    return current_app.config[name]


# ---- links (plain paths: sweeps run without a request context) ---------------------------


def request_link(req_id: int) -> str:
    return f"/requests/{req_id}"


def mentorship_link(mentorship_id: int) -> str:
    return f"/mentorships/{mentorship_id}"


def session_link(session_id: int) -> str:
    return f"/sessions/{session_id}"


def checkin_link(checkin_id: int) -> str:
    return f"/checkins/{checkin_id}"


def matches_link() -> str:
    return "/matches" if "matching.matches" in current_app.view_functions else "/mentors"


# ---- small helpers ---------------------------------------------------------------------------


def _text(value: str | None, field: str, label: str, required: bool = False, limit: str = "MENTORING_TEXT_MAX") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Please fill in {label}.", field=field)
    maximum = cfg(limit)
    if len(value) > maximum:
        raise ValidationError(f"{label[0].upper() + label[1:]} can be at most {maximum} characters.", field=field)
    return value


def _title(value: str | None, field: str = "title", label: str = "a title") -> str:
    value = " ".join((value or "").split())
    return _text(value, field, label, required=True, limit="MENTORING_TITLE_MAX")


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _lock_mentor(mentor_id: int) -> MentorProfile | None:
    """The mentor's profile, locked for this transaction on PostgreSQL (SQLite: BEGIN IMMEDIATE)."""
    stmt = select(MentorProfile).where(MentorProfile.user_id == mentor_id).execution_options(populate_existing=True)
    if _is_postgres():
        stmt = stmt.with_for_update()
    profile = db.session.scalar(stmt)
    if profile is None and _is_postgres():
        db.session.execute(select(User.id).where(User.id == mentor_id).with_for_update())
    return profile


def _lock_user(user_id: int) -> None:
    if _is_postgres():
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _when(dt: datetime, user: User) -> str:
    return format_local(dt, user.timezone, TIME_FMT)


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


def active_mentee_count(mentor_id: int) -> int:
    return db.session.scalar(
        select(func.count(Mentorship.id)).where(Mentorship.mentor_id == mentor_id, Mentorship.status == "active")
    ) or 0


def active_mentor_user_ids(learner: User) -> list[int]:
    """User ids of the learner's mentors in active mentorships."""
    return list(db.session.scalars(select(Mentorship.mentor_id).where(
        Mentorship.learner_id == learner.id, Mentorship.status == "active").order_by(Mentorship.started_at)))


def mentor_profile(mentor_id: int) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == mentor_id))


# ---- requests --------------------------------------------------------------------------------


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
    cutoff = utcnow() - timedelta(days=cfg("MENTORING_DECLINE_COOLDOWN_DAYS"))
    if db.session.scalar(select(MentorshipRequest.id).where(
            MentorshipRequest.learner_id == pair[0], MentorshipRequest.mentor_id == pair[1],
            MentorshipRequest.status == "declined", MentorshipRequest.closed_at >= cutoff)):
        return (f"{mentor.display_name} declined a request from you recently. "
                "Try one of your other matches for now.")
    return None


def _open_request_count(learner_id: int) -> int:
    return db.session.scalar(select(func.count(MentorshipRequest.id)).where(
        MentorshipRequest.learner_id == learner_id, MentorshipRequest.status.in_(REQUEST_OPEN))) or 0


def send_request(actor: User, mentor: User, goals: str, background: str = "", expectations: str = "",
                 cadence: str = "biweekly") -> MentorshipRequest:
    goals = _text(goals, "goals", "your goals", required=True)
    background = _text(background, "background", "your background")
    expectations = _text(expectations, "expectations", "what you expect")
    if cadence not in CADENCES:
        raise ValidationError("Choose how often you would like to meet.", field="cadence")
    _lock_user(actor.id)
    reason = can_request(actor, mentor)
    if reason:
        raise ValidationError(reason)
    limit = cfg("MENTORING_MAX_PENDING_REQUESTS")
    if _open_request_count(actor.id) >= limit:
        raise ValidationError(
            f"You already have {limit} open requests. Wait for an answer or withdraw one before asking someone else.")
    now = utcnow()
    req = MentorshipRequest(learner_id=actor.id, mentor_id=mentor.id, goals=goals, background=background,
                            expectations=expectations, cadence=cadence, created_at=now, updated_at=now)
    db.session.add(req)
    db.session.flush()
    notify(mentor, "mentorship_request", f"{actor.display_name} asks you to be their mentor",
           body=goals[:300], link=request_link(req.id), key=f"request:{req.id}:new")
    db.session.commit()
    return req


def create_match_offer(actor: User, learner_user: User, mentor_user: User, reason: str = "") -> MentorshipRequest:
    """An admin's approved cohort pair becomes an offer; the mentor confirms it with accept."""
    if not actor.is_admin:
        raise PermissionDenied()
    if learner_user.id == mentor_user.id:
        raise ValidationError("A learner cannot be matched with themselves.")
    if mentor_profile(mentor_user.id) is None:
        raise ValidationError(f"{mentor_user.display_name} has no mentor profile.")
    if is_blocked_between(learner_user.id, mentor_user.id):
        raise Conflict(f"{learner_user.display_name} and {mentor_user.display_name} cannot be paired: "
                       "one of them has blocked the other.")
    if _pair_excluded(learner_user.id, mentor_user.id):
        raise Conflict(f"{learner_user.display_name} and {mentor_user.display_name} already have an open request, "
                       "an active mentorship or a recent decline.")
    from ..profiles.services import learner_profile_of

    profile = learner_profile_of(learner_user)
    goals = (profile.goals or "") if profile is not None else ""
    now = utcnow()
    req = MentorshipRequest(learner_id=learner_user.id, mentor_id=mentor_user.id,
                            goals=goals[: cfg("MENTORING_TEXT_MAX")] or "Suggested by the cohort matching.",
                            expectations=_text(reason, "reason", "the reason"), cadence="biweekly",
                            is_offer=True, offered_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(req)
    db.session.flush()
    notify(mentor_user, "mentorship_request", f"Suggested mentee: {learner_user.display_name}",
           body="The community team suggests this pairing. Please accept or decline it.",
           link=request_link(req.id), key=f"request:{req.id}:offer")
    notify(learner_user, "mentorship_update", f"We suggested {mentor_user.display_name} as your mentor",
           body="They have been asked to confirm. You will hear back here.", link=request_link(req.id),
           key=f"request:{req.id}:offer-learner")
    db.session.commit()
    return req


def _pair_loads():
    """What the pages of a request, mentorship or session show, loaded with the row (never from a template)."""
    people = (joinedload(Mentorship.learner), joinedload(Mentorship.mentor))
    return {
        MentorshipRequest: (joinedload(MentorshipRequest.learner), joinedload(MentorshipRequest.mentor),
                            selectinload(MentorshipRequest.messages).joinedload(RequestMessage.author)),
        Mentorship: (*people, selectinload(Mentorship.goals)),
        MentoringSession: (joinedload(MentoringSession.mentorship).options(*people),),
        CheckIn: (joinedload(CheckIn.mentorship).options(*people),),
    }


def _get_for_pair(actor: User, model, row_id: int, missing: str):
    """A request, mentorship or session by id, visible to its learner, its mentor and admins."""
    row = db.session.get(model, row_id, options=_pair_loads()[model])
    if row is None:
        raise NotFound(missing)
    if actor.id not in (row.learner_id, row.mentor_id) and not actor.is_admin:
        raise PermissionDenied()
    return row


def _require_pair(actor: User, row, message: str) -> None:
    """Only the learner and the mentor themselves (not an admin) may change ``row``."""
    if actor.id not in (row.learner_id, row.mentor_id):
        raise PermissionDenied(message)


def get_request(actor: User, request_id: int) -> MentorshipRequest:
    return _get_for_pair(actor, MentorshipRequest, request_id, "No such request.")


def _require_mentor_of(actor: User, req: MentorshipRequest) -> None:
    if actor.id != req.mentor_id:
        raise PermissionDenied("Only the mentor this request was sent to can answer it.")


def _require_open(req: MentorshipRequest) -> None:
    if not req.is_open:
        raise Conflict("This request has already been answered or closed.")


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
    profile = _lock_mentor(req.mentor_id)
    _lock_user(req.learner_id)
    db.session.refresh(req)
    _require_open(req)
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
               link=request_link(other.id), key=f"request:{other.id}:withdrawn")
    notify(learner, "mentorship_update", f"{actor.display_name} accepted your request",
           body="Your mentorship has started. Book your first session from the mentorship page.",
           link=mentorship_link(mentorship.id), key=f"request:{req.id}:accepted")
    user_changed(req.mentor_id)
    db.session.commit()
    return mentorship


def decline_request(actor: User, req: MentorshipRequest, reason: str) -> MentorshipRequest:
    _require_mentor_of(actor, req)
    reason = _text(reason, "reason", "a reason", required=True)
    _require_open(req)
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="declined", decline_reason=reason,
                responded_at=req.responded_at or now, closed_at=now)
    notify(db.session.get(User, req.learner_id), "mentorship_update",
           f"{actor.display_name} declined your request",
           body=f"{reason}\n\nYour other matches are worth a look.", link=matches_link(),
           key=f"request:{req.id}:declined")
    db.session.commit()
    return req


def ask_for_info(actor: User, req: MentorshipRequest, message: str) -> RequestMessage:
    _require_mentor_of(actor, req)
    body = _text(message, "message", "your question", required=True)
    _require_open(req)
    now = utcnow()
    _transition(req, ("pending",), status="info_requested", responded_at=req.responded_at or now)
    msg = RequestMessage(request_id=req.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(msg)
    db.session.flush()
    notify(db.session.get(User, req.learner_id), "mentorship_update",
           f"{actor.display_name} would like to know more", body=body[:300], link=request_link(req.id),
           key=f"request-message:{msg.id}")
    db.session.commit()
    return msg


def reply_to_request(actor: User, req: MentorshipRequest, message: str) -> RequestMessage:
    if actor.id != req.learner_id:
        raise PermissionDenied("Only the learner who sent this request can answer here.")
    body = _text(message, "message", "your answer", required=True)
    _require_open(req)
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="pending")
    msg = RequestMessage(request_id=req.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(msg)
    db.session.flush()
    notify(db.session.get(User, req.mentor_id), "mentorship_request",
           f"{actor.display_name} answered your question", body=body[:300], link=request_link(req.id),
           key=f"request-message:{msg.id}")
    db.session.commit()
    return msg


def withdraw_request(actor: User, req: MentorshipRequest) -> MentorshipRequest:
    if actor.id != req.learner_id:
        raise PermissionDenied("Only the learner who sent this request can withdraw it.")
    _require_open(req)
    now = utcnow()
    _transition(req, REQUEST_OPEN, status="withdrawn", closed_at=now)
    notify(db.session.get(User, req.mentor_id), "mentorship_request",
           f"{actor.display_name} withdrew their request", link=request_link(req.id),
           key=f"request:{req.id}:withdrawn")
    db.session.commit()
    return req


# ---- mentorships ------------------------------------------------------------------------------


def get_mentorship(actor: User, mentorship_id: int) -> Mentorship:
    return _get_for_pair(actor, Mentorship, mentorship_id, "No such mentorship.")


def _require_member(actor: User, m: Mentorship) -> None:
    _require_pair(actor, m, "Only the mentor and the learner can change this mentorship.")


def _require_active(m: Mentorship) -> None:
    if not m.is_active:
        raise ValidationError("This mentorship has ended.")


def add_goal(actor: User, m: Mentorship, title: str) -> MentorshipGoal:
    _require_member(actor, m)
    _require_active(m)
    title = _title(title, "title", "the goal")
    count = db.session.scalar(select(func.count(MentorshipGoal.id)).where(MentorshipGoal.mentorship_id == m.id))
    if count >= cfg("MENTORING_GOALS_MAX"):
        raise ValidationError(f"A mentorship can have at most {cfg('MENTORING_GOALS_MAX')} goals.", field="title")
    goal = MentorshipGoal(mentorship_id=m.id, title=title, created_by_id=actor.id, created_at=utcnow())
    db.session.add(goal)
    db.session.commit()
    return goal


def _set_done(actor: User, model, row_id: int, done: bool, missing: str):
    """Tick or untick a goal or an action item; only the mentorship's two people may."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    _require_member(actor, get_mentorship(actor, row.mentorship_id))
    row.is_done = bool(done)
    row.done_at = utcnow() if done else None
    db.session.commit()
    return row


def set_goal_done(actor: User, goal_id: int, done: bool) -> MentorshipGoal:
    return _set_done(actor, MentorshipGoal, goal_id, done, "No such goal.")


def _rate(actor: User, m: Mentorship, score, comment: str) -> MentorshipRating:
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationError("Give a rating from 1 to 5.", field="score") from None
    if not 1 <= score <= 5:
        raise ValidationError("Give a rating from 1 to 5.", field="score")
    comment = _text(comment, "comment", "your comment")
    if db.session.scalar(select(MentorshipRating.id).where(
            MentorshipRating.mentorship_id == m.id, MentorshipRating.rater_id == actor.id)):
        raise Conflict("You have already rated this mentorship.")
    is_learner = actor.id == m.learner_id
    rating = MentorshipRating(mentorship_id=m.id, rater_id=actor.id,
                              ratee_id=m.mentor_id if is_learner else m.learner_id,
                              ratee_role="mentor" if is_learner else "learner", score=score, comment=comment,
                              created_at=utcnow())
    db.session.add(rating)
    if rating.ratee_role == "mentor":
        db.session.flush()
        _publish_mentor_rating(rating.ratee_id)
    return rating


def half_points(average: float) -> int:
    """``average`` rounded to the nearest half point, in halves (4.24 -> 8, 4.25 -> 9)."""
    return int(average * 2 + 0.5)


def _publish_mentor_rating(mentor_id: int) -> None:
    """Publish a new average only once MENTORING_RATING_PUBLISH_EVERY ratings have arrived since
    the last publication (the first after MENTORING_RATING_MIN_COUNT), rounded to half points."""
    avg, count = db.session.execute(
        select(func.avg(MentorshipRating.score), func.count(MentorshipRating.id))
        .where(MentorshipRating.ratee_id == mentor_id, MentorshipRating.ratee_role == "mentor")).one()
    values = {"average_halves": half_points(float(avg or 0)), "rating_count": int(count), "published_at": utcnow()}
    published = db.session.scalar(select(PublishedMentorRating).where(PublishedMentorRating.mentor_id == mentor_id))
    if published is None:
        if count < max(cfg("MENTORING_RATING_MIN_COUNT"), cfg("MENTORING_RATING_PUBLISH_EVERY")):
            return
        try:
            with db.session.begin_nested():
                db.session.add(PublishedMentorRating(mentor_id=mentor_id, **values))
        except IntegrityError:  # a rating given at the same moment published first; that one stands
            pass
    elif count - published.rating_count >= cfg("MENTORING_RATING_PUBLISH_EVERY"):
        for name, value in values.items():
            setattr(published, name, value)


def end_mentorship(actor: User, m: Mentorship, score, comment: str = "", rematch: bool = False) -> Mentorship:
    """Either side ends it, with a private rating. ``rematch``: the learner asks for a different mentor."""
    _require_member(actor, m)
    _require_active(m)
    if rematch and actor.id != m.learner_id:
        raise PermissionDenied("Only the learner can ask for a different mentor.")
    _rate(actor, m, score, comment)
    now = utcnow()
    result = db.session.execute(update(Mentorship).where(Mentorship.id == m.id, Mentorship.status == "active")
                                .values(status="ended", ended_at=now, ended_by_id=actor.id,
                                        is_rematch_requested=bool(rematch), next_checkin_at=None)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict("This mentorship has already ended.")
    db.session.refresh(m)
    for s in db.session.scalars(select(MentoringSession).where(
            MentoringSession.mentorship_id == m.id, MentoringSession.status == "booked",
            MentoringSession.starts_at > now)):
        _cancel(s, actor, "The mentorship ended.", now)
    other = m.other(actor.id)
    body = "You can leave a private rating on the mentorship page."
    if rematch:
        body = "They asked to be matched with a different mentor. " + body
    notify(other, "mentorship_update", f"{actor.display_name} ended your mentorship", body=body,
           link=mentorship_link(m.id), key=f"mentorship:{m.id}:ended")
    user_changed(m.mentor_id)
    db.session.commit()
    return m


def rate_ended_mentorship(actor: User, m: Mentorship, score, comment: str = "") -> MentorshipRating:
    _require_member(actor, m)
    if m.is_active:
        raise ValidationError("Rate a mentorship when you end it.")
    rating = _rate(actor, m, score, comment)
    db.session.commit()
    return rating


def my_rating(actor: User, m: Mentorship) -> MentorshipRating | None:
    return db.session.scalar(select(MentorshipRating).where(
        MentorshipRating.mentorship_id == m.id, MentorshipRating.rater_id == actor.id))


def mentor_rating_summary(mentor_user_id: int) -> dict | None:
    """{"average": 4.5, "count": 6}: the last published average (half points) and the number of
    ratings it counts; None before the first publication (privacy, see _publish_mentor_rating)."""
    row = db.session.execute(
        select(PublishedMentorRating.average_halves, PublishedMentorRating.rating_count)
        .where(PublishedMentorRating.mentor_id == mentor_user_id)).one_or_none()
    if row is None:
        return None
    return {"average": row.average_halves / 2, "count": row.rating_count}


# ---- availability and sessions ---------------------------------------------------------------


def _windows(user: User) -> list[tuple[int, int, int]]:
    from ..profiles.services import windows_of

    return windows_of(user)


def session_minutes(mentor_id: int) -> int:
    profile = mentor_profile(mentor_id)
    return int(profile.session_minutes) if profile is not None and profile.session_minutes else 60


def availability_intervals(mentor: User, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The mentor's free windows as UTC intervals overlapping [start, end), DST-correct per week."""
    from ..profiles.availability import merge, monday_of, utc_intervals

    windows = _windows(mentor)
    if not windows:
        return []
    tz = zone(mentor.timezone)
    week = monday_of(start.astimezone(tz).date()) - timedelta(days=7)
    last = end.astimezone(tz).date() + timedelta(days=7)
    out = []
    while week <= last:
        out.extend(i for i in utc_intervals(windows, mentor.timezone, week) if i[1] > start and i[0] < end)
        week += timedelta(days=7)
    return merge(out)


def _busy(mentor_id: int, learner_id: int, start: datetime, end: datetime, exclude_id: int | None = None):
    stmt = select(MentoringSession.starts_at, MentoringSession.ends_at).where(
        MentoringSession.status == "booked",
        or_(MentoringSession.mentor_id == mentor_id, MentoringSession.learner_id == learner_id,
            MentoringSession.mentor_id == learner_id, MentoringSession.learner_id == mentor_id),
        MentoringSession.starts_at < end, MentoringSession.ends_at > start)
    if exclude_id is not None:
        stmt = stmt.where(MentoringSession.id != exclude_id)
    return db.session.execute(stmt).all()


def available_slots(m: Mentorship, now: datetime | None = None, exclude_session_id: int | None = None):
    """Bookable (start, end) UTC slots: in the mentor's windows, in slots of their session length,
    after the minimum notice and within the booking horizon, free for both people."""
    now = now or utcnow()
    earliest = now + timedelta(hours=cfg("MENTORING_MIN_NOTICE_HOURS"))
    latest = now + timedelta(days=cfg("MENTORING_BOOKING_HORIZON_DAYS"))
    length = timedelta(minutes=session_minutes(m.mentor_id))
    busy = _busy(m.mentor_id, m.learner_id, earliest, latest, exclude_session_id)
    slots = []
    for start, end in availability_intervals(m.mentor, earliest, latest):
        t = start
        while t + length <= end:
            if t >= earliest and t + length <= latest and not any(b0 < t + length and b1 > t for b0, b1 in busy):
                slots.append((t, t + length))
            t += length
    return slots


def _check_slot(m: Mentorship, starts_at: datetime, now: datetime) -> datetime:
    if starts_at.tzinfo is None:
        raise ValidationError("Choose a time slot from the list.", field="starts_at")
    if not is_in_window(starts_at, today=now.date()):  # a tampered value, e.g. near year 1 or 9999
        raise ValidationError("Choose a time slot from the list.", field="starts_at")
    minutes = session_minutes(m.mentor_id)
    length = timedelta(minutes=minutes)
    starts_at = starts_at.astimezone(UTC)
    ends_at = starts_at + length
    if starts_at <= now:
        raise ValidationError("That time is in the past. Choose a slot from the list.", field="starts_at")
    notice = cfg("MENTORING_MIN_NOTICE_HOURS")
    if starts_at < now + timedelta(hours=notice):
        raise ValidationError(f"Sessions need at least {notice} hours' notice. Choose a later slot.",
                              field="starts_at")
    latest = now + timedelta(days=cfg("MENTORING_BOOKING_HORIZON_DAYS"))
    if ends_at > latest:
        raise ValidationError("That slot is too far ahead. Choose one from the list.", field="starts_at")
    # The same windows (and so the same slot grid) as available_slots() offers.
    window = next((a for a, b in availability_intervals(m.mentor, now + timedelta(hours=notice), latest)
                   if a <= starts_at and ends_at <= b), None)
    if window is None:
        raise ValidationError(f"That time is outside {m.mentor.display_name}'s availability.", field="starts_at")
    if (starts_at - window) % length:
        raise ValidationError(f"Sessions start on the {minutes}-minute slots in the list. "
                              "Choose one of them.", field="starts_at")
    return ends_at


def _check_free(m: Mentorship, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None) -> None:
    if _busy(m.mentor_id, m.learner_id, starts_at, ends_at, exclude_id):
        raise Conflict("That slot overlaps another session. Choose a different slot.")


def can_book(actor: User, m: Mentorship) -> str | None:
    """None when ``actor`` may book a session in ``m``, else the reason: the learner books, while it is active."""
    if actor.id != m.learner_id:
        return "Only the learner in this mentorship can book its sessions."
    if not m.is_active:
        return "This mentorship has ended."
    return None


def _refuse(reason: str | None, is_actor_wrong: bool, state_error=ValidationError) -> None:
    """Raise a can_* reason: the wrong person is refused (403), the wrong moment with ``state_error``."""
    if reason:
        raise PermissionDenied(reason) if is_actor_wrong else state_error(reason)


def book_session(actor: User, m: Mentorship, starts_at: datetime, agenda: str = "") -> MentoringSession:
    _refuse(can_book(actor, m), actor.id != m.learner_id)
    agenda = _text(agenda, "agenda", "the agenda")
    now = utcnow()
    ends_at = _check_slot(m, starts_at, now)
    starts_at = starts_at.astimezone(UTC)
    _lock_mentor(m.mentor_id)
    _lock_user(m.learner_id)
    _check_free(m, starts_at, ends_at)
    s = MentoringSession(mentorship_id=m.id, mentor_id=m.mentor_id, learner_id=m.learner_id, starts_at=starts_at,
                         ends_at=ends_at, slot_starts_at=starts_at, agenda=agenda, booked_by_id=actor.id,
                         created_at=now, updated_at=now)
    db.session.add(s)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Someone booked that slot a moment ago. Choose a different slot.") from None
    notify(m.mentor, "mentorship_update", f"{actor.display_name} booked a session",
           body=f"{_when(starts_at, m.mentor)} ({m.mentor.timezone})", link=session_link(s.id),
           key=f"session:{s.id}:booked")
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Someone booked that slot a moment ago. Choose a different slot.") from None
    send_session_reminders(now, session_ids=[s.id])  # a session inside the reminder window gets it now
    return s


def get_session(actor: User, session_id: int) -> MentoringSession:
    return _get_for_pair(actor, MentoringSession, session_id, "No such session.")


def _require_session_member(actor: User, s: MentoringSession) -> None:
    _require_pair(actor, s, "Only the two people in this session can change it.")


def reschedule_session(actor: User, s: MentoringSession, starts_at: datetime) -> MentoringSession:
    _require_session_member(actor, s)
    m = s.mentorship
    _require_active(m)
    now = utcnow()
    if not s.is_booked or s.starts_at <= now:
        raise ValidationError("Only upcoming sessions can be moved.")
    old = s.starts_at
    ends_at = _check_slot(m, starts_at, now)
    starts_at = starts_at.astimezone(UTC)
    _lock_mentor(m.mentor_id)
    _lock_user(m.learner_id)
    _check_free(m, starts_at, ends_at, exclude_id=s.id)
    s.starts_at, s.ends_at, s.slot_starts_at = starts_at, ends_at, starts_at
    s.sequence += 1
    s.reminders_sent = ""
    s.updated_at = now
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Someone booked that slot a moment ago. Choose a different slot.") from None
    other = m.other(actor.id)
    notify(other, "mentorship_update", f"{actor.display_name} moved your session",
           body=f"From {_when(old, other)} to {_when(starts_at, other)}.", link=session_link(s.id),
           key=f"session:{s.id}:moved:{s.sequence}")
    db.session.commit()
    send_session_reminders(now, session_ids=[s.id])
    return s


def _cancel(s: MentoringSession, actor: User, reason: str, now: datetime) -> None:
    s.status, s.slot_starts_at, s.cancelled_at = "cancelled", None, now
    s.cancelled_by_id, s.cancel_reason, s.updated_at = actor.id, reason, now
    s.sequence += 1


def cancel_session(actor: User, s: MentoringSession, reason: str = "") -> MentoringSession:
    _require_session_member(actor, s)
    reason = _text(reason, "reason", "the reason")
    now = utcnow()
    if not s.is_booked:
        raise Conflict("This session is already cancelled.")
    if s.starts_at <= now:
        raise ValidationError("This session has already started.")
    _cancel(s, actor, reason, now)
    other = s.mentorship.other(actor.id)
    notify(other, "mentorship_update", f"{actor.display_name} cancelled your session",
           body=f"{_when(s.starts_at, other)}." + (f"\n\n{reason}" if reason else ""),
           link=mentorship_link(s.mentorship_id), key=f"session:{s.id}:cancelled")
    db.session.commit()
    return s


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise ValidationError("Enter a meeting link that starts with https://.", field="meeting_url")
    return url


def update_session_details(actor: User, s: MentoringSession, agenda: str, meeting_url: str) -> MentoringSession:
    _require_session_member(actor, s)
    s.agenda = _text(agenda, "agenda", "the agenda")
    s.meeting_url = _clean_url(meeting_url)
    s.updated_at = utcnow()
    s.sequence += 1
    db.session.commit()
    return s


def note_of(actor: User, s: MentoringSession) -> SessionNote | None:
    """The actor's own private note; nobody else's is ever returned."""
    return db.session.scalar(select(SessionNote).where(SessionNote.session_id == s.id,
                                                       SessionNote.author_id == actor.id))


def save_note(actor: User, s: MentoringSession, body: str) -> SessionNote:
    _require_session_member(actor, s)
    body = _text(body, "body", "your note")
    note = note_of(actor, s)
    if note is None:
        note = SessionNote(session_id=s.id, author_id=actor.id)
        db.session.add(note)
    note.body, note.updated_at = body, utcnow()
    db.session.commit()
    return note


def add_action_item(actor: User, s: MentoringSession, title: str) -> ActionItem:
    _require_session_member(actor, s)
    title = _title(title, "title", "the action item")
    item = ActionItem(mentorship_id=s.mentorship_id, session_id=s.id, title=title, created_by_id=actor.id,
                      created_at=utcnow())
    db.session.add(item)
    db.session.commit()
    return item


def set_action_done(actor: User, item_id: int, done: bool) -> ActionItem:
    return _set_done(actor, ActionItem, item_id, done, "No such action item.")


def action_items(m: Mentorship, session_id: int | None = None, open_only: bool = False) -> list[ActionItem]:
    stmt = select(ActionItem).where(ActionItem.mentorship_id == m.id)
    if session_id is not None:
        stmt = stmt.where(ActionItem.session_id == session_id)
    if open_only:
        stmt = stmt.where(ActionItem.is_done.is_(False))
    return list(db.session.scalars(stmt.order_by(ActionItem.created_at, ActionItem.id)))


def sessions_of(m: Mentorship) -> list[MentoringSession]:
    return list(db.session.scalars(select(MentoringSession).where(MentoringSession.mentorship_id == m.id)
                                   .order_by(MentoringSession.starts_at.desc())))


# ---- check-ins --------------------------------------------------------------------------------


def get_checkin(actor: User, checkin_id: int) -> CheckIn:
    c = db.session.get(CheckIn, checkin_id, options=_pair_loads()[CheckIn])
    if c is None:
        raise NotFound("No such check-in.")
    get_mentorship(actor, c.mentorship_id)
    return c


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


def submit_checkin(actor: User, c: CheckIn, progress: str, blockers: str = "", next_steps: str = "") -> CheckIn:
    m = c.mentorship
    _refuse(can_fill_checkin(actor, c), actor.id != m.learner_id, Conflict)
    progress = _text(progress, "progress", "your progress", required=True)
    blockers = _text(blockers, "blockers", "your blockers")
    next_steps = _text(next_steps, "next_steps", "your next steps")
    c.progress, c.blockers, c.next_steps = progress, blockers, next_steps
    c.status, c.submitted_at = "answered", utcnow()
    notify(m.mentor, "checkin", f"{actor.display_name} filled in a check-in", body=progress[:300],
           link=checkin_link(c.id), key=f"checkin:{c.id}:answered")
    db.session.commit()
    return c


def respond_checkin(actor: User, c: CheckIn, response: str) -> CheckIn:
    m = c.mentorship
    _refuse(can_respond_checkin(actor, c), actor.id != m.mentor_id, Conflict)
    response = _text(response, "response", "your response", required=True)
    c.mentor_response, c.status, c.responded_at = response, "responded", utcnow()
    notify(m.learner, "checkin", f"{actor.display_name} responded to your check-in", body=response[:300],
           link=checkin_link(c.id), key=f"checkin:{c.id}:responded:{int(c.responded_at.timestamp())}")
    db.session.commit()
    return c


def carried_items(c: CheckIn) -> list[ActionItem]:
    """The mentorship's open action items that existed when the check-in was filled in (or now)."""
    cutoff = c.submitted_at or utcnow()
    return [i for i in action_items(c.mentorship, open_only=True) if i.created_at <= cutoff]


def checkins_of(m: Mentorship) -> list[CheckIn]:
    return list(db.session.scalars(select(CheckIn).where(CheckIn.mentorship_id == m.id).order_by(CheckIn.due_at)))


def checkin_streak(checkins: list[CheckIn]) -> int:
    """Answered check-ins in a row, counting back from the newest closed one (open ones are skipped)."""
    streak = 0
    for c in reversed(checkins):
        if c.status == "open":
            continue
        if c.status in ("answered", "responded"):
            streak += 1
        else:
            break
    return streak


# ---- lists for pages -------------------------------------------------------------------------


def requests_for(actor: User) -> dict[str, list[MentorshipRequest]]:
    sent = db.session.scalars(select(MentorshipRequest).where(MentorshipRequest.learner_id == actor.id)
                              .options(joinedload(MentorshipRequest.mentor))
                              .order_by(MentorshipRequest.created_at.desc()).limit(50)).all()
    received = db.session.scalars(select(MentorshipRequest).where(MentorshipRequest.mentor_id == actor.id)
                                  .options(joinedload(MentorshipRequest.learner))
                                  .order_by(MentorshipRequest.status.in_(REQUEST_OPEN).desc(),
                                            MentorshipRequest.created_at.desc()).limit(50)).all()
    return {"sent": list(sent), "received": list(received)}


def mentorships_for(actor: User) -> list[Mentorship]:
    return list(db.session.scalars(select(Mentorship).where(
        or_(Mentorship.learner_id == actor.id, Mentorship.mentor_id == actor.id))
        .options(joinedload(Mentorship.learner), joinedload(Mentorship.mentor))
        .order_by((Mentorship.status == "active").desc(), Mentorship.started_at.desc())))


def upcoming_sessions(actor: User, now: datetime | None = None, limit: int = 20) -> list[MentoringSession]:
    now = now or utcnow()
    return list(db.session.scalars(select(MentoringSession).where(
        or_(MentoringSession.learner_id == actor.id, MentoringSession.mentor_id == actor.id),
        MentoringSession.status == "booked", MentoringSession.ends_at > now)
        .options(joinedload(MentoringSession.learner), joinedload(MentoringSession.mentor))
        .order_by(MentoringSession.starts_at).limit(limit)))


def open_checkins_select(actor: User):
    """Check-ins waiting for ``actor`` (open ones as learner, answered ones as mentor), soonest
    first: the statement, for callers that pick their own columns."""
    return select(CheckIn).join(Mentorship, Mentorship.id == CheckIn.mentorship_id).where(
        or_(and_(Mentorship.learner_id == actor.id, CheckIn.status == "open"),
            and_(Mentorship.mentor_id == actor.id, CheckIn.status == "answered"))).order_by(CheckIn.due_at)


def open_checkins_for(actor: User) -> list[CheckIn]:
    return list(db.session.scalars(open_checkins_select(actor).limit(20)))


# ---- interfaces for matching -------------------------------------------------------------------


def exclusion_selects(user_id=None, cutoff=None) -> list:
    """The statements of (learner_user_id, mentor_user_id) pairs not to suggest: active mentorship,
    open request, or declined by that mentor within MENTORING_DECLINE_COOLDOWN_DAYS (since
    ``cutoff`` when given); only the pairs with ``user_id`` on either side when given. Either may
    be a bind parameter, for a statement built once (see ``decline_cutoff``)."""
    cutoff = decline_cutoff() if cutoff is None else cutoff
    active = select(Mentorship.learner_id, Mentorship.mentor_id).where(Mentorship.status == "active")
    requests = select(MentorshipRequest.learner_id, MentorshipRequest.mentor_id).where(
        or_(MentorshipRequest.status.in_(REQUEST_OPEN),
            and_(MentorshipRequest.status == "declined", MentorshipRequest.closed_at >= cutoff)))
    if user_id is not None:
        active = active.where(or_(Mentorship.learner_id == user_id, Mentorship.mentor_id == user_id))
        requests = requests.where(or_(MentorshipRequest.learner_id == user_id, MentorshipRequest.mentor_id == user_id))
    return [active, requests]


def decline_cutoff() -> datetime:
    """Declines since then still keep the pair apart (MENTORING_DECLINE_COOLDOWN_DAYS)."""
    return utcnow() - timedelta(days=cfg("MENTORING_DECLINE_COOLDOWN_DAYS"))


def matching_exclusions() -> set[tuple[int, int]]:
    """(learner_user_id, mentor_user_id) pairs not to suggest (see exclusion_selects)."""
    pairs: set[tuple[int, int]] = set()
    for query in exclusion_selects():
        pairs |= {(a, b) for a, b in db.session.execute(query)}
    return pairs


def _pair_excluded(learner_id: int, mentor_id: int) -> bool:
    """matching_exclusions() for one pair, without loading them all."""
    cutoff = utcnow() - timedelta(days=cfg("MENTORING_DECLINE_COOLDOWN_DAYS"))
    if db.session.scalar(select(Mentorship.id).where(Mentorship.learner_id == learner_id,
                                                     Mentorship.mentor_id == mentor_id, Mentorship.status == "active")):
        return True
    return db.session.scalar(select(MentorshipRequest.id).where(
        MentorshipRequest.learner_id == learner_id, MentorshipRequest.mentor_id == mentor_id,
        or_(MentorshipRequest.status.in_(REQUEST_OPEN),
            and_(MentorshipRequest.status == "declined", MentorshipRequest.closed_at >= cutoff)))) is not None


def mentor_load(mentor_ids=None) -> dict[int, int]:
    """Mentor user id -> number of active mentees (of ``mentor_ids`` only, when given)."""
    query = (select(Mentorship.mentor_id, func.count(Mentorship.id))
             .where(Mentorship.status == "active").group_by(Mentorship.mentor_id))
    if mentor_ids is not None:
        query = query.where(Mentorship.mentor_id.in_(list(mentor_ids)))
    return {mentor_id: count for mentor_id, count in db.session.execute(query)}


def mentor_responsiveness(now: datetime | None = None, mentor_ids=None) -> dict[int, float]:
    """Mentor user id -> share (0..1) of requests answered within MENTORING_REQUEST_REMINDER_DAYS.
    Expired requests and open ones already past that time count as not answered in time.
    Mentors without any such request are absent (callers default them, e.g. ``.get(id, 1.0)``).
    ``mentor_ids`` limits the answer to those mentors."""
    now = now or utcnow()
    in_time = timedelta(days=cfg("MENTORING_REQUEST_REMINDER_DAYS"))
    answered: dict[int, int] = defaultdict(int)
    total: dict[int, int] = defaultdict(int)
    query = select(MentorshipRequest.mentor_id, MentorshipRequest.status,
                   MentorshipRequest.created_at, MentorshipRequest.responded_at)
    if mentor_ids is not None:
        query = query.where(MentorshipRequest.mentor_id.in_(list(mentor_ids)))
    rows = db.session.execute(query)
    for mentor_id, status, created_at, responded_at in rows:
        if responded_at is not None:
            total[mentor_id] += 1
            answered[mentor_id] += responded_at - created_at <= in_time
        elif status == "expired" or (status in REQUEST_OPEN and now - created_at > in_time):
            total[mentor_id] += 1
    return {mid: answered[mid] / n for mid, n in total.items() if n}


# ---- calendar -----------------------------------------------------------------------------------


def session_event(s: MentoringSession, viewer: User):
    """One icalendar.Event for a session, with times in the viewer's zone (TZID) and a stable UID."""
    from icalendar import Event

    other = s.mentor if viewer.id == s.learner_id else s.learner
    tz = zone(viewer.timezone)
    ev = Event()
    ev.add("uid", f"mentoring-session-{s.id}@mentorhub")
    ev.add("dtstamp", (s.updated_at or s.created_at).astimezone(UTC))
    ev.add("dtstart", s.starts_at.astimezone(tz))
    ev.add("dtend", s.ends_at.astimezone(tz))
    ev.add("sequence", s.sequence)
    ev.add("summary", f"Mentoring session with {other.display_name}")
    ev.add("status", "CONFIRMED" if s.is_booked else "CANCELLED")
    desc = [s.agenda] if s.agenda else []
    if s.meeting_url:
        desc.append(f"Meeting link: {s.meeting_url}")
        ev.add("location", s.meeting_url)
    desc.append(current_app.config["BASE_URL"].rstrip("/") + session_link(s.id))
    ev.add("description", "\n\n".join(desc))
    ev.add("url", current_app.config["BASE_URL"].rstrip("/") + session_link(s.id))
    return ev


def calendar_events(user: User) -> list:
    """The user's sessions (recent past and future; cancelled ones marked CANCELLED) as icalendar Events."""
    since = utcnow() - timedelta(days=cfg("MENTORING_CALENDAR_PAST_DAYS"))
    rows = db.session.scalars(select(MentoringSession).where(
        or_(MentoringSession.learner_id == user.id, MentoringSession.mentor_id == user.id),
        MentoringSession.starts_at >= since).order_by(MentoringSession.starts_at))
    return [session_event(s, user) for s in rows]


# ---- sweeps (run by the scheduler through jobs.py) -------------------------------------------------
#
# Each sweep takes due rows a batch at a time, in id order: on PostgreSQL with SELECT … FOR UPDATE
# SKIP LOCKED, so two schedulers split the work instead of both taking a row; on SQLite the
# transaction's BEGIN IMMEDIATE serialises them. Within the batch's transaction it marks the rows
# done and sends with unique keys (notify_many), then commits: a kill mid-batch loses only that
# uncommitted batch, which the next run redoes, and a key never sends twice.


def _sweep(model, columns, due, handle) -> int:
    batch = cfg("MENTORING_SWEEP_BATCH")
    pause = cfg("MENTORING_SWEEP_PAUSE_MS") / 1000
    last = 0
    done = 0
    while True:
        stmt = select(*columns).where(due, model.id > last).order_by(model.id).limit(batch)
        if _is_postgres():
            stmt = stmt.with_for_update(skip_locked=True, of=model)
        rows = db.session.execute(stmt).all()
        if not rows:
            db.session.commit()
            return done
        done += handle(rows)
        last = rows[-1].id
        db.session.commit()
        if pause:  # let web requests at the database between batches (SQLite has one writer)
            time.sleep(pause)


def _users(ids) -> dict:
    """Light rows (id, email, display_name, timezone, is_deleted, is_suspended) by user id."""
    ids = sorted(set(ids))
    out: dict = {}
    cols = (User.id, User.email, User.display_name, User.timezone, User.is_deleted, User.is_suspended)
    for i in range(0, len(ids), 500):
        out.update({u.id: u for u in db.session.execute(select(*cols).where(User.id.in_(ids[i:i + 500])))})
    return out


def _mark(model, ids, **values) -> None:
    for i in range(0, len(ids), 500):
        db.session.execute(update(model).where(model.id.in_(ids[i:i + 500])).values(**values)
                           .execution_options(synchronize_session=False))


def remind_and_expire_requests(now: datetime | None = None) -> dict[str, int]:
    from ..notifications.bulk import Send, notify_many

    now = now or utcnow()
    expire_before = now - timedelta(days=cfg("MENTORING_REQUEST_EXPIRY_DAYS"))
    remind_before = now - timedelta(days=cfg("MENTORING_REQUEST_REMINDER_DAYS"))
    R = MentorshipRequest
    cols = (R.id, R.learner_id, R.mentor_id, R.status)

    def expire(rows) -> int:
        _mark(R, [r.id for r in rows], status="expired", closed_at=now, updated_at=now)
        users = _users([r.learner_id for r in rows] + [r.mentor_id for r in rows])
        notify_many([Send(users[r.learner_id], "mentorship_update",
                          f"Your request to {users[r.mentor_id].display_name} expired",
                          key=f"request:{r.id}:expired",
                          body=("Their question to you stayed unanswered, so the request closed. "
                                if r.status == "info_requested" else "They did not answer in time. ")
                          + "Your other matches are worth a look.",
                          link=matches_link()) for r in rows])
        return len(rows)

    def remind(rows) -> int:
        _mark(R, [r.id for r in rows], reminded_at=now)
        users = _users([r.learner_id for r in rows] + [r.mentor_id for r in rows])
        notify_many([Send(users[r.mentor_id], "mentorship_request",
                          f"{users[r.learner_id].display_name} is waiting for your answer",
                          key=f"request:{r.id}:reminder",
                          body="Please accept, decline or ask a question before the request expires.",
                          link=request_link(r.id)) for r in rows])
        return len(rows)

    expired = _sweep(R, cols, R.status.in_(REQUEST_OPEN) & (R.created_at <= expire_before), expire)
    # Only requests waiting on the mentor; after a question the learner owes the answer.
    reminded = _sweep(R, cols, (R.status == "pending") & R.reminded_at.is_(None)
                      & (R.created_at <= remind_before), remind)
    return {"expired": expired, "reminded": reminded}


def _insert_ignore(model, index_elements):
    if _is_postgres():
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing(index_elements=index_elements)


def create_due_checkins(now: datetime | None = None) -> int:
    """A check-in per active mentorship whose cadence came round; the learner is told."""
    from ..notifications.bulk import Send, notify_many

    now = now or utcnow()
    M = Mentorship

    def create(rows) -> int:
        plans = []
        for r in rows:
            due, nxt = r.next_checkin_at, r.next_checkin_at
            while nxt <= now:  # after a long outage, one check-in for the latest period only
                due, nxt = nxt, add_cadence(nxt, r.cadence)
            plans.append((r, due, nxt))
        conn = db.session.connection()
        checkins = [{"mentorship_id": r.id, "due_at": due, "status": "open", "created_at": now, "progress": "",
                     "blockers": "", "next_steps": "", "mentor_response": ""} for r, due, _nxt in plans]
        if conn.dialect.name == "postgresql":  # one statement per batch instead of one per row
            conn.execute(text("UPDATE mentorships AS m SET next_checkin_at = v.next FROM unnest("
                              "CAST(:ids AS integer[]), CAST(:nexts AS timestamptz[])) AS v(id, next) WHERE m.id = v.id"),
                         {"ids": [r.id for r, _d, _n in plans], "nexts": [nxt for _r, _d, nxt in plans]})
            created = conn.execute(text(
                "INSERT INTO mentoring_checkins (mentorship_id, due_at, status, created_at, progress, blockers, "
                "next_steps, mentor_response) SELECT v.mid, v.due, 'open', :now, '', '', '', '' FROM unnest("
                "CAST(:mids AS integer[]), CAST(:dues AS timestamptz[])) AS v(mid, due) "
                "ON CONFLICT (mentorship_id, due_at) DO NOTHING RETURNING id, mentorship_id"),
                {"now": now, "mids": [c["mentorship_id"] for c in checkins], "dues": [c["due_at"] for c in checkins]}
            ).all()
        else:
            conn.execute(update(M.__table__).where(M.__table__.c.id == bindparam("b_id"))
                         .values(next_checkin_at=bindparam("b_next", type_=UTCDateTime())),
                         [{"b_id": r.id, "b_next": nxt} for r, _due, nxt in plans])
            created = conn.execute(_insert_ignore(CheckIn, ["mentorship_id", "due_at"]).returning(
                CheckIn.id, CheckIn.mentorship_id), checkins).all()
        by_mentorship = {mid: cid for cid, mid in created}
        users = _users([r.learner_id for r, _d, _n in plans])
        notify_many([Send(users[r.learner_id], "checkin", "Time for your check-in",
                          key=f"checkin:{r.id}:{due.strftime('%Y%m%dT%H%M%S')}:open",
                          body="Tell your mentor how it went: progress, blockers and next steps.",
                          link=checkin_link(by_mentorship[r.id]))
                     for r, due, _nxt in plans if r.id in by_mentorship])
        return len(created)

    return _sweep(M, (M.id, M.next_checkin_at, M.cadence, M.learner_id),
                  (M.status == "active") & (M.next_checkin_at <= now), create)


def nudge_and_miss_checkins(now: datetime | None = None) -> dict[str, int]:
    from ..notifications.bulk import Send, notify_many

    now = now or utcnow()
    miss_before = now - timedelta(days=cfg("MENTORING_CHECKIN_MISS_DAYS"))
    nudge_before = now - timedelta(days=cfg("MENTORING_CHECKIN_NUDGE_DAYS"))
    C = CheckIn

    def learners(rows) -> dict[int, User]:
        pairs = db.session.execute(select(C.id, Mentorship.learner_id).join(Mentorship, Mentorship.id == C.mentorship_id)
                                   .where(C.id.in_([r.id for r in rows]))).all()
        users = _users([lid for _cid, lid in pairs])
        return {cid: users[lid] for cid, lid in pairs}

    def miss(rows) -> int:
        _mark(C, [r.id for r in rows], status="missed", missed_at=now)
        who = learners(rows)
        notify_many([Send(who[r.id], "checkin", "A check-in was marked as missed", key=f"checkin:{r.id}:missed",
                          body="No worries: the next one comes at your usual cadence.", link=checkin_link(r.id))
                     for r in rows])
        return len(rows)

    def nudge(rows) -> int:
        _mark(C, [r.id for r in rows], nudged_at=now)
        who = learners(rows)
        notify_many([Send(who[r.id], "checkin", "Your check-in is still open", key=f"checkin:{r.id}:nudge",
                          body="A few lines on progress and blockers help your mentor help you.",
                          link=checkin_link(r.id)) for r in rows])
        return len(rows)

    missed = _sweep(C, (C.id,), (C.status == "open") & (C.due_at <= miss_before), miss)
    nudged = _sweep(C, (C.id,), (C.status == "open") & C.nudged_at.is_(None) & (C.due_at <= nudge_before), nudge)
    return {"missed": missed, "nudged": nudged}


def send_session_reminders(now: datetime | None = None, session_ids: list[int] | None = None) -> int:
    """Reminders MENTORING_SESSION_REMINDER_HOURS before each booked session (24 h and 1 h), to both
    people. A session inside a nearer window gets only the nearest reminder, once. Keys include the
    start time, so a rescheduled session (its marks reset) is reminded again for its new time."""
    from ..notifications.bulk import Send, notify_many

    now = now or utcnow()
    offsets = sorted(cfg("MENTORING_SESSION_REMINDER_HOURS"))
    S = MentoringSession
    total = 0
    for i, hours in enumerate(offsets):  # nearest first: a session within 1 h is marked for 24 h too
        marks = "".join(f"|{h}|" for h in offsets if h >= hours)
        due = ((S.status == "booked") & (S.starts_at > now) & (S.starts_at <= now + timedelta(hours=hours))
               & ~S.reminders_sent.contains(f"|{hours}|"))
        if session_ids is not None:
            due = due & S.id.in_(session_ids)
        label = "tomorrow" if hours >= 24 else f"in {hours} hour{'s' if hours != 1 else ''}"

        def remind(rows, hours=hours, marks=marks, label=label) -> int:
            _mark(S, [r.id for r in rows], reminders_sent=marks)
            users = _users([r.mentor_id for r in rows] + [r.learner_id for r in rows])
            sends = []
            for r in rows:
                stamp = r.starts_at.strftime("%Y%m%dT%H%M")
                for uid, oid in ((r.mentor_id, r.learner_id), (r.learner_id, r.mentor_id)):
                    user, other = users[uid], users[oid]
                    sends.append(Send(user, "session_reminder", f"Session with {other.display_name} {label}",
                                      key=f"session-reminder:{r.id}:{stamp}:{hours}h:{uid}",
                                      body=_when(r.starts_at, user), link=session_link(r.id)))
            notify_many(sends)
            return len(rows)

        total += _sweep(S, (S.id, S.starts_at, S.mentor_id, S.learner_id), due, remind)
    return total


# ---- personal data --------------------------------------------------------------------------------


def export_user_data(user: User) -> dict:
    def iso(dt):
        return dt.isoformat() if dt else None

    reqs = db.session.scalars(select(MentorshipRequest).where(
        or_(MentorshipRequest.learner_id == user.id, MentorshipRequest.mentor_id == user.id))).all()
    ms = mentorships_for(user)
    notes = db.session.scalars(select(SessionNote).where(SessionNote.author_id == user.id)).all()
    ratings = db.session.scalars(select(MentorshipRating).where(MentorshipRating.rater_id == user.id)).all()
    checkins = db.session.scalars(select(CheckIn).join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
                                  .where(Mentorship.learner_id == user.id)).all()
    return {
        "requests": [{"id": r.id, "role": "learner" if r.learner_id == user.id else "mentor", "status": r.status,
                      "goals": r.goals, "background": r.background, "expectations": r.expectations,
                      "cadence": r.cadence, "created_at": iso(r.created_at),
                      "messages": [m.body for m in r.messages if m.author_id == user.id]} for r in reqs],
        "mentorships": [{"id": m.id, "role": "learner" if m.learner_id == user.id else "mentor",
                         "status": m.status, "cadence": m.cadence, "started_at": iso(m.started_at),
                         "ended_at": iso(m.ended_at), "goals": [g.title for g in m.goals]} for m in ms],
        "sessions": [{"id": s.id, "starts_at": iso(s.starts_at), "ends_at": iso(s.ends_at), "status": s.status,
                      "agenda": s.agenda} for m in ms for s in sessions_of(m)],
        "private_notes": [{"session_id": n.session_id, "body": n.body} for n in notes],
        "ratings_given": [{"mentorship_id": r.mentorship_id, "score": r.score, "comment": r.comment}
                          for r in ratings],
        "checkins": [{"due_at": iso(c.due_at), "status": c.status, "progress": c.progress, "blockers": c.blockers,
                      "next_steps": c.next_steps} for c in checkins],
    }


def erase_user_data(user: User) -> None:
    """Delete what is only the user's (notes, ratings given, request texts, feed token); end their
    mentorships and cancel their upcoming sessions so the other side is not left waiting. No commit."""
    from ..notifications.models import CalendarFeed

    now = utcnow()
    db.session.execute(delete(SessionNote).where(SessionNote.author_id == user.id))
    db.session.execute(delete(MentorshipRating).where(MentorshipRating.rater_id == user.id))
    db.session.execute(delete(RequestMessage).where(RequestMessage.author_id == user.id))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.execute(update(MentorshipRequest).where(MentorshipRequest.learner_id == user.id).values(
        goals="", background="", expectations=""))
    db.session.execute(update(MentorshipRequest).where(
        or_(MentorshipRequest.learner_id == user.id, MentorshipRequest.mentor_id == user.id),
        MentorshipRequest.status.in_(REQUEST_OPEN)).values(status="withdrawn", closed_at=now))
    db.session.execute(update(CheckIn).where(CheckIn.mentorship_id.in_(
        select(Mentorship.id).where(Mentorship.learner_id == user.id))).values(progress="", blockers="",
                                                                                next_steps=""))
    db.session.execute(update(MentoringSession).where(
        or_(MentoringSession.learner_id == user.id, MentoringSession.mentor_id == user.id),
        MentoringSession.status == "booked", MentoringSession.starts_at > now).values(
        status="cancelled", slot_starts_at=None, cancelled_at=now, cancel_reason="Account deleted."))
    freed = db.session.scalars(select(Mentorship.mentor_id).where(Mentorship.learner_id == user.id,
                                                                  Mentorship.status == "active")).all()
    db.session.execute(update(Mentorship).where(
        or_(Mentorship.learner_id == user.id, Mentorship.mentor_id == user.id), Mentorship.status == "active")
        .values(status="ended", ended_at=now, next_checkin_at=None))
    user_changed(user.id, *freed)

