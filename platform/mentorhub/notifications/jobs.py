"""Scheduled sweeps for notifications: each is safe to run again."""
from __future__ import annotations

from datetime import datetime

from . import digests, outbox


def deliver_outbox(now: datetime | None = None) -> dict:
    """Send the due outbox mail (SMTP when configured, else the log)."""
    return outbox.deliver_outbox(now)


def send_daily_digests(now: datetime | None = None) -> int:
    """Queue one digest email per user with pending digest notifications."""
    return digests.send_digests(now)
