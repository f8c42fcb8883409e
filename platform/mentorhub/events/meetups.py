"""Meetups: creating (one, or the first of a series), editing, cancelling, marking attendance.

Each write checks its rule in rules.py first, validates everything before it writes, and
commits once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import PermissionDenied, ValidationError
from ..profiles.queries import domains_by_ids
from ..projects import queries as projects
from ..timeutil import is_valid_zone
from ..validation import date_in_window, db_ids, integer, setting, text, url
from . import rules
from .models import AUDIENCES, FORMATS, FREQUENCIES, Cohort, Event, EventSeries
from .queries import rsvps_with, when_for
from .rsvp import fill_from_waitlist, tell_everyone_answering
from .series import extend_series

UTC = timezone.utc
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9 +#._-]{0,29}$")


def one_id(value) -> int | None:
    """A submitted id as an int, or None when it is no number or no id a table could hold."""
    return next(iter(db_ids([value])), None) if value is not None else None


def local_to_utc(local: datetime, tz_name: str, field_name: str, keep: datetime | None = None) -> datetime:
    """A wall-clock time in ``tz_name`` as aware UTC; a time skipped by a DST change is refused.
    A time that occurs twice (clocks going back) is the first one, unless ``keep`` (the stored
    value) shows that same wall-clock time: then it stays as stored, so saving an edit form
    unchanged never moves a meetup by an hour."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    zone = ZoneInfo(tz_name)
    if keep is not None and keep.astimezone(zone).replace(tzinfo=None) == local:
        return keep.astimezone(UTC)
    aware = local.replace(tzinfo=zone)
    try:
        back = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by the zone's offset
        raise ValidationError("That date is out of range; pick one in the coming years.",
                              field=field_name) from None
    if back != local:
        raise ValidationError(
            f"{local:%d %b %Y %H:%M} does not exist in {tz_name}: the clocks change then. Pick another time.",
            field=field_name,
        )
    return aware.astimezone(UTC)


@dataclass
class EventData:
    """What an organiser submits. Start and end are wall-clock times in ``timezone``."""

    title: str
    starts_local: datetime | None
    ends_local: datetime | None
    capacity: int | None
    timezone: str = "UTC"
    description: str = ""
    format: str = "online"
    online_url: str | None = None
    address: str | None = None
    domain_ids: list[int] = field(default_factory=list)
    tags: str = ""
    audience: str = "everyone"
    project_id: int | None = None
    cohort_id: int | None = None
    frequency: str | None = None  # None, weekly, biweekly, monthly
    until: date | None = None


def _times(data: EventData, *, require_future: bool, now: datetime, current: Event | None) -> tuple:
    if not is_valid_zone(data.timezone):
        raise ValidationError("Choose a time zone from the list, such as Europe/Berlin.", field="timezone")
    if data.starts_local is None:
        raise ValidationError("Enter when the meetup starts.", field="starts_local")
    if data.ends_local is None:
        raise ValidationError("Enter when the meetup ends.", field="ends_local")
    starts_at = local_to_utc(data.starts_local, data.timezone, "starts_local",
                             keep=current.starts_at if current is not None else None)
    ends_at = local_to_utc(data.ends_local, data.timezone, "ends_local",
                           keep=current.ends_at if current is not None else None)
    if ends_at <= starts_at:
        raise ValidationError("The end must be after the start.", field="ends_local")
    if ends_at - starts_at > timedelta(hours=setting("EVENTS_MAX_DURATION_HOURS")):
        raise ValidationError(f"A meetup can last at most {setting('EVENTS_MAX_DURATION_HOURS')} hours.",
                              field="ends_local")
    if require_future and starts_at <= now:
        raise ValidationError("The start must be in the future.", field="starts_local")
    date_in_window(data.starts_local, today=now.date(), field="starts_local", label="The start date")
    return starts_at, ends_at


def _tags(raw_tags: str) -> list[str]:
    tags = []
    for raw in (raw_tags or "").split(","):
        tag = " ".join(raw.split()).lower()
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise ValidationError(f"“{tag[:30]}” is not a usable tag: letters, digits, spaces, + # . _ -; "
                                  "at most 30 characters.", field="tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > setting("EVENTS_MAX_TAGS"):
        raise ValidationError(f"Use at most {setting('EVENTS_MAX_TAGS')} tags.", field="tags")
    return tags


def _audience(actor: User, data: EventData) -> tuple[int | None, int | None]:
    """The project and cohort a meetup is for, checked against who ``actor`` may address."""
    if data.audience not in AUDIENCES:
        raise ValidationError("Choose who the meetup is for.", field="audience")
    if data.audience == "project":
        project_id = one_id(data.project_id)
        if project_id is None:
            raise ValidationError("Choose the project team.", field="project_id")
        team = projects.team_ids(project_id)
        if not actor.is_admin and actor.id not in team:
            raise ValidationError("Choose a project team you belong to.", field="project_id")
        if not team:
            raise ValidationError("No such project.", field="project_id")
        return project_id, None
    if data.audience == "cohort":
        cohort_id = one_id(data.cohort_id)
        cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
        if cohort is None:
            raise ValidationError("Choose a cohort.", field="cohort_id")
        if rules.can_manage_cohort(actor, cohort):
            raise ValidationError("Choose a cohort you organise.", field="cohort_id")
        return None, cohort_id
    return None, None


def _clean(actor: User, data: EventData, *, require_future: bool, now: datetime,
           current: Event | None = None) -> dict:
    title = text(" ".join((data.title or "").split()), field="title", label="the title", required=True,
                 max_len=setting("EVENTS_TITLE_MAX"))
    description = text(data.description, field="description", label="the description",
                       max_len=setting("EVENTS_DESCRIPTION_MAX"))
    starts_at, ends_at = _times(data, require_future=require_future, now=now, current=current)
    capacity = integer(data.capacity, field="capacity", label="capacity", low=1, high=setting("EVENTS_MAX_CAPACITY"))
    if data.format not in FORMATS:
        raise ValidationError("Choose online or in person.", field="format")
    online_url = address = None
    if data.format == "online":
        online_url = url(data.online_url, field="online_url", label="meeting link")
    else:
        address = text(" ".join((data.address or "").split()), field="address", label="the address",
                       max_len=setting("EVENTS_ADDRESS_MAX"))
        if not address:
            raise ValidationError("Enter the address of the venue.", field="address")
    tags = _tags(data.tags)
    domain_list = []
    if data.domain_ids:
        domain_list = domains_by_ids(db_ids(data.domain_ids))
        if len(domain_list) != len(set(data.domain_ids)):
            raise ValidationError("Choose domains from the list.", field="domain_ids")
    project_id, cohort_id = _audience(actor, data)
    return dict(title=title, description=description, timezone=data.timezone, starts_at=starts_at,
                ends_at=ends_at, capacity=capacity, format=data.format, online_url=online_url,
                address=address, tags=",".join(tags), domains=domain_list, audience=data.audience,
                project_id=project_id, cohort_id=cohort_id)


def create_event(actor: User, data: EventData, now: datetime | None = None) -> Event:
    """One meetup, or with ``data.frequency`` a series whose first occurrence is returned."""
    event = add_event(actor, data, now)
    db.session.commit()
    return event


def add_event(actor: User, data: EventData, now: datetime | None = None) -> Event:
    """``create_event`` without the commit, for a caller that writes more in the same unit."""
    if rules.can_organise(actor):
        raise PermissionDenied("Only mentors, organisers and admins can organise meetups.")
    now = now or utcnow()
    values = _clean(actor, data, require_future=True, now=now)
    if data.frequency:
        if data.frequency not in FREQUENCIES:
            raise ValidationError("Choose how often the meetup repeats.", field="frequency")
        start_local_date = values["starts_at"].astimezone(ZoneInfo(values["timezone"])).date()
        if data.until is not None:
            date_in_window(data.until, today=now.date(), field="until", label="The last date of the series")
        if data.until is not None and data.until < start_local_date:
            raise ValidationError("The last date must be on or after the first meetup.", field="until")
        shared = {k: v for k, v in values.items() if k not in ("starts_at", "ends_at", "domains")}
        series = EventSeries(organiser_id=actor.id, frequency=data.frequency, first_starts_at=values["starts_at"],
                             duration_minutes=int((values["ends_at"] - values["starts_at"]).total_seconds() // 60),
                             until_date=data.until, created_at=now, **shared)
        series.domains = values["domains"]
        db.session.add(series)
        db.session.flush()
        extend_series(series, now)
        event = db.session.scalar(select(Event).where(Event.series_id == series.id).order_by(Event.series_index))
    else:
        event = Event(organiser_id=actor.id, created_at=now, updated_at=now,
                      **{k: v for k, v in values.items() if k != "domains"})
        event.domains = values["domains"]
        db.session.add(event)
        db.session.flush()
    return event


def update_event(actor: User, event: Event, data: EventData, now: datetime | None = None) -> Event:
    """Edit one meetup (one occurrence of a series: moving it marks it moved)."""
    reason = rules.can_edit(actor, event)
    if reason:
        raise (PermissionDenied if rules.can_manage(actor, event) else ValidationError)(reason)
    now = now or utcnow()
    values = _clean(actor, data, require_future=False, now=now, current=event)
    moved = values["starts_at"] != event.starts_at or values["ends_at"] != event.ends_at
    if moved and values["starts_at"] <= now:
        raise ValidationError("A meetup can only be moved to a time in the future.", field="starts_local")
    # The capacity changes only if it still holds everyone going (checked in the same statement).
    changed = db.session.execute(
        update(Event).where(Event.id == event.id, Event.going_count <= values["capacity"])
        .values(capacity=values["capacity"]).execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        db.session.rollback()
        raise ValidationError(
            f"{event.going_count} people are already going: the capacity cannot be lower than that.",
            field="capacity",
        )
    db.session.refresh(event)
    for key, value in values.items():
        if key not in ("capacity", "domains"):
            setattr(event, key, value)
    event.domains = values["domains"]
    if moved and event.series_id:
        event.is_moved = True
    event.updated_at = now
    db.session.flush()
    if moved:
        tell_everyone_answering(event, f"Meetup moved: {event.title}",
                                lambda user: f"“{event.title}” now starts at {when_for(user, event)}.")
    fill_from_waitlist(event, now)
    db.session.commit()
    return event


def cancel_event(actor: User, event: Event, now: datetime | None = None) -> Event:
    """Cancel one meetup (or one occurrence of a series); everyone going or waiting is told."""
    now = now or utcnow()
    reason = rules.can_cancel(actor, event, now)
    if reason and rules.can_manage(actor, event):
        raise PermissionDenied(reason)
    if event.is_cancelled:
        return event
    if reason:
        raise ValidationError(reason)
    event.is_cancelled = True
    event.updated_at = now
    tell_everyone_answering(event, f"Meetup cancelled: {event.title}",
                            lambda user: f"“{event.title}” on {when_for(user, event)} will not take place.")
    db.session.commit()
    return event


def mark_attendance(actor: User, event: Event, attended_user_ids: set[int], now: datetime | None = None) -> int:
    """After the start, the organiser marks who came (among those going). Returns how many came."""
    now = now or utcnow()
    reason = rules.can_mark_attendance(actor, event, now)
    if reason:
        raise (PermissionDenied if rules.can_manage(actor, event) else ValidationError)(reason)
    going = rsvps_with(event, ("going",))
    known = {r.user_id for r in going}
    if set(attended_user_ids) - known:
        raise ValidationError("Only people who said they were going can be marked.")
    for r in going:
        r.is_attended = r.user_id in attended_user_ids
    event.attendance_marked_at = now
    db.session.commit()
    return len(set(attended_user_ids))
