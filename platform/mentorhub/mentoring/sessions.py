"""Mentoring sessions: the mentor's bookable slots, booking, moving and cancelling a session,
its agenda and meeting link, private notes and action items. Booking decides under the locks
described in writing.py; a unique (mentor_id, slot_starts_at) constraint backs it up.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, ValidationError
from ..notifications.notify import notify
from ..profiles.availability import merge, monday_of, utc_intervals
from ..profiles.queries import mentor_profile, windows_of
from ..timeutil import format_local, zone
from ..urls import path_for
from ..validation import is_in_window, setting, url
from .jobs import send_session_reminders
from .models import ActionItem, MentoringSession, Mentorship, SessionNote
from .queries import note_of
from .rules import can_book, refuse
from .writing import (
    body_text,
    lock_mentor,
    lock_user,
    require_active,
    require_pair,
    set_done,
    title_text,
)


def session_minutes(mentor_id: int) -> int:
    profile = mentor_profile(mentor_id)
    return int(profile.session_minutes) if profile is not None and profile.session_minutes else 60


def availability_intervals(mentor: User, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The mentor's free windows as UTC intervals overlapping [start, end), DST-correct per week."""
    windows = windows_of(mentor)
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
    earliest = now + timedelta(hours=setting("MENTORING_MIN_NOTICE_HOURS"))
    latest = now + timedelta(days=setting("MENTORING_BOOKING_HORIZON_DAYS"))
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
    starts_at = starts_at.astimezone(timezone.utc)
    ends_at = starts_at + length
    if starts_at <= now:
        raise ValidationError("That time is in the past. Choose a slot from the list.", field="starts_at")
    notice = setting("MENTORING_MIN_NOTICE_HOURS")
    if starts_at < now + timedelta(hours=notice):
        raise ValidationError(f"Sessions need at least {notice} hours' notice. Choose a later slot.",
                              field="starts_at")
    latest = now + timedelta(days=setting("MENTORING_BOOKING_HORIZON_DAYS"))
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


def book_session(actor: User, m: Mentorship, starts_at: datetime, agenda: str = "") -> MentoringSession:
    refuse(can_book(actor, m), actor.id != m.learner_id)
    agenda = body_text(agenda, "agenda", "the agenda")
    now = utcnow()
    ends_at = _check_slot(m, starts_at, now)
    starts_at = starts_at.astimezone(timezone.utc)
    lock_mentor(m.mentor_id)
    lock_user(m.learner_id)
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
           body=f"{format_local(starts_at, m.mentor.timezone)} ({m.mentor.timezone})",
           link=path_for("mentoring.session_detail", session_id=s.id),
           key=f"session:{s.id}:booked")
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Someone booked that slot a moment ago. Choose a different slot.") from None
    send_session_reminders(now, session_ids=[s.id])  # a session inside the reminder window gets it now
    return s


def _require_session_member(actor: User, s: MentoringSession) -> None:
    require_pair(actor, s, "Only the two people in this session can change it.")


def reschedule_session(actor: User, s: MentoringSession, starts_at: datetime) -> MentoringSession:
    _require_session_member(actor, s)
    m = s.mentorship
    require_active(m)
    now = utcnow()
    if not s.is_booked or s.starts_at <= now:
        raise ValidationError("Only upcoming sessions can be moved.")
    old = s.starts_at
    ends_at = _check_slot(m, starts_at, now)
    starts_at = starts_at.astimezone(timezone.utc)
    lock_mentor(m.mentor_id)
    lock_user(m.learner_id)
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
           body=f"From {format_local(old, other.timezone)} to {format_local(starts_at, other.timezone)}.",
           link=path_for("mentoring.session_detail", session_id=s.id),
           key=f"session:{s.id}:moved:{s.sequence}")
    db.session.commit()
    send_session_reminders(now, session_ids=[s.id])
    return s


def cancel_booked(s: MentoringSession, actor: User, reason: str, now: datetime) -> None:
    s.status, s.slot_starts_at, s.cancelled_at = "cancelled", None, now
    s.cancelled_by_id, s.cancel_reason, s.updated_at = actor.id, reason, now
    s.sequence += 1


def cancel_session(actor: User, s: MentoringSession, reason: str = "") -> MentoringSession:
    _require_session_member(actor, s)
    reason = body_text(reason, "reason", "the reason")
    now = utcnow()
    if not s.is_booked:
        raise Conflict("This session is already cancelled.")
    if s.starts_at <= now:
        raise ValidationError("This session has already started.")
    cancel_booked(s, actor, reason, now)
    other = s.mentorship.other(actor.id)
    notify(other, "mentorship_update", f"{actor.display_name} cancelled your session",
           body=f"{format_local(s.starts_at, other.timezone)}." + (f"\n\n{reason}" if reason else ""),
           link=path_for("mentoring.mentorship_detail", mentorship_id=s.mentorship_id), key=f"session:{s.id}:cancelled")
    db.session.commit()
    return s


def update_session_details(actor: User, s: MentoringSession, agenda: str, meeting_url: str) -> MentoringSession:
    _require_session_member(actor, s)
    s.agenda = body_text(agenda, "agenda", "the agenda")
    s.meeting_url = url(meeting_url, field="meeting_url", label="meeting link") or ""
    s.updated_at = utcnow()
    s.sequence += 1
    db.session.commit()
    return s


def save_note(actor: User, s: MentoringSession, body: str) -> SessionNote:
    _require_session_member(actor, s)
    body = body_text(body, "body", "your note")
    note = note_of(actor, s)
    if note is None:
        note = SessionNote(session_id=s.id, author_id=actor.id)
        db.session.add(note)
    note.body, note.updated_at = body, utcnow()
    db.session.commit()
    return note


def add_action_item(actor: User, s: MentoringSession, title: str) -> ActionItem:
    _require_session_member(actor, s)
    title = title_text(title, "title", "the action item")
    item = ActionItem(mentorship_id=s.mentorship_id, session_id=s.id, title=title, created_by_id=actor.id,
                      created_at=utcnow())
    db.session.add(item)
    db.session.commit()
    return item


def set_action_done(actor: User, item_id: int, done: bool) -> ActionItem:
    return set_done(actor, ActionItem, item_id, done, "No such action item.")
