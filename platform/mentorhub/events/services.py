"""Events: every write and every permission check for meetups, series, RSVPs and cohorts.

Seats are taken with a conditional UPDATE (``going_count < capacity``) and an RSVP changes
state with a conditional UPDATE on its old state, so neither concurrent RSVPs nor a double
click can put an event over capacity or count one person twice (SQLite and PostgreSQL).
"""
from __future__ import annotations

import calendar as pycalendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..accounts.models import User
from ..db import MAX_DB_INT, db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..notifications.notify import notify
from ..pagination import Page, paginate
from ..profiles.models import Domain, MentorProfile
from ..timeutil import is_valid_zone
from ..validation import date_in_window
from .models import (
    AUDIENCES,
    FORMATS,
    FREQUENCIES,
    Cohort,
    CohortMember,
    Event,
    EventSeries,
    Rsvp,
    cohort_organisers,
)
from .ties import tied_ids, tied_people

UTC = timezone.utc
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9 +#._-]{0,29}$")


def _cfg(name: str):
    return current_app.config[name]


def _db_id(value) -> int | None:
    """A submitted id as an int, or None when it is no number or no id a table could hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_DB_INT else None


# ---- rights ------------------------------------------------------------------------------------


def may_organise(user: User | None, has_mentor_profile: bool | None = None) -> bool:
    """Admins, members an admin made organisers, and mentors (anyone with a mentor profile;
    ``has_mentor_profile`` when the caller already knows, saving the query)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin or user.is_organiser:
        return True
    if has_mentor_profile is not None:
        return has_mentor_profile
    return db.session.scalar(select(exists().where(MentorProfile.user_id == user.id))) or False


def may_manage(actor: User, event: Event | EventSeries) -> bool:
    """Only the organiser or an admin edits an event, sees its list, marks attendance."""
    return bool(actor is not None and actor.is_authenticated and (actor.is_admin or event.organiser_id == actor.id))


def _require_manage(actor: User, event: Event | EventSeries) -> None:
    if not may_manage(actor, event):
        raise PermissionDenied("Only the organiser or an admin can do that.")


def project_team_ids(project_id: int) -> set[int]:
    """Members of a project team: its contributors, owner and champion."""
    from ..projects.models import Project, ProjectMember

    project = db.session.get(Project, project_id)
    if project is None:
        return set()
    ids = set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)))
    ids.add(project.owner_id)
    if project.champion_id:
        ids.add(project.champion_id)
    return ids


def cohort_member_ids(cohort_id: int) -> set[int]:
    return set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))


def in_audience(user: User, event: Event | EventSeries) -> bool:
    if event.audience == "everyone":
        return True
    if event.audience == "project" and event.project_id:
        return user.id in project_team_ids(event.project_id)
    if event.audience == "cohort" and event.cohort_id:
        return user.id in cohort_member_ids(event.cohort_id)
    return False


def can_view(user: User, event: Event) -> bool:
    return may_manage(user, event) or in_audience(user, event)


def _visible_clause(user: User):
    """SQL filter: the events ``user`` may see in lists."""
    if user.is_admin:
        return true()
    from ..projects.models import Project, ProjectMember

    team = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
    led = select(Project.id).where(or_(Project.owner_id == user.id, Project.champion_id == user.id))
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    return or_(
        Event.audience == "everyone",
        Event.organiser_id == user.id,
        and_(Event.audience == "project", or_(Event.project_id.in_(team), Event.project_id.in_(led))),
        and_(Event.audience == "cohort", Event.cohort_id.in_(cohorts)),
    )


# ---- reading -------------------------------------------------------------------------------------


def get_event(actor: User, event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not can_view(actor, event):
        raise NotFound("No such meetup.")
    return event


def list_events(actor: User, *, when: str = "upcoming", domain: str | None = None, fmt: str | None = None,
                page: int = 1, now: datetime | None = None) -> Page:
    now = now or utcnow()
    stmt = select(Event).where(_visible_clause(actor))
    if when == "past":
        stmt = stmt.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.where(Event.ends_at > now, Event.is_cancelled.is_(False)).order_by(Event.starts_at, Event.id)
    if domain:
        stmt = stmt.where(Event.domains.any(Domain.slug == domain))
    if fmt in FORMATS:
        stmt = stmt.where(Event.format == fmt)
    stmt = stmt.options(selectinload(Event.domains))  # shown on every card: one query, not one per meetup
    return paginate(db.session, stmt, page, _cfg("EVENTS_PAGE_SIZE"))


def rsvp_of(user: User, event: Event) -> Rsvp | None:
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def attendees(actor: User, event: Event) -> dict[str, list[Rsvp]]:
    """Going (by name) and the waitlist (in order), each row loaded with its person: for the
    organiser or an admin only."""
    _require_manage(actor, event)
    going = db.session.scalars(
        select(Rsvp).join(User, User.id == Rsvp.user_id).options(contains_eager(Rsvp.user))
        .where(Rsvp.event_id == event.id, Rsvp.status == "going").order_by(User.display_name)
    ).all()
    return {"going": list(going), "waitlist": waitlist(event, with_people=True)}


def waitlist(event: Event, with_people: bool = False) -> list[Rsvp]:
    stmt = select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status == "waitlisted")
    if with_people:
        stmt = stmt.options(joinedload(Rsvp.user))
    return list(db.session.scalars(stmt.order_by(Rsvp.waitlisted_at, Rsvp.id)))


def waitlist_position(user: User, event: Event, waiting: list[Rsvp] | None = None) -> int | None:
    """``user``'s place on the waitlist; ``waiting``: the waitlist when the caller already has it."""
    for i, r in enumerate(waitlist(event) if waiting is None else waiting, start=1):
        if r.user_id == user.id:
            return i
    return None


def shows_link(user: User, event: Event) -> bool:
    """The online link is shown only to people going (and to whoever runs the event)."""
    if may_manage(user, event):
        return True
    r = rsvp_of(user, event)
    return r is not None and r.status == "going"


def upcoming_for(user: User, limit: int = 5, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Event).join(Rsvp, Rsvp.event_id == Event.id)
        .where(Rsvp.user_id == user.id, Rsvp.status.in_(("going", "waitlisted")), Event.ends_at > now,
               Event.is_cancelled.is_(False))
        .order_by(Event.starts_at).limit(limit)
    ))


def domains() -> list[Domain]:
    return list(db.session.scalars(select(Domain).where(Domain.is_retired.is_(False)).order_by(Domain.name)))


def cohorts(actor: User) -> list[Cohort]:
    """The cohorts ``actor`` manages (all, for an admin) by name, with their members loaded."""
    stmt = select(Cohort).order_by(Cohort.name).options(selectinload(Cohort.members))
    if not actor.is_admin:
        stmt = stmt.where(Cohort.id.in_(select(cohort_organisers.c.cohort_id)
                                        .where(cohort_organisers.c.user_id == actor.id)))
    return list(db.session.scalars(stmt))


def projects_for(actor: User) -> list:
    """Project teams ``actor`` may address: the ones they belong to (all, for an admin)."""
    from ..projects.models import Project, ProjectMember

    stmt = select(Project).order_by(Project.title)
    if not actor.is_admin:
        mine = select(ProjectMember.project_id).where(ProjectMember.user_id == actor.id)
        stmt = stmt.where(or_(Project.id.in_(mine), Project.owner_id == actor.id, Project.champion_id == actor.id))
    return list(db.session.scalars(stmt))


# ---- validation ------------------------------------------------------------------------------------


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


def _clean(actor: User, data: EventData, *, require_future: bool, now: datetime,
           current: Event | None = None) -> dict:
    title = " ".join((data.title or "").split())
    if not title:
        raise ValidationError("Give the meetup a title.", field="title")
    if len(title) > _cfg("EVENTS_TITLE_MAX"):
        raise ValidationError(f"Use at most {_cfg('EVENTS_TITLE_MAX')} characters.", field="title")
    description = (data.description or "").strip()
    if len(description) > _cfg("EVENTS_DESCRIPTION_MAX"):
        raise ValidationError(f"Use at most {_cfg('EVENTS_DESCRIPTION_MAX')} characters.", field="description")
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
    if ends_at - starts_at > timedelta(hours=_cfg("EVENTS_MAX_DURATION_HOURS")):
        raise ValidationError(f"A meetup can last at most {_cfg('EVENTS_MAX_DURATION_HOURS')} hours.",
                              field="ends_local")
    if require_future and starts_at <= now:
        raise ValidationError("The start must be in the future.", field="starts_local")
    date_in_window(data.starts_local, today=now.date(), field="starts_local", label="The start date")
    if data.capacity is None or not 1 <= int(data.capacity) <= _cfg("EVENTS_MAX_CAPACITY"):
        raise ValidationError(f"Capacity must be between 1 and {_cfg('EVENTS_MAX_CAPACITY')}.", field="capacity")
    if data.format not in FORMATS:
        raise ValidationError("Choose online or in person.", field="format")
    online_url = (data.online_url or "").strip() or None
    address = " ".join((data.address or "").split()) or None
    if data.format == "online":
        if online_url and (not URL_RE.match(online_url) or len(online_url) > 500):
            raise ValidationError("Enter a full link starting with https://.", field="online_url")
        address = None
    else:
        if not address:
            raise ValidationError("Enter the address of the venue.", field="address")
        if len(address) > 300:
            raise ValidationError("Use at most 300 characters.", field="address")
        online_url = None
    tags = []
    for raw in (data.tags or "").split(","):
        tag = " ".join(raw.split()).lower()
        if not tag:
            continue
        if not TAG_RE.match(tag):
            raise ValidationError(f"“{tag[:30]}” is not a usable tag: letters, digits, spaces, + # . _ -; "
                                  "at most 30 characters.", field="tags")
        if tag not in tags:
            tags.append(tag)
    if len(tags) > _cfg("EVENTS_MAX_TAGS"):
        raise ValidationError(f"Use at most {_cfg('EVENTS_MAX_TAGS')} tags.", field="tags")
    domain_list = []
    if data.domain_ids:
        domain_list = list(db.session.scalars(select(Domain).where(Domain.id.in_(data.domain_ids))))
        if len(domain_list) != len(set(data.domain_ids)):
            raise ValidationError("Choose domains from the list.", field="domain_ids")
    if data.audience not in AUDIENCES:
        raise ValidationError("Choose who the meetup is for.", field="audience")
    project_id = cohort_id = None
    if data.audience == "project":
        if not _db_id(data.project_id):
            raise ValidationError("Choose the project team.", field="project_id")
        if not actor.is_admin and actor.id not in project_team_ids(data.project_id):
            raise ValidationError("Choose a project team you belong to.", field="project_id")
        if not project_team_ids(data.project_id):
            raise ValidationError("No such project.", field="project_id")
        project_id = data.project_id
    elif data.audience == "cohort":
        cohort = db.session.get(Cohort, data.cohort_id) if _db_id(data.cohort_id) else None
        if cohort is None:
            raise ValidationError("Choose a cohort.", field="cohort_id")
        if can_manage_cohort(actor, cohort):
            raise ValidationError("Choose a cohort you organise.", field="cohort_id")
        cohort_id = data.cohort_id
    return dict(title=title, description=description, timezone=data.timezone, starts_at=starts_at,
                ends_at=ends_at, capacity=int(data.capacity), format=data.format, online_url=online_url,
                address=address, tags=",".join(tags), domains=domain_list, audience=data.audience,
                project_id=project_id, cohort_id=cohort_id)


def _event_link(event: Event) -> str:
    """The event page's path; built by hand, because sweeps run outside any request."""
    return f"/events/{event.id}"


# ---- creating and editing ------------------------------------------------------------------------


def create_event(actor: User, data: EventData, now: datetime | None = None) -> Event:
    """One meetup, or with ``data.frequency`` a series whose first occurrence is returned."""
    if not may_organise(actor):
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
        _extend_series(series, now)
        db.session.commit()
        first = db.session.scalar(select(Event).where(Event.series_id == series.id).order_by(Event.series_index))
        return first
    event = Event(organiser_id=actor.id, created_at=now, updated_at=now,
                  **{k: v for k, v in values.items() if k != "domains"})
    event.domains = values["domains"]
    db.session.add(event)
    db.session.commit()
    return event


def update_event(actor: User, event: Event, data: EventData, now: datetime | None = None) -> Event:
    """Edit one meetup (one occurrence of a series: moving it marks it moved)."""
    _require_manage(actor, event)
    now = now or utcnow()
    if event.is_cancelled:
        raise ValidationError("This meetup was cancelled and can no longer be changed.")
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
        for r in _rsvps(event, ("going", "waitlisted")):
            notify(r.user, "event_update", f"Meetup moved: {event.title}",
                   f"“{event.title}” now starts at {_when_for(r.user, event)}.", link=_event_link(event))
    _fill_from_waitlist(event, now)
    db.session.commit()
    return event


def can_cancel(actor: User, event: Event, now: datetime) -> str | None:
    """None when ``actor`` may cancel ``event`` now (the page then offers edit and cancel), else the reason."""
    if not may_manage(actor, event):
        return "Only the organiser or an admin can do that."
    if event.is_cancelled:
        return "This meetup was cancelled."
    if event.ends_at <= now:
        return "This meetup is already over."
    return None


def cancel_event(actor: User, event: Event, now: datetime | None = None) -> Event:
    """Cancel one meetup (or one occurrence of a series); everyone going or waiting is told."""
    _require_manage(actor, event)
    now = now or utcnow()
    if event.is_cancelled:
        return event
    reason = can_cancel(actor, event, now)
    if reason:
        raise ValidationError(reason)
    event.is_cancelled = True
    event.updated_at = now
    for r in _rsvps(event, ("going", "waitlisted")):
        notify(r.user, "event_update", f"Meetup cancelled: {event.title}",
               f"“{event.title}” on {_when_for(r.user, event)} will not take place.", link=_event_link(event))
    db.session.commit()
    return event


def end_series(actor: User, series: EventSeries, now: datetime | None = None) -> int:
    """Stop a series: no new occurrences; the future ones are cancelled. Returns how many."""
    _require_manage(actor, series)
    now = now or utcnow()
    series.is_ended = True
    future = db.session.scalars(
        select(Event).where(Event.series_id == series.id, Event.starts_at > now, Event.is_cancelled.is_(False))
    ).all()
    for event in future:
        event.is_cancelled = True
        for r in _rsvps(event, ("going", "waitlisted")):
            notify(r.user, "event_update", f"Meetup cancelled: {event.title}",
                   f"The series “{series.title}” has ended; {_when_for(r.user, event)} will not take place.",
                   link=_event_link(event))
    db.session.commit()
    return len(future)


def _when_for(user: User, event: Event) -> str:
    from ..timeutil import format_local

    return format_local(event.starts_at, user.timezone, "%a %d %b %Y, %H:%M %Z")


# ---- series ------------------------------------------------------------------------------------------


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


def _extend_series(series: EventSeries, now: datetime) -> int:
    """Create the series' missing occurrences up to the horizon. Safe to run twice at once:
    (series_id, series_index) is unique, and a collision is skipped."""
    if series.is_ended:
        return 0
    horizon = now + timedelta(days=_cfg("EVENTS_SERIES_HORIZON_DAYS"))
    have = set(db.session.scalars(select(Event.series_index).where(Event.series_id == series.id)))
    zone = ZoneInfo(series.timezone)
    created = 0
    for index in range(_cfg("EVENTS_SERIES_MAX_OCCURRENCES")):
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
        total += _extend_series(series, now)
        db.session.commit()
    return total


# ---- RSVP and the waitlist -------------------------------------------------------------------------


def _rsvps(event: Event, statuses: tuple[str, ...]) -> list[Rsvp]:
    return list(db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status.in_(statuses))))


def _take_seat(event_id: int) -> bool:
    return bool(db.session.execute(
        update(Event)
        .where(Event.id == event_id, Event.going_count < Event.capacity, Event.is_cancelled.is_(False))
        .values(going_count=Event.going_count + 1).execution_options(synchronize_session=False)
    ).rowcount)


def _release_seat(event_id: int) -> None:
    db.session.execute(
        update(Event).where(Event.id == event_id, Event.going_count > 0)
        .values(going_count=Event.going_count - 1).execution_options(synchronize_session=False)
    )


def _set_status(rsvp_id: int, old: tuple[str, ...], new: str, **values) -> bool:
    """Move an RSVP from one of ``old`` to ``new``; False if someone else moved it first."""
    return bool(db.session.execute(
        update(Rsvp).where(Rsvp.id == rsvp_id, Rsvp.status.in_(old))
        .values(status=new, updated_at=utcnow(), **values).execution_options(synchronize_session=False)
    ).rowcount)


def _fill_from_waitlist(event: Event, now: datetime) -> list[Rsvp]:
    """Give free seats to the waitlist, first come first served, and tell each person."""
    promoted = []
    if event.is_cancelled or event.starts_at <= now:
        return promoted
    while _take_seat(event.id):
        claimed = None
        for r in waitlist(event):
            if _set_status(r.id, ("waitlisted",), "going", promoted_at=now):
                claimed = r
                break
        if claimed is None:
            _release_seat(event.id)
            break
        db.session.refresh(claimed)
        promoted.append(claimed)
        notify(claimed.user, "event_update", f"You have a seat: {event.title}",
               f"A seat opened up and you moved from the waitlist to going. See you on "
               f"{_when_for(claimed.user, event)}.", link=_event_link(event))
    db.session.refresh(event)
    return promoted


def rsvp(actor: User, event: Event, going: bool, now: datetime | None = None) -> Rsvp:
    """Answer going / not going. Going to a full meetup puts you on its waitlist; leaving
    gives your seat to the first person waiting."""
    now = now or utcnow()
    if not can_view(actor, event):
        raise NotFound("No such meetup.")
    if not in_audience(actor, event):
        raise PermissionDenied("This meetup is for its group's members only.")
    if event.is_cancelled:
        raise ValidationError("This meetup was cancelled.")
    if event.starts_at <= now:
        raise ValidationError("This meetup has already started; answers are closed.")
    row = rsvp_of(actor, event)
    if row is None:
        try:
            with db.session.begin_nested():
                row = Rsvp(event_id=event.id, user_id=actor.id, status="declined", created_at=now, updated_at=now)
                db.session.add(row)
        except IntegrityError:
            row = rsvp_of(actor, event)
    if going:
        if row.status not in ("going", "waitlisted"):
            if _take_seat(event.id):
                if not _set_status(row.id, ("declined",), "going", waitlisted_at=None):
                    _release_seat(event.id)  # a second click got there first
            else:
                _set_status(row.id, ("declined",), "waitlisted", waitlisted_at=now)
    else:
        if _set_status(row.id, ("going",), "declined", waitlisted_at=None):
            _release_seat(event.id)
            db.session.flush()
            _fill_from_waitlist(event, now)
        else:
            _set_status(row.id, ("waitlisted",), "declined", waitlisted_at=None)
    db.session.commit()
    db.session.refresh(row)
    db.session.refresh(event)
    return row


# ---- attendance and participation ---------------------------------------------------------------------


def mark_attendance(actor: User, event: Event, attended_user_ids: set[int], now: datetime | None = None) -> int:
    """After the start, the organiser marks who came (among those going). Returns how many came."""
    _require_manage(actor, event)
    now = now or utcnow()
    if event.is_cancelled:
        raise ValidationError("This meetup was cancelled.")
    if event.starts_at > now:
        raise ValidationError("Attendance can be marked once the meetup has started.")
    going = _rsvps(event, ("going",))
    known = {r.user_id for r in going}
    unknown = set(attended_user_ids) - known
    if unknown:
        raise ValidationError("Only people who said they were going can be marked.")
    for r in going:
        r.is_attended = r.user_id in attended_user_ids
    event.attendance_marked_at = now
    db.session.commit()
    return len(set(attended_user_ids))


def participation_of(user: User, now: datetime | None = None) -> dict:
    """Community participation for profiles: {'attended', 'upcoming', 'organised'} counts."""
    now = now or utcnow()
    attended = (select(func.count(Rsvp.id)).join(Event, Event.id == Rsvp.event_id)
                .where(Rsvp.user_id == user.id, Rsvp.is_attended.is_(True), Event.is_cancelled.is_(False)))
    upcoming = (select(func.count(Rsvp.id)).join(Event, Event.id == Rsvp.event_id)
                .where(Rsvp.user_id == user.id, Rsvp.status == "going", Event.starts_at > now,
                       Event.is_cancelled.is_(False)))
    organised = select(func.count(Event.id)).where(Event.organiser_id == user.id, Event.starts_at <= now,
                                                   Event.is_cancelled.is_(False))
    counts = db.session.execute(select(attended.scalar_subquery(), upcoming.scalar_subquery(),
                                       organised.scalar_subquery())).one()  # one round trip for the three
    return dict(zip(("attended", "upcoming", "organised"), (c or 0 for c in counts)))


# ---- reminders ------------------------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Remind people going 24 h and 1 h before. Keyed by event, person, kind and start time, so a
    re-run never sends twice and a moved meetup gets fresh reminders. A reminder whose moment
    has passed is skipped when a later one is already due (no 24 h note 20 minutes before)."""
    now = now or utcnow()
    hours = sorted(_cfg("EVENTS_REMINDER_HOURS"))  # e.g. (1, 24)
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
        for r in _rsvps(event, ("going",)):
            note = notify(
                r.user, "event_reminder",
                f"{'In 1 hour' if due == 1 else f'In {due} hours'}: {event.title}",
                f"“{event.title}” starts at {_when_for(r.user, event)}."
                + (" The link is on the meetup page." if event.is_online else f" Where: {event.address}."),
                link=_event_link(event), key=f"event-reminder:{event.id}:{r.user_id}:{due}h:{stamp}",
            )
            sent += note is not None
        db.session.commit()
    return sent


# ---- calendars -------------------------------------------------------------------------------------------


def _ics_event(event: Event, viewer: User | None):
    import icalendar

    base = current_app.config["BASE_URL"].rstrip("/")
    link = base + _event_link(event)
    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@mentorhub")
    item.add("dtstamp", event.updated_at or utcnow())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("url", link)
    description = (event.description or "").strip()
    item.add("description", (description + "\n\n" if description else "") + link)
    if event.is_online:
        if viewer is not None and shows_link(viewer, event) and event.online_url:
            item.add("location", event.online_url)
        else:
            item.add("location", "Online")
    elif event.address:
        item.add("location", event.address)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def _calendar(name: str, items) -> bytes:
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//mentorhub//meetups//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for item in items:
        cal.add_component(item)
    return cal.to_ical()


def event_ics(actor: User, event: Event) -> bytes:
    """A .ics file with one meetup (the online link only for people going)."""
    if not can_view(actor, event):
        raise NotFound("No such meetup.")
    return _calendar(event.title, [_ics_event(event, actor)])


def calendar_events(user: User) -> list:
    """Every meetup ``user`` is going to or organises, as icalendar Events (for the private feed)."""
    going = select(Rsvp.event_id).where(Rsvp.user_id == user.id, Rsvp.status == "going")
    events = db.session.scalars(
        select(Event).where(or_(Event.id.in_(going), Event.organiser_id == user.id)).order_by(Event.starts_at)
    ).all()
    return [_ics_event(e, user) for e in events]


# ---- cohorts -----------------------------------------------------------------------------------------------


def _require_organiser(actor: User) -> None:
    if not may_organise(actor):
        raise PermissionDenied("Only mentors, organisers and admins can do that.")


def may_create_cohort(actor: User | None) -> bool:
    """Admins, and members an admin made organisers: a cohort's creator becomes its organiser."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active
                and (actor.is_admin or actor.is_organiser))


def can_manage_cohort(actor: User | None, cohort: Cohort) -> str | None:
    """None when ``actor`` may see and run ``cohort`` (its members, its meetups, its best time),
    else the reason why not. Only its organisers and admins may; an admin appoints organisers."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return "Log in first."
    if actor.is_admin:
        return None
    is_organiser = db.session.scalar(select(exists().where(
        cohort_organisers.c.cohort_id == cohort.id, cohort_organisers.c.user_id == actor.id)))
    return None if is_organiser else "Only this cohort's organisers and admins can do that."


def _require_cohort(actor: User, cohort: Cohort) -> None:
    reason = can_manage_cohort(actor, cohort)
    if reason:
        raise PermissionDenied(reason)


def create_cohort(actor: User, name: str) -> Cohort:
    if not may_create_cohort(actor):
        raise PermissionDenied("Only organisers and admins can create cohorts.")
    name = " ".join((name or "").split())
    if not name or len(name) > 120:
        raise ValidationError("Enter a name of at most 120 characters.", field="name")
    if db.session.scalar(select(Cohort.id).where(func.lower(Cohort.name) == name.lower())):
        raise ValidationError("A cohort with that name exists.", field="name")
    cohort = Cohort(name=name, created_by_id=actor.id)
    cohort.organisers.append(actor)
    db.session.add(cohort)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError("A cohort with that name exists.", field="name") from None
    return cohort


def get_cohort(actor: User, cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id, options=[
        selectinload(Cohort.members).selectinload(CohortMember.user), selectinload(Cohort.organisers)])
    if cohort is None or can_manage_cohort(actor, cohort):  # an outsider learns nothing, not even the name
        raise NotFound("No such cohort.")
    return cohort


def member_candidates(actor: User, cohort: Cohort) -> list[User]:
    """Whom ``actor`` may add: people they share a cohort, a mentorship or a meetup with."""
    present = cohort_member_ids(cohort.id)
    return [u for u in tied_people(actor) if u.id not in present]


def add_cohort_member(actor: User, cohort: Cohort, user_id) -> CohortMember:
    """Adds one of ``member_candidates`` (any member, for an admin): picked, never typed, so
    the answer says nothing about whether an email address has an account."""
    _require_cohort(actor, cohort)
    user_id = _db_id(user_id)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.is_deleted or not (actor.is_admin or user.id in tied_ids(actor)):
        raise ValidationError("Choose someone from the list.", field="user_id")
    if user.id in cohort_member_ids(cohort.id):
        raise ValidationError(f"{user.display_name} is already in this cohort.", field="user_id")
    if len(cohort.members) >= _cfg("EVENTS_COHORT_MAX_MEMBERS"):
        raise ValidationError(f"A cohort has at most {_cfg('EVENTS_COHORT_MAX_MEMBERS')} members.",
                              field="user_id")
    member = CohortMember(cohort_id=cohort.id, user_id=user.id)
    db.session.add(member)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ValidationError(f"{user.display_name} is already in this cohort.", field="user_id") from None
    return member


def remove_cohort_member(actor: User, cohort: Cohort, user_id: int) -> None:
    _require_cohort(actor, cohort)
    done = db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
    ).rowcount
    if not done:
        raise NotFound("That person is not in this cohort.")
    db.session.commit()


def set_cohort_organiser(actor: User, cohort: Cohort, user_id, organiser: bool) -> None:
    """An admin makes one of the cohort's members an organiser of it, or takes that away."""
    if not (actor.is_authenticated and actor.is_admin):
        raise PermissionDenied("Only admins can appoint cohort organisers.")
    user_id = _db_id(user_id)
    if organiser:
        if user_id is None or user_id not in cohort_member_ids(cohort.id):
            raise ValidationError("Choose a member of this cohort.", field="user_id")
        user = db.session.get(User, user_id)
        if user not in cohort.organisers:
            cohort.organisers.append(user)
    else:
        cohort.organisers[:] = [u for u in cohort.organisers if u.id != user_id]
    db.session.commit()


# ---- personal data ---------------------------------------------------------------------------------------------


def export_user_data(user: User) -> dict:
    rows = db.session.execute(
        select(Rsvp, Event).join(Event, Event.id == Rsvp.event_id).where(Rsvp.user_id == user.id)
        .order_by(Event.starts_at)
    ).all()
    organised = db.session.scalars(select(Event).where(Event.organiser_id == user.id).order_by(Event.starts_at))
    return {
        "rsvps": [{"event": e.title, "starts_at": e.starts_at.isoformat(), "status": r.status,
                   "attended": r.is_attended} for r, e in rows],
        "organised": [{"title": e.title, "starts_at": e.starts_at.isoformat(), "cancelled": e.is_cancelled}
                      for e in organised],
        "cohorts": [c.name for c in db.session.scalars(
            select(Cohort).join(CohortMember).where(CohortMember.user_id == user.id))],
    }


def erase_user_data(user: User) -> None:
    """Gives up seats (the waitlist moves up), cancels meetups they organise that are still to
    come, removes their answers and cohort places. Past meetups they ran stay (anonymised)."""
    now = utcnow()
    for r in db.session.scalars(select(Rsvp).where(Rsvp.user_id == user.id)).all():
        event = r.event
        if r.status == "going" and _set_status(r.id, ("going",), "declined"):
            _release_seat(event.id)
            db.session.flush()
            _fill_from_waitlist(event, now)
    db.session.execute(delete(Rsvp).where(Rsvp.user_id == user.id))
    for event in db.session.scalars(
        select(Event).where(Event.organiser_id == user.id, Event.starts_at > now, Event.is_cancelled.is_(False))
    ).all():
        event.is_cancelled = True
        for r in _rsvps(event, ("going", "waitlisted")):
            notify(r.user, "event_update", f"Meetup cancelled: {event.title}",
                   f"“{event.title}” will not take place: its organiser left.", link=_event_link(event))
    db.session.execute(update(EventSeries).where(EventSeries.organiser_id == user.id).values(is_ended=True))
    db.session.execute(delete(CohortMember).where(CohortMember.user_id == user.id))
    db.session.execute(delete(cohort_organisers).where(cohort_organisers.c.user_id == user.id))
    db.session.execute(update(Cohort).where(Cohort.created_by_id == user.id).values(created_by_id=None))


# ---- the best time for a group ----------------------------------------------------------------------------


@dataclass
class Group:
    """Who a best-time search is for: a project team, a cohort or a hand-picked list."""

    kind: str  # project | cohort | picked
    name: str
    members: list[User]
    project_id: int | None = None
    cohort_id: int | None = None


@dataclass
class SlotProposal:
    starts_at: datetime
    ends_at: datetime
    can: list[User]
    cannot: list[User]


@dataclass
class BestTime:
    group: Group
    week_start: date
    duration_minutes: int
    proposals: list[SlotProposal]
    without_availability: list[User]


def resolve_group(actor: User, kind: str, ref: str | int | None = None, member_ids=()) -> Group:
    """The members of a project team, of a cohort ``actor`` organises, or picked from the people
    ``actor`` shares a cohort, a mentorship or a meetup with (``member_ids``)."""
    _require_organiser(actor)
    if kind == "project":
        from ..projects.models import Project

        project = db.session.get(Project, _db_id(ref)) if _db_id(ref) else None
        if project is None:
            raise ValidationError("Choose a project team.", field="project_id")
        if not actor.is_admin and actor.id not in project_team_ids(project.id):
            raise PermissionDenied("You can plan meetups only for teams you belong to.")
        ids = project_team_ids(project.id)
        members = _users(ids)
        return Group("project", f"{project.title} team", members, project_id=project.id)
    if kind == "cohort":
        cohort = db.session.get(Cohort, _db_id(ref)) if _db_id(ref) else None
        if cohort is None:
            raise ValidationError("Choose a cohort.", field="cohort_id")
        if can_manage_cohort(actor, cohort):
            raise ValidationError("Choose a cohort you organise.", field="cohort_id")
        return Group("cohort", cohort.name, _users(cohort_member_ids(cohort.id)), cohort_id=cohort.id)
    if kind == "picked":
        # Picked from the people ``actor`` is tied to, never typed: no address is looked up,
        # and the meetup notice can reach only people who already know the organiser.
        wanted = {_db_id(v) for v in (member_ids or ())}
        if wanted and (None in wanted or not wanted <= tied_ids(actor)):
            raise ValidationError("Choose the members from the list.", field="member_ids")
        members = _users(wanted)
        if actor not in members:
            members.insert(0, actor)
        return Group("picked", "Hand-picked group", members)
    raise ValidationError("Choose a project team, a cohort or a list of members.", field="group")


def _users(ids) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).where(User.id.in_(ids), User.is_deleted.is_(False)).order_by(User.display_name)
    ))


def _windows(users: list[User]) -> dict[int, list[tuple[int, int, int]]]:
    from ..profiles.services import windows_for_users

    return windows_for_users([u.id for u in users])


def _check_duration(duration_minutes) -> None:
    step = _cfg("EVENTS_BEST_TIME_SLOT_MINUTES")
    if not isinstance(duration_minutes, int) or duration_minutes < step or duration_minutes % step \
            or duration_minutes > 60 * _cfg("EVENTS_MAX_DURATION_HOURS"):
        raise ValidationError(f"Choose a length in steps of {step} minutes.", field="duration")


def best_time(actor: User, group: Group, duration_minutes: int, week_start: date | None = None,
              now: datetime | None = None) -> BestTime:
    """The weekly slots most of the group can make, from everyone's availability in their own zone,
    for one concrete UTC week (next week by default), so DST in that week is right."""
    import numpy as np

    from ..profiles.availability import monday_of, week_grid
    from .besttime import best_slots

    _require_organiser(actor)
    now = now or utcnow()
    _check_duration(duration_minutes)
    step = _cfg("EVENTS_BEST_TIME_SLOT_MINUTES")
    if not group.members:
        raise ValidationError("This group has no members yet.", field="group")
    if len(group.members) > _cfg("EVENTS_BEST_TIME_MAX_MEMBERS"):
        raise ValidationError(f"Plan for at most {_cfg('EVENTS_BEST_TIME_MAX_MEMBERS')} members at once.",
                              field="group")
    if week_start is not None:
        date_in_window(week_start, today=now.date(), field="week", label="The week")
    week_start = monday_of(week_start or (now.astimezone(UTC).date() + timedelta(days=7)))
    members, without, rows = [], [], []
    by_user = _windows(group.members)
    for user in group.members:
        windows = by_user.get(user.id) or []
        if not windows:
            without.append(user)
            continue
        members.append(user)
        rows.append(week_grid(windows, user.timezone or "UTC", week_start, slot_minutes=step))
    proposals = []
    if members:
        grid = np.vstack(rows)
        lo = datetime.combine(week_start, time(0), tzinfo=UTC)
        for p in best_slots(grid, duration_minutes // step, k=_cfg("EVENTS_BEST_TIME_PROPOSALS")):
            starts = lo + timedelta(minutes=step * p.start_slot)
            cannot_idx = set(p.cannot)
            proposals.append(SlotProposal(
                starts_at=starts, ends_at=starts + timedelta(minutes=duration_minutes),
                can=[u for i, u in enumerate(members) if i not in cannot_idx],
                cannot=[members[i] for i in p.cannot] + without,
            ))
    return BestTime(group, week_start, duration_minutes, proposals, without)


def create_from_proposal(actor: User, group: Group, starts_at: datetime, duration_minutes: int,
                         repeat: str | None = None, now: datetime | None = None) -> Event:
    """One click: a meetup (or a weekly series) at a proposed slot, for the group, told to its members.
    A slot of a past week moves to the same weekday and time of the next week still to come."""
    _require_organiser(actor)
    now = now or utcnow()
    _check_duration(duration_minutes)
    if starts_at.tzinfo is None:
        raise ValidationError("That proposal is not valid any more; search again.")
    if starts_at <= now:  # the same weekday and time of the next week still to come
        starts_at += timedelta(weeks=(now - starts_at) // timedelta(weeks=1) + 1)
    date_in_window(starts_at, today=now.date(), field="starts_at", label="The proposed time")
    tz_name = actor.timezone if is_valid_zone(actor.timezone) else "UTC"
    zone = ZoneInfo(tz_name)
    audience = {"project": "project", "cohort": "cohort"}.get(group.kind, "everyone")
    data = EventData(
        title=f"Meetup: {group.name}"[:_cfg("EVENTS_TITLE_MAX")],
        starts_local=starts_at.astimezone(zone).replace(tzinfo=None),
        ends_local=(starts_at + timedelta(minutes=duration_minutes)).astimezone(zone).replace(tzinfo=None),
        capacity=max(1, min(len(group.members), _cfg("EVENTS_MAX_CAPACITY"))), timezone=tz_name,
        description="Planned at the time most of the group can make.", format="online", audience=audience,
        project_id=group.project_id, cohort_id=group.cohort_id,
        frequency=repeat if repeat in FREQUENCIES else None,
    )
    event = create_event(actor, data, now=now)
    for member in group.members:
        if member.id != actor.id:
            notify(member, "event_update", f"New meetup for you: {event.title}",
                   f"{actor.display_name} planned “{event.title}” on {_when_for(member, event)}"
                   + (", repeating every week" if data.frequency else "") + ". Let them know if you are going.",
                   link=_event_link(event))
    db.session.commit()
    return event
