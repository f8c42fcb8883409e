"""Profiles: the skills taxonomy, learner and mentor profiles, weekly availability.

A person's time zone is ``User.timezone`` (one per person, used for display everywhere);
availability windows are wall-clock times in that zone, converted to UTC per concrete
week by profiles/availability.py so that DST is always right.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import Base, UTCDateTime, link_table, utcnow


class Skill(Base):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(60))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Domain(Base):
    __tablename__ = "domains"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    is_retired: Mapped[bool] = mapped_column(Boolean, default=False)


learner_domains = link_table(
    "learner_domains", learner_id="learner_profiles.id", domain_id="domains.id"
)
learner_wanted_skills = link_table(
    "learner_wanted_skills", learner_id="learner_profiles.id", skill_id="skills.id"
)
mentor_domains = link_table(
    "mentor_domains", mentor_id="mentor_profiles.id", domain_id="domains.id"
)


class LearnerProfile(Base):
    __tablename__ = "learner_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    headline: Mapped[str] = mapped_column(String(120), default="")
    background: Mapped[str] = mapped_column(String(30), default="other")
    goals: Mapped[str] = mapped_column(Text, default="")
    target_track: Mapped[str] = mapped_column(String(30), default="ml_engineer")
    stage: Mapped[str] = mapped_column(String(30), default="foundations")
    languages: Mapped[str] = mapped_column(String(200), default="")  # comma-separated, lower case
    hours_per_week: Mapped[int] = mapped_column(SmallInteger, default=5)
    github_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    linkedin_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    website_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # Learner profiles are for members only unless the learner makes theirs public.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    skills: Mapped[list[LearnerSkill]] = relationship(back_populates="learner", cascade="all, delete-orphan")
    wanted_skills: Mapped[list[Skill]] = relationship(secondary=learner_wanted_skills)
    domains: Mapped[list[Domain]] = relationship(secondary=learner_domains)


class LearnerSkill(Base):
    __tablename__ = "learner_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    learner_id: Mapped[int] = mapped_column(ForeignKey("learner_profiles.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)

    learner: Mapped[LearnerProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()


class MentorProfile(Base):
    __tablename__ = "mentor_profiles"
    __table_args__ = (CheckConstraint("capacity BETWEEN 0 AND 10", name="capacity_range"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    headline: Mapped[str] = mapped_column(String(120), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    years_experience: Mapped[int] = mapped_column(SmallInteger, default=0)
    current_role: Mapped[str | None] = mapped_column(String(120), nullable=True)
    capacity: Mapped[int] = mapped_column(SmallInteger, default=2)
    is_accepting: Mapped[bool] = mapped_column(Boolean, default=True)
    session_minutes: Mapped[int] = mapped_column(SmallInteger, default=60)
    # Two-sided matching (matching/twosided.py): whom the mentor likes to mentor, comma-separated
    # slugs (empty: anyone), and the languages they mentor in (lower case; empty: not stated).
    pref_stages: Mapped[str] = mapped_column(String(200), default="")
    pref_domains: Mapped[str] = mapped_column(String(400), default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    github_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    linkedin_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    website_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    skills: Mapped[list[MentorSkill]] = relationship(back_populates="mentor", cascade="all, delete-orphan")
    domains: Mapped[list[Domain]] = relationship(secondary=mentor_domains)


class MentorSkill(Base):
    __tablename__ = "mentor_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)

    mentor: Mapped[MentorProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()


class AvailabilityWindow(Base):
    """A weekly window in the owner's own zone: weekday 0=Monday, minutes after local midnight."""

    __tablename__ = "availability_windows"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute",
                        name="minute_range"),
        UniqueConstraint("user_id", "weekday", "start_minute"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_minute: Mapped[int] = mapped_column(SmallInteger)
    end_minute: Mapped[int] = mapped_column(SmallInteger)
