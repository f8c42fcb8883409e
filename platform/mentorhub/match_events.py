"""Outcomes: the community's implicit feedback on matches, as events.

Layer 1 (see DESIGN.md), like generations.py: the services that decide something about a
pairing (mentoring requests and mentorships, project applications, portfolio reviews) call one
recorder here inside their own transaction (no commit here), so an event lands exactly when the
decision does and no lower feature imports matching. ``flask match-tune`` (matching/tune.py, a
higher layer) reads them to fit the component weights. Events are facts about a pair, never
shown to people; they are erased with either person (foreign keys cascade)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, db, utcnow
from .generations import user_changed

REQUEST_SENT = "request_sent"
REQUEST_ACCEPTED = "request_accepted"
REQUEST_DECLINED = "request_declined"
REQUEST_EXPIRED = "request_expired"
CHECKINS_REACHED = "checkins_reached"  # a mentorship reached MATCH_OUTCOME_CHECKINS answered check-ins
ENDED_EARLY = "ended_early"  # ended before reaching them
RATED = "rated"  # value: the learner's rating of the mentorship (1..5)
APPLICATION_ACCEPTED = "application_accepted"  # project_id set, mentor_id: who accepted
REVIEW_HELPFUL = "review_helpful"  # mentor_id: the reviewer, learner_id: the author
KINDS = (REQUEST_SENT, REQUEST_ACCEPTED, REQUEST_DECLINED, REQUEST_EXPIRED, CHECKINS_REACHED, ENDED_EARLY, RATED,
         APPLICATION_ACCEPTED, REVIEW_HELPFUL)
# A mentor's answers: they change the mentor's chance to accept, so each one is also a match change.
DECISIONS = (REQUEST_ACCEPTED, REQUEST_DECLINED, REQUEST_EXPIRED)


class MatchEvent(Base):
    """One piece of implicit feedback about a learner-mentor pair (or a learner and a project)."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True,
                                                  index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), nullable=True)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record(kind: str, learner_id: int, mentor_id: int | None = None, project_id: int | None = None,
           value: float | None = None, at: datetime | None = None) -> None:
    """Add one event to the current transaction (the caller commits it with its own write)."""
    if kind not in KINDS:
        raise ValueError(f"unknown outcome {kind!r}")
    if kind in DECISIONS and mentor_id is not None:
        user_changed(mentor_id)  # the mentor's chance to accept (matching/twosided.py) changed
    db.session.execute(insert(MatchEvent), [{"kind": kind, "learner_id": int(learner_id),
                                             "mentor_id": None if mentor_id is None else int(mentor_id),
                                             "project_id": None if project_id is None else int(project_id),
                                             "value": value, "created_at": at or utcnow()}])


def record_many(kind: str, pairs, at: datetime | None = None) -> None:
    """Several events of one kind, ``pairs`` of (learner_id, mentor_id), in one statement."""
    rows = [{"kind": kind, "learner_id": int(lid), "mentor_id": int(mid), "project_id": None, "value": None,
             "created_at": at or utcnow()} for lid, mid in pairs]
    if rows:
        db.session.execute(insert(MatchEvent), rows)
        if kind in DECISIONS:
            user_changed(*{r["mentor_id"] for r in rows})


def pair_events(kinds=KINDS) -> list[tuple[str, int, int, float | None, datetime]]:
    """(kind, learner id, mentor id, value, created_at) of every learner-mentor event, oldest first."""
    stmt = (select(MatchEvent.kind, MatchEvent.learner_id, MatchEvent.mentor_id, MatchEvent.value,
                   MatchEvent.created_at)
            .where(MatchEvent.mentor_id.is_not(None), MatchEvent.kind.in_(kinds))
            .order_by(MatchEvent.created_at, MatchEvent.id))
    return [tuple(r) for r in db.session.execute(stmt)]


def counts() -> dict[str, int]:
    return dict(db.session.execute(select(MatchEvent.kind, func.count()).group_by(MatchEvent.kind)).all())


def export_for(user_id: int) -> list[dict]:
    rows = db.session.scalars(select(MatchEvent).where((MatchEvent.learner_id == user_id)
                                                       | (MatchEvent.mentor_id == user_id)).order_by(MatchEvent.id))
    return [{"kind": e.kind, "learner_id": e.learner_id, "mentor_id": e.mentor_id, "project_id": e.project_id,
             "value": e.value, "at": e.created_at.isoformat()} for e in rows]


def erase_for(user_id: int) -> None:
    """Delete every event the person is in (no commit)."""
    db.session.execute(MatchEvent.__table__.delete().where((MatchEvent.learner_id == user_id)
                                                            | (MatchEvent.mentor_id == user_id)))

