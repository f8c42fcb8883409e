"""Mentoring's part of a person's data: export_user_data and erase_user_data (called by the
account's export and deletion; erase does not commit).
"""
from __future__ import annotations

from sqlalchemy import delete, or_, select, update

from ..accounts.models import User
from ..db import db, utcnow
from ..generations import user_changed
from .models import (
    REQUEST_OPEN,
    CheckIn,
    MentoringSession,
    Mentorship,
    MentorshipRating,
    MentorshipRequest,
    RequestMessage,
    SessionNote,
)
from .queries import mentorships_for, sessions_of


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
    now = utcnow()
    db.session.execute(delete(SessionNote).where(SessionNote.author_id == user.id))
    db.session.execute(delete(MentorshipRating).where(MentorshipRating.rater_id == user.id))
    db.session.execute(delete(RequestMessage).where(RequestMessage.author_id == user.id))
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
