"""The mentoring panel of the dashboard: next sessions, check-ins and requests waiting, as plain
data in one query (three limited lists in a UNION ALL; names come joined in)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, literal_column, null, or_, select, union_all

from ..accounts.models import User
from ..db import db, utcnow
from .models import REQUEST_OPEN, CheckIn, MentoringSession, MentorshipRequest
from .queries import open_checkins_select

PANEL_ROWS = 3  # sessions, check-ins and requests listed on the dashboard, each


@dataclass(frozen=True)
class SessionLine:
    id: int
    starts_at: datetime
    with_name: str  # the other person in the session


@dataclass(frozen=True)
class CheckinLine:
    id: int
    due_at: datetime


@dataclass(frozen=True)
class RequestLine:
    id: int
    learner_name: str
    waiting_since: datetime  # when the learner sent it


def _next_sessions(user: User):
    """Booked sessions not yet over, soonest first (as services.upcoming_sessions), with the other
    person's name joined in."""
    other = or_(and_(MentoringSession.learner_id == user.id, User.id == MentoringSession.mentor_id),
                and_(MentoringSession.learner_id != user.id, User.id == MentoringSession.learner_id))
    return (select(MentoringSession.id, MentoringSession.starts_at.label("at"), User.display_name.label("name"),
                   literal_column("'session'").label("kind")).join(User, other)
            .where(or_(MentoringSession.learner_id == user.id, MentoringSession.mentor_id == user.id),
                   MentoringSession.status == "booked", MentoringSession.ends_at > utcnow())
            .order_by(MentoringSession.starts_at).limit(PANEL_ROWS))


def _open_checkins(user: User):
    return (open_checkins_select(user)
            .with_only_columns(CheckIn.id, CheckIn.due_at.label("at"), null().label("name"),
                               literal_column("'checkin'").label("kind"))
            .limit(PANEL_ROWS))


def _open_requests(user: User):
    """Requests to this mentor still waiting for an answer, newest first."""
    return (select(MentorshipRequest.id, MentorshipRequest.created_at.label("at"), User.display_name.label("name"),
                   literal_column("'request'").label("kind")).join(User, User.id == MentorshipRequest.learner_id)
            .where(MentorshipRequest.mentor_id == user.id, MentorshipRequest.status.in_(REQUEST_OPEN))
            .order_by(MentorshipRequest.created_at.desc()).limit(PANEL_ROWS))


def dashboard_panel(user: User) -> dict:
    """Data for templates/mentoring/_dashboard.html."""
    parts = [select(q.subquery()) for q in (_next_sessions(user), _open_checkins(user), _open_requests(user))]
    rows = db.session.execute(union_all(*parts)).all()
    of = {kind: [r for r in rows if r.kind == kind] for kind in ("session", "checkin", "request")}
    # a UNION keeps no order: each list is sorted again as its own query ordered it
    now = utcnow()
    return {
        "now": now,
        "sessions": [SessionLine(r.id, r.at, r.name) for r in sorted(of["session"], key=lambda r: r.at)],
        "checkins": [CheckinLine(r.id, r.at) for r in sorted(of["checkin"], key=lambda r: r.at)],
        "requests": [RequestLine(r.id, r.name, r.at) for r in sorted(of["request"], key=lambda r: r.at, reverse=True)],
    }
