"""Scheduled sweeps of the portfolio: release expired claims, remind reviewers of waiting work."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..accounts.models import User
from ..db import db, utcnow
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import setting
from . import rules
from .models import FeedbackRequest, ReviewerSetting


def release_expired_claims(now: datetime | None = None) -> int:
    """Claims past their expiry go back to the queue (the claim itself is checked on every
    claim and review too, so this only tidies up what the author and queue show)."""
    now = now or utcnow()
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.status == "claimed", FeedbackRequest.claim_expires_at < now,
               FeedbackRequest.active_item_id.is_not(None))
        .values(status="open", claimed_by_id=None, claimed_at=None, claim_expires_at=None)
        .execution_options(synchronize_session="fetch")
    )
    db.session.commit()
    return result.rowcount or 0


def remind_unclaimed(now: datetime | None = None) -> int:
    """Work nobody has claimed for PORTFOLIO_REMINDER_DAYS: tell the matching reviewers (the
    asked mentor for a mentor request). Once per request per period of that many days;
    every notification has a key, so running again never sends twice."""
    now = now or utcnow()
    days = setting("PORTFOLIO_REMINDER_DAYS")
    limit = setting("PORTFOLIO_REMINDER_MAX_REVIEWERS")
    cutoff = now - timedelta(days=days)
    due = db.session.scalars(
        select(FeedbackRequest)
        .where(
            FeedbackRequest.created_at <= cutoff,
            rules.available(now),
        )
        .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
    ).all()
    settings = db.session.scalars(
        select(ReviewerSetting).join(User, User.id == ReviewerSetting.user_id)
        .where(ReviewerSetting.is_opted_in.is_(True), User.is_deleted.is_(False), User.is_suspended.is_(False))
        .order_by(ReviewerSetting.id)
    ).all()
    sent = 0
    for req in due:
        item = req.item
        period = int((now - req.created_at).total_seconds() // (days * 86400))
        if req.mode == "mentor":
            targets = [req.mentor] if req.mentor is not None else []
        else:
            targets = [s.user for s in settings
                       if s.user_id != item.owner_id and rules.can_see(s.user, item) is None and rules.matches(s, item)][:limit]
        waited = (now - req.created_at).days
        for user in targets:
            note = notify(user, "review_queue", f"“{item.title}” has waited {waited} days for feedback",
                          "Nobody has picked this up yet. Could you take a look?", link=path_for("portfolio.queue"),
                          key=f"portfolio:remind:{req.id}:{period}:{user.id}")
            if note is not None:
                sent += 1
    db.session.commit()
    return sent
