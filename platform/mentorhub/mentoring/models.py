"""Mentoring: requests, mentorships, goals, sessions with notes and action items, check-ins, ratings.

Every time is an aware UTC instant; it is shown in each viewer's own zone at the edge.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import Base, UTCDateTime, utcnow

CADENCES = {"weekly": "Every week", "biweekly": "Every two weeks", "monthly": "Every month"}

# Request states: pending and info_requested are "open" (they count against the learner's limit).
REQUEST_OPEN = ("pending", "info_requested")
REQUEST_STATES = ("pending", "info_requested", "accepted", "declined", "withdrawn", "expired")


class MentorshipRequest(Base):
    __tablename__ = "mentorship_requests"
    __table_args__ = (
        Index("ix_mentorship_requests_status_created", "status", "created_at"),
        Index("ix_mentorship_requests_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    goals: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    expectations: Mapped[str] = mapped_column(Text, default="")
    cadence: Mapped[str] = mapped_column(String(20), default="biweekly")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # An admin's approved cohort pair: the mentor confirms it through the normal accept flow.
    is_offer: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request", order_by="RequestMessage.created_at", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status in REQUEST_OPEN


class RequestMessage(Base):
    """The thread on a request: the mentor asks for more, the learner answers."""

    __tablename__ = "mentorship_request_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("mentorship_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[MentorshipRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class Mentorship(Base):
    __tablename__ = "mentorships"
    __table_args__ = (
        Index("ix_mentorships_status_next_checkin", "status", "next_checkin_at"),
        Index("ix_mentorships_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentorship_requests.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    cadence: Mapped[str] = mapped_column(String(20), default="biweekly")
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | ended
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_checkin_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    is_rematch_requested: Mapped[bool] = mapped_column(Boolean, default=False)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    goals: Mapped[list[MentorshipGoal]] = relationship(
        back_populates="mentorship", order_by="MentorshipGoal.id", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def other(self, user_id: int) -> User:
        return self.mentor if user_id == self.learner_id else self.learner


class MentorshipGoal(Base):
    __tablename__ = "mentorship_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    is_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    mentorship: Mapped[Mentorship] = relationship(back_populates="goals")


class MentorshipRating(Base):
    """Private: given when ending. Mentors' ratings are shown only as an aggregate."""

    __tablename__ = "mentorship_ratings"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "rater_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    rater_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    ratee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    ratee_role: Mapped[str] = mapped_column(String(10))  # mentor | learner
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublishedMentorRating(Base):
    """The average of a mentor's ratings as shown to others. It changes only once enough new
    ratings have arrived since the last publication (MENTORING_RATING_PUBLISH_EVERY), and in half
    points, so nobody can work out one private rating from the change."""

    __tablename__ = "published_mentor_ratings"
    __table_args__ = (CheckConstraint("average_halves BETWEEN 2 AND 10", name="average_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    average_halves: Mapped[int] = mapped_column(SmallInteger)  # the published average times two: 9 is 4.5
    rating_count: Mapped[int] = mapped_column(Integer)  # ratings counted at the publication
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MentoringSession(Base):
    """A booked meeting. ``slot_starts_at`` equals ``starts_at`` while booked and is cleared on
    cancelling, so the unique (mentor, slot) pair refuses a second booking of a live slot."""

    __tablename__ = "mentoring_sessions"
    __table_args__ = (
        UniqueConstraint("mentor_id", "slot_starts_at"),
        Index("ix_mentoring_sessions_status_starts", "status", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="booked")  # booked | cancelled
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE: bumped on change
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Which reminders went out for the current start time ("24,1"), reset on rescheduling.
    reminders_sent: Mapped[str] = mapped_column(String(40), default="")

    mentorship: Mapped[Mentorship] = relationship()
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])

    @property
    def is_booked(self) -> bool:
        return self.status == "booked"


class SessionNote(Base):
    """Private to its writer."""

    __tablename__ = "mentoring_session_notes"
    __table_args__ = (UniqueConstraint("session_id", "author_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActionItem(Base):
    """Agreed in a session; open ones carry into the next check-in."""

    __tablename__ = "mentoring_action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_sessions.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(200))
    is_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CheckIn(Base):
    """One per mentorship per cadence period; the unique (mentorship, due_at) makes creation idempotent."""

    __tablename__ = "mentoring_checkins"
    __table_args__ = (
        UniqueConstraint("mentorship_id", "due_at"),
        Index("ix_mentoring_checkins_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | answered | responded | missed
    progress: Mapped[str] = mapped_column(Text, default="")
    blockers: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    mentor_response: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    mentorship: Mapped[Mentorship] = relationship()
