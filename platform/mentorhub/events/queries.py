"""Reads about meetups and cohorts: everything a page shows, loaded in a fixed number of queries
whatever the number of people or meetups (templates never query), and what other features ask.
Rules come from rules.py; pages receive their answers as booleans or reasons."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from ..accounts.models import User
from ..actors import is_admin
from ..db import MAX_DB_INT, db, utcnow
from ..errors import NotFound, PermissionDenied
from ..lazyimport import lazy_module
from ..pagination import Page, paginate
from ..profiles.models import Domain
from ..projects import queries as projects
from ..timeutil import format_local
from ..urls import absolute, path_for
from ..validation import setting
from . import rules
from .models import FORMATS, Cohort, CohortMember, Event, EventSeries, Rsvp, cohort_organisers
from .ties import tied_people

icalendar = lazy_module("icalendar")  # only calendar downloads and feeds build .ics files


def event_link(event: Event) -> str:
    """The meetup page's path, for notifications (in a request or in a scheduler job)."""
    return path_for("events.detail", event_id=event.id)


def when_for(user: User, event: Event) -> str:
    """When ``event`` starts, in ``user``'s own zone."""
    return format_local(event.starts_at, user.timezone)


# ---- one meetup --------------------------------------------------------------------------------


def get_event(actor: User, event_id: int) -> Event:
    event = db.session.get(Event, event_id) if 0 < event_id <= MAX_DB_INT else None
    if event is None or rules.can_view(actor, event):
        raise NotFound("No such meetup.")
    return event


def get_series(series_id: int) -> EventSeries:
    series = db.session.get(EventSeries, series_id) if 0 < series_id <= MAX_DB_INT else None
    if series is None:
        raise NotFound("No such series.")
    return series


def rsvp_of(user: User, event: Event) -> Rsvp | None:
    return db.session.scalar(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))


def rsvps_with(event: Event, statuses: tuple[str, ...]) -> list[Rsvp]:
    return list(db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.status.in_(statuses))))


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


def attendees(actor: User, event: Event) -> dict[str, list[Rsvp]]:
    """Going (by name) and the waitlist (in order), each row loaded with its person: for the
    organiser or an admin only."""
    reason = rules.can_manage(actor, event)
    if reason:
        raise PermissionDenied(reason)
    going = db.session.scalars(
        select(Rsvp).join(User, User.id == Rsvp.user_id).options(contains_eager(Rsvp.user))
        .where(Rsvp.event_id == event.id, Rsvp.status == "going").order_by(User.display_name)
    ).all()
    return {"going": list(going), "waitlist": waitlist(event, with_people=True)}


@dataclass
class EventPage:
    """What the meetup page shows; every rule already answered."""

    event: Event
    rsvp: Rsvp | None
    manage: bool  # the viewer runs it: sees who is going
    people: dict[str, list[Rsvp]] | None  # going and waitlist, for the organiser or an admin
    position: int | None  # the viewer's place on the waitlist
    shows_link: bool
    is_full: bool
    cancel_block: str | None  # why the viewer may not cancel (nor edit) the meetup now; None: they may
    answers_note: str | None  # why answers are closed (cancelled, started); None while open
    going_button: str | None  # the label of the "going" button, None when not offered
    not_going_button: str | None
    marks_attendance: bool  # the attendance form is shown
    ends_series: bool  # the "End the series" button is shown


def event_page(actor: User, event_id: int, now: datetime | None = None) -> EventPage:
    """The meetup page: the event with its organiser, series, cohort and domains, the viewer's answer
    and, for whoever runs it, who is going and who waits (people loaded with their rows)."""
    now = now or utcnow()
    event = db.session.scalar(
        select(Event).where(Event.id == event_id)
        .options(joinedload(Event.organiser), joinedload(Event.series), joinedload(Event.cohort),
                 selectinload(Event.domains))
    ) if 0 < event_id <= MAX_DB_INT else None
    in_group = rules.in_audience(actor, event) if event is not None else False
    if event is None or rules.can_view(actor, event, in_group=in_group):
        raise NotFound("No such meetup.")
    manage = rules.can_manage(actor, event) is None
    rsvp = rsvp_of(actor, event)
    people = attendees(actor, event) if manage else None
    position = None
    if rsvp is not None and rsvp.status == "waitlisted":
        position = waitlist_position(actor, event, people["waitlist"] if people is not None else None)
    full = rules.is_full(event)
    may_answer = rules.can_rsvp(actor, event, now, in_group=in_group) is None
    status = rsvp.status if rsvp is not None else None
    going_button = not_going_button = None
    if may_answer and status in (None, "declined"):
        going_button = "Join the waitlist" if full else "I'm going"
    if may_answer and status != "declined":
        not_going_button = {"waitlisted": "Leave the waitlist", "going": "I can't go"}.get(status, "Not going")
    return EventPage(
        event=event, rsvp=rsvp, manage=manage, people=people, position=position,
        shows_link=rules.shows_link(actor, event, rsvp), is_full=full,
        cancel_block=rules.can_cancel(actor, event, now), answers_note=rules.answers_closed(event, now),
        going_button=going_button, not_going_button=not_going_button,
        marks_attendance=bool(people and people["going"]) and rules.can_mark_attendance(actor, event, now) is None,
        ends_series=event.series_id is not None and rules.can_end_series(actor, event.series) is None,
    )


# ---- lists -------------------------------------------------------------------------------------


def list_events(actor: User, *, when: str = "upcoming", domain: str | None = None, fmt: str | None = None,
                page: int = 1, now: datetime | None = None) -> Page:
    now = now or utcnow()
    stmt = select(Event).where(rules.visible_clause(actor))
    if when == "past":
        stmt = stmt.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.where(Event.ends_at > now, Event.is_cancelled.is_(False), _next_of_its_series(now))
        stmt = stmt.order_by(Event.starts_at, Event.id).options(selectinload(Event.series))
    if domain:
        stmt = stmt.where(Event.domains.any(Domain.slug == domain))
    if fmt in FORMATS:
        stmt = stmt.where(Event.format == fmt)
    stmt = stmt.options(selectinload(Event.domains))  # shown on every card: one query, not one per meetup
    return paginate(db.session, stmt, page, setting("EVENTS_PAGE_SIZE"))


def _next_of_its_series(now: datetime):
    """SQL filter: a meetup outside a series, or the next live one of its series (the upcoming
    list shows a series once, as its next occurrence plus how often it repeats)."""
    earlier = aliased(Event)
    return or_(Event.series_id.is_(None), ~exists().where(
        earlier.series_id == Event.series_id, earlier.ends_at > now, earlier.is_cancelled.is_(False),
        or_(earlier.starts_at < Event.starts_at, and_(earlier.starts_at == Event.starts_at, earlier.id < Event.id))))


def upcoming_for(user: User, limit: int = 5, now: datetime | None = None) -> list[Event]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(Event).join(Rsvp, Rsvp.event_id == Event.id)
        .where(Rsvp.user_id == user.id, Rsvp.status.in_(("going", "waitlisted")), Event.ends_at > now,
               Event.is_cancelled.is_(False))
        .order_by(Event.starts_at).limit(limit)
    ))


def project_teams(actor: User) -> list:
    """Project teams ``actor`` may address: the ones they belong to (all, for an admin)."""
    return projects.teams_of(actor, every=is_admin(actor))


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


# ---- cohorts -----------------------------------------------------------------------------------


def cohorts(actor: User) -> list[Cohort]:
    """The cohorts ``actor`` manages (all, for an admin) by name, with their members loaded."""
    stmt = select(Cohort).order_by(Cohort.name).options(selectinload(Cohort.members))
    if not is_admin(actor):
        stmt = stmt.where(Cohort.id.in_(select(cohort_organisers.c.cohort_id)
                                        .where(cohort_organisers.c.user_id == actor.id)))
    return list(db.session.scalars(stmt))


def get_cohort(actor: User, cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id, options=[
        selectinload(Cohort.members).selectinload(CohortMember.user), selectinload(Cohort.organisers)],
    ) if 0 < cohort_id <= MAX_DB_INT else None
    if cohort is None or rules.can_manage_cohort(actor, cohort):  # an outsider learns nothing, not even the name
        raise NotFound("No such cohort.")
    return cohort


def member_candidates(actor: User, cohort: Cohort) -> list[User]:
    """Whom ``actor`` may add: people they share a cohort, a mentorship or a meetup with."""
    present = rules.cohort_member_ids(cohort.id)
    return [u for u in tied_people(actor) if u.id not in present]


# ---- calendars ---------------------------------------------------------------------------------


def _ics_event(event: Event, viewer: User | None, rsvp: Rsvp | None):
    link = absolute(event_link(event))
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
        if viewer is not None and rules.shows_link(viewer, event, rsvp) and event.online_url:
            item.add("location", event.online_url)
        else:
            item.add("location", "Online")
    elif event.address:
        item.add("location", event.address)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def event_ics(actor: User, event: Event) -> bytes:
    """A .ics file with one meetup (the online link only for people going)."""
    if rules.can_view(actor, event):
        raise NotFound("No such meetup.")
    cal = icalendar.Calendar()
    cal.add("prodid", "-//mentorhub//meetups//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", event.title)
    cal.add_component(_ics_event(event, actor, rsvp_of(actor, event)))
    return cal.to_ical()


def calendar_events(user: User) -> list:
    """Every meetup ``user`` is going to or organises, as icalendar Events (for the private feed)."""
    going = select(Rsvp.event_id).where(Rsvp.user_id == user.id, Rsvp.status == "going")
    events = db.session.scalars(
        select(Event).where(or_(Event.id.in_(going), Event.organiser_id == user.id)).order_by(Event.starts_at)
    ).all()
    answers = {r.event_id: r for r in db.session.scalars(
        select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.event_id.in_([e.id for e in events])))} if events else {}
    return [_ics_event(e, user, answers.get(e.id)) for e in events]




# ---- for profiles (registered by create_app) ----


def organises_a_cohort(user_id: int) -> bool:
    """True when the user organises at least one cohort (the profiles import asks this through
    the organiser check create_app registers, as profiles sits below events)."""
    return bool(db.session.scalar(select(exists().where(cohort_organisers.c.user_id == user_id))))


# ---- for api ----


def upcoming_select(actor: User, now: datetime | None = None):
    """Meetups ``actor`` may see that have not ended and are not cancelled (as list_events)."""
    now = now or utcnow()
    return select(Event).where(rules.visible_clause(actor), Event.ends_at > now, Event.is_cancelled.is_(False)) \
        .options(selectinload(Event.domains))


# ---- for webhooks ----


def meetups_created_since(since: datetime, limit: int) -> list[dict]:
    """Meetups open to everyone created after ``since`` (a series once, at its first occurrence)."""
    rows = db.session.scalars(
        select(Event).where(Event.created_at > since, Event.audience == "everyone", Event.cohort_id.is_(None),
                            Event.is_cancelled.is_(False), or_(Event.series_id.is_(None), Event.series_index == 0))
        .order_by(Event.created_at, Event.id).limit(limit))
    return [{"key": f"meetup.created:{e.id}", "kind": "meetup.created", "at": e.created_at, "title": e.title,
             "path": path_for("events.detail", event_id=e.id),
             "detail": f"Starts {format_local(e.starts_at, 'UTC')} UTC" + (" (online)" if e.is_online else "")}
            for e in rows]


# ---- for dashboard ----


def step_facts(user_id: int) -> dict:
    """Next-step facts of events for the dashboard's one facts query: said yes to (or queued for) a meetup."""
    return {"rsvped": exists().where(Rsvp.user_id == user_id, Rsvp.status.in_(("going", "waitlisted")))}


# ---- for the home page (f-ux2) ----
def showcase_meetups(limit: int, now: datetime | None = None) -> list[Event]:
    """The next meetups open to everyone, soonest first."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Event).where(Event.audience == "everyone", Event.ends_at > now, Event.is_cancelled.is_(False))
        .order_by(Event.starts_at, Event.id).limit(limit)))
# ---- for stats ----


def cohort_choices() -> list[tuple[int, str]]:
    return [tuple(r) for r in db.session.execute(select(Cohort.id, Cohort.name).order_by(Cohort.name))]


def cohort_members_select(cohort_id: int):
    """The user ids of a cohort's members, as a select (no query)."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)
