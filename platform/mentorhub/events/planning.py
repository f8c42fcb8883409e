"""Planning a meetup for a group: who is in it, the weekly slots most of them can make, and one
click from a proposed slot to a meetup (or a weekly series) that its members are told about.
The slot search itself is pure numpy, in besttime.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import PermissionDenied, ValidationError
from ..notifications.notify import notify
from ..profiles.availability import monday_of, week_grid
from ..profiles.queries import windows_for_users
from ..projects import queries as projects
from ..timeutil import is_valid_zone
from ..validation import date_in_window, db_ids, setting
from . import rules
from .besttime import best_slots
from .meetups import EventData, add_event
from .models import FREQUENCIES, Cohort, Event
from .queries import event_link, when_for
from .ties import tied_ids

UTC = timezone.utc


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


def _require_organiser(actor: User) -> None:
    reason = rules.can_organise(actor)
    if reason:
        raise PermissionDenied(reason)


def _users(ids) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).where(User.id.in_(ids), User.is_deleted.is_(False)).order_by(User.display_name)
    ))


def resolve_group(actor: User, kind: str, ref: str | int | None = None, member_ids=()) -> Group:
    """The members of a project team, of a cohort ``actor`` organises, or picked from the people
    ``actor`` shares a cohort, a mentorship or a meetup with (``member_ids``)."""
    _require_organiser(actor)
    ref_ids = db_ids([ref])
    if kind == "project":
        title = projects.title_of(ref_ids[0]) if ref_ids else None
        if title is None:
            raise ValidationError("Choose a project team.", field="project_id")
        team = projects.team_ids(ref_ids[0])
        if not actor.is_admin and actor.id not in team:
            raise PermissionDenied("You can plan meetups only for teams you belong to.")
        return Group("project", f"{title} team", _users(team), project_id=ref_ids[0])
    if kind == "cohort":
        cohort = db.session.get(Cohort, ref_ids[0]) if ref_ids else None
        if cohort is None:
            raise ValidationError("Choose a cohort.", field="cohort_id")
        if rules.can_manage_cohort(actor, cohort):
            raise ValidationError("Choose a cohort you organise.", field="cohort_id")
        return Group("cohort", cohort.name, _users(rules.cohort_member_ids(cohort.id)), cohort_id=cohort.id)
    if kind == "picked":
        # Picked from the people ``actor`` is tied to, never typed: no address is looked up,
        # and the meetup notice can reach only people who already know the organiser.
        given = list(member_ids or ())
        wanted = set(db_ids(given))
        if given and (any(not db_ids([v]) for v in given) or not wanted <= tied_ids(actor)):
            raise ValidationError("Choose the members from the list.", field="member_ids")
        members = _users(wanted)
        if actor not in members:
            members.insert(0, actor)
        return Group("picked", "Hand-picked group", members)
    raise ValidationError("Choose a project team, a cohort or a list of members.", field="group")


def _check_duration(duration_minutes) -> None:
    step = setting("EVENTS_BEST_TIME_SLOT_MINUTES")
    if not isinstance(duration_minutes, int) or duration_minutes < step or duration_minutes % step \
            or duration_minutes > 60 * setting("EVENTS_MAX_DURATION_HOURS"):
        raise ValidationError(f"Choose a length in steps of {step} minutes.", field="duration")


def best_time(actor: User, group: Group, duration_minutes: int, week_start: date | None = None,
              now: datetime | None = None) -> BestTime:
    """The weekly slots most of the group can make, from everyone's availability in their own zone,
    for one concrete UTC week (next week by default), so DST in that week is right."""
    _require_organiser(actor)
    now = now or utcnow()
    _check_duration(duration_minutes)
    step = setting("EVENTS_BEST_TIME_SLOT_MINUTES")
    if not group.members:
        raise ValidationError("This group has no members yet.", field="group")
    if len(group.members) > setting("EVENTS_BEST_TIME_MAX_MEMBERS"):
        raise ValidationError(f"Plan for at most {setting('EVENTS_BEST_TIME_MAX_MEMBERS')} members at once.",
                              field="group")
    if week_start is not None:
        date_in_window(week_start, today=now.date(), field="week", label="The week")
    week_start = monday_of(week_start or (now.astimezone(UTC).date() + timedelta(days=7)))
    members, without, rows = [], [], []
    by_user = windows_for_users([u.id for u in group.members])
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
        for p in best_slots(grid, duration_minutes // step, k=setting("EVENTS_BEST_TIME_PROPOSALS")):
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
        title=f"Meetup: {group.name}"[:setting("EVENTS_TITLE_MAX")],
        starts_local=starts_at.astimezone(zone).replace(tzinfo=None),
        ends_local=(starts_at + timedelta(minutes=duration_minutes)).astimezone(zone).replace(tzinfo=None),
        capacity=max(1, min(len(group.members), setting("EVENTS_MAX_CAPACITY"))), timezone=tz_name,
        description="Planned at the time most of the group can make.", format="online", audience=audience,
        project_id=group.project_id, cohort_id=group.cohort_id,
        frequency=repeat if repeat in FREQUENCIES else None,
    )
    event = add_event(actor, data, now=now)
    for member in group.members:
        if member.id != actor.id:
            notify(member, "event_update", f"New meetup for you: {event.title}",
                   f"{actor.display_name} planned “{event.title}” on {when_for(member, event)}"
                   + (", repeating every week" if data.frequency else "") + ". Let them know if you are going.",
                   link=event_link(event))
    db.session.commit()
    return event
