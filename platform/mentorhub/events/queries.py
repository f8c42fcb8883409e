"""Read-only page data for meetups: everything a page shows, loaded in a fixed number of queries
whatever the number of people or meetups, so templates never query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..db import MAX_DB_INT, db, utcnow
from ..errors import NotFound
from . import services
from .models import Event, Rsvp, cohort_organisers


@dataclass
class EventPage:
    event: Event
    rsvp: Rsvp | None
    manage: bool
    people: dict[str, list[Rsvp]] | None  # going and waitlist, for the organiser or an admin
    position: int | None  # the viewer's place on the waitlist
    shows_link: bool
    in_audience: bool
    now: datetime
    cancel_block: str | None  # why the viewer may not cancel (nor edit) the meetup now; None: they may


def event_page(actor: User, event_id: int) -> EventPage:
    """The meetup page: the event with its organiser, series, cohort and domains, the viewer's answer
    and, for whoever runs it, who is going and who waits (people loaded with their rows)."""
    event = db.session.scalar(
        select(Event).where(Event.id == event_id)
        .options(joinedload(Event.organiser), joinedload(Event.series), joinedload(Event.cohort),
                 selectinload(Event.domains))
    ) if 0 < event_id <= MAX_DB_INT else None
    if event is None or not services.can_view(actor, event):
        raise NotFound("No such meetup.")
    manage = services.may_manage(actor, event)
    rsvp = services.rsvp_of(actor, event)
    people = services.attendees(actor, event) if manage else None
    position = None
    if rsvp is not None and rsvp.status == "waitlisted":
        position = services.waitlist_position(actor, event, people["waitlist"] if people is not None else None)
    now = utcnow()
    return EventPage(event=event, rsvp=rsvp, manage=manage, people=people, position=position,
                     shows_link=manage or (rsvp is not None and rsvp.status == "going"),
                     in_audience=services.in_audience(actor, event), now=now,
                     cancel_block=services.can_cancel(actor, event, now))


def organises_a_cohort(user_id: int) -> bool:
    """True when the user organises at least one cohort (the profiles import asks this through
    the organiser check create_app registers, as profiles sits below events)."""
    return bool(db.session.scalar(select(exists().where(cohort_organisers.c.user_id == user_id))))
