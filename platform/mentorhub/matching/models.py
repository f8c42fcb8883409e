"""Matching: the change log the shared match index applies as deltas, and the admin's cohort
matching rounds."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow


class MatchChange(Base):
    """The change log of the match index: one row per write that changes what a person or a
    project looks like to matching, appended in the same transaction as the write. Readers
    apply the rows after the published build's ``seq`` as deltas (matching/overlay.py)."""

    __tablename__ = "match_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # never reuse a position, even after pruning

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # user, project, taxonomy
    entity_id: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CohortRound(Base):
    """An admin's matching round over a chosen set of learners: proposed pairs to review."""

    __tablename__ = "cohort_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft, approved, discarded
    learner_count: Mapped[int] = mapped_column(Integer, default=0)
    min_score: Mapped[float] = mapped_column(Float, default=0.0)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    pairs: Mapped[list[CohortPair]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                   order_by="CohortPair.id")


class CohortPair(Base):
    """One proposed learner-mentor pair of a round; approved pairs become mentorship offers."""

    __tablename__ = "cohort_pairs"
    __table_args__ = (UniqueConstraint("round_id", "learner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("cohort_rounds.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed, unmatched, removed, offered
    request_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    round: Mapped[CohortRound] = relationship(back_populates="pairs")
