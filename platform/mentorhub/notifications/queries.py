"""Notifications' reads for other features (layer 2)."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from .models import Notification

# ---- for api ----


def notifications_select(user: User, unread_only: bool = False):
    """``user``'s notifications (as services.list_notifications), for callers that page by cursor."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    return stmt.where(Notification.read_at.is_(None)) if unread_only else stmt
