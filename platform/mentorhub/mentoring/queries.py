"""Mentoring reads: what its pages show and what other features ask (matching's exclusions and
loads, portfolio's mentors, the calendar feed). No writes. The ``get_*`` functions return a row
only to its learner, its mentor and admins (NotFound / PermissionDenied otherwise).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..actors import is_admin
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied
from ..lazyimport import lazy_module
from ..timeutil import zone
from ..urls import external_url
from ..validation import setting
from .models import (
    REQUEST_OPEN,
    ActionItem,
    CheckIn,
    MentoringSession,
    Mentorship,
    MentorshipRating,
    MentorshipRequest,
    PublishedMentorRating,
    RequestMessage,
    SessionNote,
)

icalendar = lazy_module("icalendar")  # only calendar downloads and feeds build .ics files


def active_mentee_count(mentor_id: int) -> int:
    """The mentor's number of active mentees (the one count; see mentor_load for many mentors)."""
    return mentor_load([mentor_id]).get(mentor_id, 0)


def active_mentor_user_ids(learner: User) -> list[int]:
    """User ids of the learner's mentors in active mentorships."""
    return list(db.session.scalars(select(Mentorship.mentor_id).where(
        Mentorship.learner_id == learner.id, Mentorship.status == "active").order_by(Mentorship.started_at)))


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
    in_time = timedelta(days=setting("MENTORING_REQUEST_REMINDER_DAYS"))
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
    return utcnow() - timedelta(days=setting("MENTORING_DECLINE_COOLDOWN_DAYS"))


def matching_exclusions() -> set[tuple[int, int]]:
    """(learner_user_id, mentor_user_id) pairs not to suggest (see exclusion_selects)."""
    pairs: set[tuple[int, int]] = set()
    for query in exclusion_selects():
        pairs |= {(a, b) for a, b in db.session.execute(query)}
    return pairs


def pair_excluded(learner_id: int, mentor_id: int) -> bool:
    """matching_exclusions() for one pair, without loading them all."""
    cutoff = utcnow() - timedelta(days=setting("MENTORING_DECLINE_COOLDOWN_DAYS"))
    if db.session.scalar(select(Mentorship.id).where(Mentorship.learner_id == learner_id,
                                                     Mentorship.mentor_id == mentor_id, Mentorship.status == "active")):
        return True
    return db.session.scalar(select(MentorshipRequest.id).where(
        MentorshipRequest.learner_id == learner_id, MentorshipRequest.mentor_id == mentor_id,
        or_(MentorshipRequest.status.in_(REQUEST_OPEN),
            and_(MentorshipRequest.status == "declined", MentorshipRequest.closed_at >= cutoff)))) is not None


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
    if actor.id not in (row.learner_id, row.mentor_id) and not is_admin(actor):
        raise PermissionDenied()
    return row


def get_request(actor: User, request_id: int) -> MentorshipRequest:
    return _get_for_pair(actor, MentorshipRequest, request_id, "No such request.")


def get_mentorship(actor: User, mentorship_id: int) -> Mentorship:
    return _get_for_pair(actor, Mentorship, mentorship_id, "No such mentorship.")


def get_session(actor: User, session_id: int) -> MentoringSession:
    return _get_for_pair(actor, MentoringSession, session_id, "No such session.")


def get_checkin(actor: User, checkin_id: int) -> CheckIn:
    c = db.session.get(CheckIn, checkin_id, options=_pair_loads()[CheckIn])
    if c is None:
        raise NotFound("No such check-in.")
    get_mentorship(actor, c.mentorship_id)
    return c


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


def carried_items(c: CheckIn) -> list[ActionItem]:
    """The mentorship's open action items that existed when the check-in was filled in (or now)."""
    cutoff = c.submitted_at or utcnow()
    return [i for i in action_items(c.mentorship, open_only=True) if i.created_at <= cutoff]


def note_of(actor: User, s: MentoringSession) -> SessionNote | None:
    """The actor's own private note; nobody else's is ever returned."""
    return db.session.scalar(select(SessionNote).where(SessionNote.session_id == s.id,
                                                       SessionNote.author_id == actor.id))


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


def session_event(s: MentoringSession, viewer: User):
    """One icalendar.Event for a session, with times in the viewer's zone (TZID) and a stable UID."""
    other = s.mentor if viewer.id == s.learner_id else s.learner
    tz = zone(viewer.timezone)
    ev = icalendar.Event()
    ev.add("uid", f"mentoring-session-{s.id}@mentorhub")
    ev.add("dtstamp", (s.updated_at or s.created_at).astimezone(timezone.utc))
    ev.add("dtstart", s.starts_at.astimezone(tz))
    ev.add("dtend", s.ends_at.astimezone(tz))
    ev.add("sequence", s.sequence)
    ev.add("summary", f"Mentoring session with {other.display_name}")
    ev.add("status", "CONFIRMED" if s.is_booked else "CANCELLED")
    desc = [s.agenda] if s.agenda else []
    if s.meeting_url:
        desc.append(f"Meeting link: {s.meeting_url}")
        ev.add("location", s.meeting_url)
    link = external_url("mentoring.session_detail", session_id=s.id)
    desc.append(link)
    ev.add("description", "\n\n".join(desc))
    ev.add("url", link)
    return ev


def calendar_events(user: User) -> list:
    """The user's sessions (recent past and future; cancelled ones marked CANCELLED) as icalendar Events."""
    since = utcnow() - timedelta(days=setting("MENTORING_CALENDAR_PAST_DAYS"))
    rows = db.session.scalars(select(MentoringSession).where(
        or_(MentoringSession.learner_id == user.id, MentoringSession.mentor_id == user.id),
        MentoringSession.starts_at >= since).order_by(MentoringSession.starts_at))
    return [session_event(s, user) for s in rows]



def session_ics_event(actor: User, session_id: int) -> icalendar.Event:
    """The .ics download of one session, for a person who may see it."""
    return session_event(get_session(actor, session_id), actor)


# Notifications serves the calendar files but sits below mentoring, so it cannot import this
# module: mentoring registers its feed source and its session download there.


# ---- for matching ----


def learners_with_active_mentorship() -> set[int]:
    """User ids of the learners in an active mentorship (one query)."""
    return set(db.session.scalars(select(Mentorship.learner_id).where(Mentorship.status == "active")))


# ---- for portfolio ----


def active_mentor_ids(learner_id: int) -> list[int]:
    """User ids of the learner's mentors in active mentorships, longest-standing first."""
    return list(db.session.scalars(select(Mentorship.mentor_id).where(
        Mentorship.learner_id == learner_id, Mentorship.status == "active").order_by(Mentorship.started_at)))


# ---- for events ----


def partner_id_selects(user_id: int) -> list:
    """SQL selects of the ids of everyone ``user_id`` shares a mentorship with (any status), for a
    caller that unions them with its own people in one query."""
    return [select(Mentorship.learner_id).where(Mentorship.mentor_id == user_id),
            select(Mentorship.mentor_id).where(Mentorship.learner_id == user_id)]


# ---- for operations ----


def active_mentorship_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Mentorship).where(Mentorship.status == "active")) or 0


# ---- for api ----


def _people(model):
    return (joinedload(model.learner), joinedload(model.mentor))


def requests_select(actor: User):
    """The actor's requests, sent and received, with both people (the caller orders and pages)."""
    return select(MentorshipRequest).where(or_(MentorshipRequest.learner_id == actor.id,
                                               MentorshipRequest.mentor_id == actor.id)) \
        .options(*_people(MentorshipRequest))


def mentorships_select(actor: User):
    return select(Mentorship).where(or_(Mentorship.learner_id == actor.id, Mentorship.mentor_id == actor.id)) \
        .options(*_people(Mentorship))


def sessions_select(actor: User, mentorship_id: int | None = None):
    stmt = select(MentoringSession).where(or_(MentoringSession.learner_id == actor.id,
                                              MentoringSession.mentor_id == actor.id))
    if mentorship_id is not None:
        stmt = stmt.where(MentoringSession.mentorship_id == mentorship_id)
    return stmt.options(*_people(MentoringSession))


def checkins_select(actor: User):
    return select(CheckIn).join(Mentorship, Mentorship.id == CheckIn.mentorship_id).where(
        or_(Mentorship.learner_id == actor.id, Mentorship.mentor_id == actor.id)) \
        .options(joinedload(CheckIn.mentorship).options(*_people(Mentorship)))
# ---- for dashboard ----


def step_facts(user_id: int) -> dict:
    """Next-step facts of mentoring, as scalar SQL expressions for the dashboard's one facts query:
    requests sent and sessions booked as a learner; requests waiting for this mentor (and since
    when) and their upcoming sessions that still lack a meeting link."""
    waiting = and_(MentorshipRequest.mentor_id == user_id, MentorshipRequest.status.in_(REQUEST_OPEN))
    return {
        "requested": exists().where(MentorshipRequest.learner_id == user_id),
        "booked": exists().where(MentoringSession.learner_id == user_id, MentoringSession.status == "booked"),
        "requests_waiting": select(func.count(MentorshipRequest.id)).where(waiting).scalar_subquery(),
        "oldest_request_at": select(func.min(MentorshipRequest.created_at)).where(waiting).scalar_subquery(),
        "sessions_unprepared": select(func.count(MentoringSession.id)).where(
            MentoringSession.mentor_id == user_id, MentoringSession.status == "booked",
            MentoringSession.ends_at > utcnow(), MentoringSession.meeting_url == "").scalar_subquery(),
    }


# ---- for matching ----


def mentor_load_and_replies(user_ids, sample: int) -> dict[int, tuple[int, list[float]]]:
    """For each mentor in ``user_ids``: (active mentees, seconds it took to answer each of their
    ``sample`` latest answered requests), in two queries whatever the number of mentors."""
    ids = list(user_ids)
    if not ids:
        return {}
    active = dict(db.session.execute(
        select(Mentorship.mentor_id, func.count(Mentorship.id))
        .where(Mentorship.mentor_id.in_(ids), Mentorship.status == "active").group_by(Mentorship.mentor_id)).all())
    ranked = (select(MentorshipRequest.mentor_id, MentorshipRequest.created_at, MentorshipRequest.responded_at,
                     func.row_number().over(partition_by=MentorshipRequest.mentor_id,
                                            order_by=MentorshipRequest.responded_at.desc()).label("n"))
              .where(MentorshipRequest.mentor_id.in_(ids), MentorshipRequest.responded_at.is_not(None),
                     MentorshipRequest.is_offer.is_(False)).subquery())
    replies: dict[int, list[float]] = {i: [] for i in ids}
    for mentor_id, created, responded in db.session.execute(
            select(ranked.c.mentor_id, ranked.c.created_at, ranked.c.responded_at).where(ranked.c.n <= sample)):
        replies[mentor_id].append((responded - created).total_seconds())
    return {i: (active.get(i, 0), replies[i]) for i in ids}
