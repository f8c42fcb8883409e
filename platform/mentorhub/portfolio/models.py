"""Portfolio: work items, their updates, feedback requests (the review queue), rubric reviews.

A feedback request is either addressed to one mentor ("ask my mentor") or put in the
community queue. A reviewer claims a request with a conditional UPDATE (see
feedback.claim_request); a claim expires after PORTFOLIO_CLAIM_HOURS and the request is
open again. ``active_item_id`` is set while a request is open or claimed and cleared when
it ends, so a unique constraint allows one active request per item on every backend.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
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
from ..profiles.models import Domain, Skill

VISIBILITIES = ("public", "members", "mentors")
STATUSES = ("draft", "seeking", "done")
REQUEST_MODES = ("mentor", "community")
REQUEST_STATUSES = ("open", "claimed", "reviewed", "withdrawn")

VISIBILITY_LABELS = {"public": "Everyone", "members": "Members", "mentors": "Mentors only"}
STATUS_LABELS = {"draft": "Draft", "seeking": "Seeking feedback", "done": "Done"}
# what an update's list of changed fields shows
FIELD_LABELS = {
    "title": "title", "summary": "summary", "body": "write-up", "repo_url": "repository link",
    "demo_url": "demo link", "skills": "skills", "domains": "domains", "project_id": "project idea",
    "notebook": "notebook",
}

portfolio_item_skills = link_table(
    "portfolio_item_skills", item_id="portfolio_items.id", skill_id="skills.id"
)
portfolio_item_domains = link_table(
    "portfolio_item_domains", item_id="portfolio_items.id", domain_id="domains.id"
)
reviewer_setting_skills = link_table(
    "reviewer_setting_skills", setting_id="reviewer_settings.id", skill_id="skills.id"
)


class PortfolioItem(Base):
    __tablename__ = "portfolio_items"
    __table_args__ = (
        CheckConstraint("visibility IN ('public', 'members', 'mentors')", name="visibility_values"),
        CheckConstraint("status IN ('draft', 'seeking', 'done')", name="status_values"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    repo_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    demo_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), nullable=True, index=True
    )
    visibility: Mapped[str] = mapped_column(String(10), default="members")
    status: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    notebook_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    notebook_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    notebook_hints: Mapped[list | None] = mapped_column(JSON, nullable=True)
    # The sanitised HTML of the notebook, rendered once when the upload was accepted.
    notebook_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # by the moderators (reports)

    owner: Mapped[User] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=portfolio_item_skills)
    domains: Mapped[list[Domain]] = relationship(secondary=portfolio_item_domains)
    updates: Mapped[list[PortfolioUpdate]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="PortfolioUpdate.id"
    )
    requests: Mapped[list[FeedbackRequest]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="FeedbackRequest.id"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Review.id"
    )


class PortfolioUpdate(Base):
    """What the author changed, so that earlier reviewers can see it."""

    __tablename__ = "portfolio_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("portfolio_items.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_fields: Mapped[list] = mapped_column(JSON, default=list)
    body_diff: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[PortfolioItem] = relationship(back_populates="updates")


class FeedbackRequest(Base):
    __tablename__ = "feedback_requests"
    __table_args__ = (
        CheckConstraint("mode IN ('mentor', 'community')", name="mode_values"),
        CheckConstraint("status IN ('open', 'claimed', 'reviewed', 'withdrawn')", name="status_values"),
        UniqueConstraint("active_item_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("portfolio_items.id", ondelete="CASCADE"), index=True)
    # Set to item_id while open or claimed, NULL afterwards: one active request per item.
    active_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(10))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    item: Mapped[PortfolioItem] = relationship(back_populates="requests")
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])


class Review(Base):
    __tablename__ = "portfolio_reviews"
    __table_args__ = (UniqueConstraint("request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("portfolio_items.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_requests.id", ondelete="SET NULL"), nullable=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item_version: Mapped[int] = mapped_column(Integer, default=1)
    summary: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str] = mapped_column(Text)
    is_helpful: Mapped[bool] = mapped_column(Boolean, default=False)
    helpful_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[PortfolioItem] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()
    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewScore.position"
    )
    replies: Mapped[list[ReviewReply]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewReply.id"
    )


class ReviewScore(Base):
    __tablename__ = "review_scores"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 4", name="score_range"),
        UniqueConstraint("review_id", "criterion"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("portfolio_reviews.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    score: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")


class ReviewReply(Base):
    __tablename__ = "review_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("portfolio_reviews.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="replies")
    author: Mapped[User] = relationship()


class ReviewerSetting(Base):
    """A peer reviewer's opt-in and the skills they want to review."""

    __tablename__ = "reviewer_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    is_opted_in: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=reviewer_setting_skills)
