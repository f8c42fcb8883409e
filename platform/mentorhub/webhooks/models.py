"""Outgoing webhooks: endpoints organisers register, the deliveries queued for them (an outbox
the scheduler sweeps) and how far the sweep has read each feature's happenings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

TARGETS = {"discord": "Discord", "slack": "Slack", "generic": "Generic JSON"}
EVENTS = {
    "meetup.created": "A new meetup",
    "project.created": "A new project idea",
    "milestone.reached": "A project milestone ticked",
    "portfolio.review_requested": "A portfolio item seeking review",
}


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(10))  # discord | slack | generic
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(64))  # the HMAC-SHA256 key; shown to the owner
    events: Mapped[str] = mapped_column(String(200))  # comma separated EVENTS keys
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def event_list(self) -> list[str]:
        return [e for e in self.events.split(",") if e]


class WebhookDelivery(Base):
    """One happening for one endpoint. ``(webhook_id, event_key)`` is unique: never sent twice."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "event_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    event_key: Mapped[str] = mapped_column(String(120))
    event: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the JSON payload, formatted for the target
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the receiver's HTTP status
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookCursor(Base):
    """How far the sweep has read one kind of happening (its time; late commits are re-read)."""

    __tablename__ = "webhook_cursors"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    seen_until: Mapped[datetime] = mapped_column(UTCDateTime)
