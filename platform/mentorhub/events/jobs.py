"""Scheduled sweeps of the events feature: each is idempotent and safe to run twice at once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..db import db, utcnow
from ..notifications.notify import notify
from ..validation import setting
from .models import Event
from .queries import event_link, rsvps_with, when_for
from .series import extend_all_series


def create_series_occurrences(now: datetime | None = None) -> int:
    """Create the occurrences of every running series up to EVENTS_SERIES_HORIZON_DAYS ahead."""
    return extend_all_series(now)


def send_event_reminders(now: datetime | None = None) -> int:
    """Remind people going 24 h and 1 h before. Keyed by event, person, kind and start time, so a
    re-run never sends twice and a moved meetup gets fresh reminders. A reminder whose moment
    has passed is skipped when a later one is already due (no 24 h note 20 minutes before)."""
    now = now or utcnow()
    hours = sorted(setting("EVENTS_REMINDER_HOURS"))  # e.g. (1, 24)
    longest = timedelta(hours=hours[-1])
    events = db.session.scalars(
        select(Event).where(Event.is_cancelled.is_(False), Event.starts_at > now, Event.starts_at <= now + longest)
        .order_by(Event.starts_at)
    ).all()
    sent = 0
    for event in events:
        left = event.starts_at - now
        due = next(h for h in hours if left <= timedelta(hours=h))  # the tightest reminder now due
        stamp = int(event.starts_at.timestamp())
        for r in rsvps_with(event, ("going",)):
            note = notify(
                r.user, "event_reminder",
                f"{'In 1 hour' if due == 1 else f'In {due} hours'}: {event.title}",
                f"“{event.title}” starts at {when_for(r.user, event)}."
                + (" The link is on the meetup page." if event.is_online else f" Where: {event.address}."),
                link=event_link(event), key=f"event-reminder:{event.id}:{r.user_id}:{due}h:{stamp}",
            )
            sent += note is not None
        db.session.commit()
    return sent
