"""Scheduled sweeps for mentoring: each is idempotent (claimed rows, unique notify keys)."""
from __future__ import annotations

from datetime import datetime

from ..db import utcnow
from . import services


def session_reminders(now: datetime | None = None) -> int:
    return services.send_session_reminders(now or utcnow())


def request_reminders_and_expiry(now: datetime | None = None) -> dict:
    return services.remind_and_expire_requests(now or utcnow())


def create_checkins(now: datetime | None = None) -> int:
    return services.create_due_checkins(now or utcnow())


def checkin_nudges_and_misses(now: datetime | None = None) -> dict:
    return services.nudge_and_miss_checkins(now or utcnow())
