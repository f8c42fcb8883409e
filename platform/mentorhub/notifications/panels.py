"""The notifications panel of the dashboard: the latest unread titles and the unread count of
the page header, in one query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..accounts.models import User
from ..validation import setting
from .queries import recent_unread_counted


@dataclass(frozen=True)
class UnreadLine:
    title: str
    created_at: datetime


def dashboard_panel(user: User) -> dict:
    """Data for templates/notifications/_dashboard.html (DASHBOARD_NOTIFICATIONS newest unread)."""
    return {"recent": [UnreadLine(n.title, n.created_at)
                       for n in recent_unread_counted(user, setting("DASHBOARD_NOTIFICATIONS"))]}
