"""Notifications read by views and other modules: the centre's list and the unread count."""
from __future__ import annotations

from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import bindparam, case, func, select

from ..accounts.models import User
from ..db import db
from ..pagination import Page, paginate
from ..validation import setting
from .models import Notification, OutboxEmail

# Built once at import: the page header of every logged-in page runs it.
_UNREAD_COUNT = select(func.count(Notification.id)).where(Notification.user_id == bindparam("user_id"),
                                                           Notification.read_at.is_(None))


def unread_count(user: User) -> int:
    counted = g.get("unread_counted") if has_request_context() else None
    if counted is not None and counted[0] == user.id:
        return counted[1]  # recent_unread_counted ran this request (the dashboard: no second query)
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


def recent_unread_counted(user: User, limit: int) -> list[Notification]:
    """The ``limit`` newest unread notifications and the unread count in one query; the count is remembered for the rest
    of the request, so the page header's ``unread_count`` runs none (a read-only page only)."""
    rows = db.session.execute(
        select(Notification, func.count().over()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()
    if has_request_context():
        g.unread_counted = (user.id, rows[0][1] if rows else 0)
    return [n for n, _ in rows]


def list_notifications(user: User, page: int, unread_only: bool = False) -> Page:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc())
    return paginate(db.session, stmt, page, setting("NOTIFICATIONS_PAGE_SIZE"))


# ---- for operations ----


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


# ---- for api ----


def notifications_select(user: User, unread_only: bool = False):
    """``user``'s notifications (as services.list_notifications), for callers that page by cursor."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    return stmt.where(Notification.read_at.is_(None)) if unread_only else stmt
