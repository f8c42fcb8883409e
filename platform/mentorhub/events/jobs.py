"""Scheduled sweeps of the events feature: each is idempotent and safe to run twice at once."""
from __future__ import annotations

from datetime import datetime

from . import services


def create_series_occurrences(now: datetime | None = None) -> int:
    """Create the occurrences of every running series up to EVENTS_SERIES_HORIZON_DAYS ahead."""
    return services.extend_all_series(now)


def send_event_reminders(now: datetime | None = None) -> int:
    """Remind people going, 24 hours and 1 hour before (each reminder keyed, so sent once)."""
    return services.send_reminders(now)
