"""Models of the events feature: meetups, series, RSVPs with a waitlist, cohorts.

An ``Event`` is one meetup. A ``EventSeries`` is the template of a recurring meetup; the
scheduler creates its occurrences ahead of time as ordinary events (``series_index`` is
their number in the series, unique, so two runs never create one twice). One occurrence can
be cancelled or moved like any event; its row stays, so it is never recreated.

Seats: ``Event.going_count`` is taken by a conditional UPDATE (``going_count < capacity``),
never read-then-written, so concurrent RSVPs can never go over capacity.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import Base, UTCDateTime, link_table, utcnow
from ..profiles.models import Domain

FORMATS = ("online", "in_person")
AUDIENCES = ("everyone", "project", "cohort")
FREQUENCIES = ("weekly", "biweekly", "monthly")
RSVP_STATUSES = ("going", "waitlisted", "declined")

event_domains = link_table("event_domains", event_id="events.id", domain_id="domains.id")
# Who may manage a cohort (besides admins): appointed by an admin, or its creator.
cohort_organisers = link_table("cohort_organisers", cohort_id="cohorts.id", user_id="users.id")
event_series_domains = link_table(
    "event_series_domains", series_id="event_series.id", domain_id="domains.id"
)


class Cohort(Base):
    """A named group of members (a study group, an intake), managed by organisers."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[CohortMember]] = relationship(back_populates="cohort", cascade="all, delete-orphan")
    organisers: Mapped[list[User]] = relationship(secondary=cohort_organisers, order_by=User.display_name)


class CohortMember(Base):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class _EventFields:
    """Columns an event and a series template share."""

    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(12), default="online")
    online_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")  # the organiser's zone for this event
    capacity: Mapped[int] = mapped_column(Integer)
    tags: Mapped[str] = mapped_column(String(300), default="")  # comma separated, lower case
    audience: Mapped[str] = mapped_column(String(10), default="everyone")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), nullable=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), nullable=True)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    @property
    def is_online(self) -> bool:
        return self.format == "online"


class EventSeries(_EventFields, Base):
    """A recurring meetup: local start time and duration in ``timezone``; occurrences are Events."""

    __tablename__ = "event_series"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    frequency: Mapped[str] = mapped_column(String(10))
    first_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    until_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # last day, organiser's zone
    is_ended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organiser: Mapped[User] = relationship()
    domains: Mapped[list[Domain]] = relationship(secondary=event_series_domains)
    events: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.series_index")


class Event(_EventFields, Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("going_count >= 0 AND going_count <= capacity", name="seats_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        UniqueConstraint("series_id", "series_index"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"),
                                                  nullable=True, index=True)
    series_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    going_count: Mapped[int] = mapped_column(Integer, default=0)
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    is_moved: Mapped[bool] = mapped_column(Boolean, default=False)  # an occurrence moved off its series slot
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organiser: Mapped[User] = relationship()
    series: Mapped[EventSeries | None] = relationship(back_populates="events")
    cohort: Mapped[Cohort | None] = relationship()
    domains: Mapped[list[Domain]] = relationship(secondary=event_domains)
    rsvps: Mapped[list[Rsvp]] = relationship(back_populates="event", cascade="all, delete-orphan")

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.going_count)


class Rsvp(Base):
    """One person's answer to one event. ``waitlisted_at`` orders the waitlist (then id)."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="declined", index=True)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # set by the organiser afterwards
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="rsvps")
    user: Mapped[User] = relationship()
