"""Matching: the admin's cohort matching rounds (the change log lives in mentorhub/generations.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow


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


class WeightSet(Base):
    """Component weights fitted by ``flask match-tune`` on outcome events. At most one is active;
    with none active the weights of the settings (MATCH_WEIGHT_*) apply. Rolling back
    deactivates the active set and reactivates the one before it."""

    __tablename__ = "match_weight_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    weights: Mapped[str] = mapped_column(String(400))  # JSON: component -> weight
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    events: Mapped[int] = mapped_column(Integer, default=0)  # labelled events it was fitted on (train + held-out)
    heldout: Mapped[int] = mapped_column(Integer, default=0)
    auc_before: Mapped[float] = mapped_column(Float, default=0.0)
    auc_after: Mapped[float] = mapped_column(Float, default=0.0)
    ndcg_before: Mapped[float] = mapped_column(Float, default=0.0)
    ndcg_after: Mapped[float] = mapped_column(Float, default=0.0)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rolled_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
