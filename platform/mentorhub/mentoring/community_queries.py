"""Reads of mentoring for the community features above it (the outcomes rule, abuse reports,
program statistics), kept apart so that queries.py stays under the size limit; the same rule
applies: other features read mentoring's tables only through these functions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from ..db import db
from .models import (
    CheckIn,
    MentoringSession,
    Mentorship,
    MentorshipRequest,
    RequestMessage,
)

# ---- for outcomes ----


def is_active_mentor_clause(mentor_id: int, learner_id: int):
    """True in SQL when ``mentor_id`` mentors ``learner_id`` in an active mentorship."""
    return select(Mentorship.id).where(Mentorship.mentor_id == mentor_id, Mentorship.learner_id == learner_id,
                                       Mentorship.status == "active").exists()

# ---- for reports ----


def message_for_report(message_id: int) -> tuple[int, str, tuple[int, int]] | None:
    """(author id, body, (learner id, mentor id)) of a request message, or None (one query)."""
    row = db.session.execute(select(RequestMessage.author_id, RequestMessage.body, MentorshipRequest.learner_id,
                                    MentorshipRequest.mentor_id)
                             .join(MentorshipRequest, MentorshipRequest.id == RequestMessage.request_id)
                             .where(RequestMessage.id == message_id)).first()
    return None if row is None else (row.author_id, row.body, (row.learner_id, row.mentor_id))


# ---- for stats ----


def matched_learners(people) -> Select:
    """The ids among the ``people`` select who have had a mentorship (a select to count)."""
    return select(Mentorship.learner_id).distinct().where(Mentorship.learner_id.in_(people))


def learners_with_session(people) -> Select:
    """... who have had a booked (not cancelled) session (a select to count)."""
    return (select(MentoringSession.learner_id).distinct().where(
        MentoringSession.learner_id.in_(people), MentoringSession.status != "cancelled"))


def learners_with_checkins(people, count: int) -> Select:
    """... who have answered at least ``count`` check-ins (a select to count)."""
    return (
        select(Mentorship.learner_id).join(CheckIn, CheckIn.mentorship_id == Mentorship.id)
        .where(Mentorship.learner_id.in_(people), CheckIn.submitted_at.is_not(None))
        .group_by(Mentorship.learner_id).having(func.count(CheckIn.id) >= count))


def first_session_delays(people) -> list[tuple[datetime, datetime]]:
    """(mentorship start, its first session's start) for the mentorships of the ``people`` select
    that have a session (one query)."""
    return [tuple(r) for r in db.session.execute(
        select(Mentorship.started_at, func.min(MentoringSession.starts_at))
        .join(MentoringSession, MentoringSession.mentorship_id == Mentorship.id)
        .where(Mentorship.learner_id.in_(people), MentoringSession.status != "cancelled")
        .group_by(Mentorship.id, Mentorship.started_at))]


def request_response_times(people) -> list[tuple[datetime, datetime]]:
    """(sent, answered) of the answered mentorship requests the ``people`` select sent (one query)."""
    return [tuple(r) for r in db.session.execute(
        select(MentorshipRequest.created_at, MentorshipRequest.responded_at)
        .where(MentorshipRequest.learner_id.in_(people), MentorshipRequest.responded_at.is_not(None)))]


def mentorship_spans(people) -> list[tuple[datetime, datetime | None]]:
    """(started, ended or None) of the mentorships of the ``people`` select (one query)."""
    return [tuple(r) for r in db.session.execute(
        select(Mentorship.started_at, Mentorship.ended_at).where(Mentorship.learner_id.in_(people)))]
