"""The mentoring panel of the dashboard: next sessions, check-ins and requests waiting, as plain
data in three queries (names come joined in, never loaded one by one)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from ..accounts.models import User
from ..db import db, utcnow
from .models import REQUEST_OPEN, MentoringSession, MentorshipRequest
from .services import open_checkins_for

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


def _next_sessions(user: User) -> list[SessionLine]:
    """Booked sessions not yet over, soonest first (as services.upcoming_sessions), with the other
    person's name joined in."""
    other = or_(and_(MentoringSession.learner_id == user.id, User.id == MentoringSession.mentor_id),
                and_(MentoringSession.learner_id != user.id, User.id == MentoringSession.learner_id))
    rows = db.session.execute(
        select(MentoringSession.id, MentoringSession.starts_at, User.display_name).join(User, other)
        .where(or_(MentoringSession.learner_id == user.id, MentoringSession.mentor_id == user.id),
               MentoringSession.status == "booked", MentoringSession.ends_at > utcnow())
        .order_by(MentoringSession.starts_at).limit(PANEL_ROWS)
    ).all()
    return [SessionLine(*row) for row in rows]


def _open_requests(user: User) -> list[RequestLine]:
    """Requests to this mentor still waiting for an answer, newest first."""
    rows = db.session.execute(
        select(MentorshipRequest.id, User.display_name).join(User, User.id == MentorshipRequest.learner_id)
        .where(MentorshipRequest.mentor_id == user.id, MentorshipRequest.status.in_(REQUEST_OPEN))
        .order_by(MentorshipRequest.created_at.desc()).limit(PANEL_ROWS)
    ).all()
    return [RequestLine(*row) for row in rows]


def dashboard_panel(user: User) -> dict:
    """Data for templates/mentoring/_dashboard.html."""
    return {
        "sessions": _next_sessions(user),
        "checkins": [CheckinLine(c.id, c.due_at) for c in open_checkins_for(user)[:PANEL_ROWS]],
        "requests": _open_requests(user),
    }
