"""Reads other features may call about notifications and the email outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select

from ..db import db
from .models import OutboxEmail


def outbox_summary(now: datetime) -> dict:
    """Counts by status, the mail due now and unsent (the backlog) and when the oldest of it
    was queued: one query."""
    due = (OutboxEmail.status.in_(("pending", "sending"))) & (OutboxEmail.next_attempt_at <= now)
    rows = db.session.execute(
        select(OutboxEmail.status, func.count(), func.sum(case((due, 1), else_=0)),
               func.min(case((due, OutboxEmail.created_at), else_=None)))
        .group_by(OutboxEmail.status)).all()
    oldest = [r[3] for r in rows if r[3] is not None]
    return {"by_status": {r[0]: r[1] for r in rows}, "backlog": sum(int(r[2] or 0) for r in rows),
            "oldest_due_at": min(oldest) if oldest else None}
