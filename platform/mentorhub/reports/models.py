"""Abuse reports: what a member reported, why, and what the admins did about it. The reporter is
kept only so they can be told the outcome and export their own reports; no page shows them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

TARGETS = {
    "person": "a person",
    "message": "a message",
    "portfolio_item": "a portfolio item",
    "review": "a review",
    "project_idea": "a project idea",
}
REASONS = {
    "spam": "Spam or advertising",
    "harassment": "Harassment or bullying",
    "hateful": "Hateful or discriminating",
    "inappropriate": "Inappropriate or unsafe content",
    "other": "Something else",
}
# action -> (button, the status it leaves, what the reporter is told)
ACTIONS = {
    "dismiss": ("Dismiss", "dismissed", "We looked at it and took no action."),
    "warn": ("Warn", "warned", "We warned the member responsible."),
    "hide": ("Hide content", "hidden", "We hid the content you reported."),
    "suspend": ("Suspend", "suspended", "We suspended the member responsible."),
}


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                                                    index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    # the member responsible for the content (the person reported, the author …)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                                                       index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")  # the content as it was reported, for the admins
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
