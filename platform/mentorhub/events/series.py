"""Recurring meetups: the dates of a series, creating its occurrences ahead, ending it.

A series is a template; its occurrences are ordinary events numbered by ``series_index``
(unique per series), so two runs of the sweep never create one twice.
"""
from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import PermissionDenied
from ..validation import setting
from . import rules
from .models import Event, EventSeries
from .queries import when_for
from .rsvp import tell_everyone_answering

UTC = timezone.utc


def occurrence_date(first: date, frequency: str, index: int) -> date | None:
    """The local date of occurrence ``index``: weekly, every two weeks, or monthly on the same
    weekday of the month (the 2nd Tuesday; a 5th weekday becomes the last one)."""
    if frequency == "weekly":
        return first + timedelta(weeks=index)
    if frequency == "biweekly":
        return first + timedelta(weeks=2 * index)
    if frequency == "monthly":
        nth = (first.day - 1) // 7  # 0-based week of the month
        month0 = first.month - 1 + index
        year, month = first.year + month0 // 12, month0 % 12 + 1
        days = pycalendar.monthrange(year, month)[1]
        first_wd = date(year, month, 1).weekday()
        day = 1 + (first.weekday() - first_wd) % 7 + 7 * nth
        while day > days:
            day -= 7
        return date(year, month, day)
    raise ValueError(frequency)


def occurrence_start(series: EventSeries, index: int) -> datetime:
    """Same wall-clock time in the series' zone for every occurrence, so DST is right."""
    zone = ZoneInfo(series.timezone)
    first_local = series.first_starts_at.astimezone(zone)
    day = occurrence_date(first_local.date(), series.frequency, index)
    local = datetime.combine(day, time(first_local.hour, first_local.minute), tzinfo=zone)
    # A wall-clock time skipped by DST moves forward by the gap (02:30 → 03:30 in Berlin); one
    # that occurs twice is the first of the two (summer time), as for a meetup created by hand.
    return local.astimezone(UTC).astimezone(zone).astimezone(UTC)


def extend_series(series: EventSeries, now: datetime) -> int:
    """Create the series' missing occurrences up to the horizon (no commit). Safe to run twice
    at once: (series_id, series_index) is unique, and a collision is skipped."""
    if series.is_ended:
        return 0
    horizon = now + timedelta(days=setting("EVENTS_SERIES_HORIZON_DAYS"))
    have = set(db.session.scalars(select(Event.series_index).where(Event.series_id == series.id)))
    zone = ZoneInfo(series.timezone)
    created = 0
    for index in range(setting("EVENTS_SERIES_MAX_OCCURRENCES")):
        start = occurrence_start(series, index)
        if start > horizon and index > 0:  # the first one always exists, however far ahead
            break
        if series.until_date and start.astimezone(zone).date() > series.until_date:
            break
        if index in have or start <= now:
            continue
        event = Event(
            organiser_id=series.organiser_id, series_id=series.id, series_index=index, title=series.title,
            description=series.description, format=series.format, online_url=series.online_url,
            address=series.address, timezone=series.timezone, capacity=series.capacity, tags=series.tags,
            audience=series.audience, project_id=series.project_id, cohort_id=series.cohort_id,
            starts_at=start, ends_at=start + timedelta(minutes=series.duration_minutes), created_at=now,
            updated_at=now,
        )
        event.domains = list(series.domains)
        try:
            with db.session.begin_nested():
                db.session.add(event)
        except IntegrityError:
            continue
        created += 1
    return created


def extend_all_series(now: datetime | None = None) -> int:
    """Scheduler sweep: create occurrences ahead for every running series."""
    now = now or utcnow()
    total = 0
    for series_id in db.session.scalars(select(EventSeries.id).where(EventSeries.is_ended.is_(False))).all():
        series = db.session.get(EventSeries, series_id)
        total += extend_series(series, now)
        db.session.commit()
    return total


def end_series(actor: User, series: EventSeries, now: datetime | None = None) -> int:
    """Stop a series: no new occurrences; the future ones are cancelled. Returns how many."""
    reason = rules.can_manage(actor, series)
    if reason:
        raise PermissionDenied(reason)
    now = now or utcnow()
    series.is_ended = True
    future = db.session.scalars(
        select(Event).where(Event.series_id == series.id, Event.starts_at > now, Event.is_cancelled.is_(False))
    ).all()
    for event in future:
        event.is_cancelled = True
        tell_everyone_answering(
            event, f"Meetup cancelled: {event.title}",
            lambda user, event=event: f"The series “{series.title}” has ended; {when_for(user, event)} "
                                      "will not take place.")
    db.session.commit()
    return len(future)
