"""Answers to meetups: going, not going, and the waitlist.

Seats are taken with a conditional UPDATE (``going_count < capacity``) and an RSVP changes
state with a conditional UPDATE on its old state, so neither concurrent RSVPs nor a double
click can put an event over capacity or count one person twice (SQLite and PostgreSQL).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..notifications.notify import notify
from . import rules
from .models import Event, Rsvp
from .queries import event_link, rsvp_of, rsvps_with, waitlist, when_for


def tell_everyone_answering(event: Event, subject: str, body) -> None:
    """Notify everyone going or waiting; ``body(user)`` writes the message for one person."""
    for r in rsvps_with(event, ("going", "waitlisted")):
        notify(r.user, "event_update", subject, body(r.user), link=event_link(event))


def take_seat(event_id: int) -> bool:
    return bool(db.session.execute(
        update(Event)
        .where(Event.id == event_id, Event.going_count < Event.capacity, Event.is_cancelled.is_(False))
        .values(going_count=Event.going_count + 1).execution_options(synchronize_session=False)
    ).rowcount)


def release_seat(event_id: int) -> None:
    db.session.execute(
        update(Event).where(Event.id == event_id, Event.going_count > 0)
        .values(going_count=Event.going_count - 1).execution_options(synchronize_session=False)
    )


def set_status(rsvp_id: int, old: tuple[str, ...], new: str, **values) -> bool:
    """Move an RSVP from one of ``old`` to ``new``; False if someone else moved it first."""
    return bool(db.session.execute(
        update(Rsvp).where(Rsvp.id == rsvp_id, Rsvp.status.in_(old))
        .values(status=new, updated_at=utcnow(), **values).execution_options(synchronize_session=False)
    ).rowcount)


def fill_from_waitlist(event: Event, now: datetime) -> list[Rsvp]:
    """Give free seats to the waitlist, first come first served, and tell each person."""
    promoted = []
    if event.is_cancelled or event.starts_at <= now:
        return promoted
    while take_seat(event.id):
        claimed = None
        for r in waitlist(event):
            if set_status(r.id, ("waitlisted",), "going", promoted_at=now):
                claimed = r
                break
        if claimed is None:
            release_seat(event.id)
            break
        db.session.refresh(claimed)
        promoted.append(claimed)
        notify(claimed.user, "event_update", f"You have a seat: {event.title}",
               f"A seat opened up and you moved from the waitlist to going. See you on "
               f"{when_for(claimed.user, event)}.", link=event_link(event))
    db.session.refresh(event)
    return promoted


def give_up_seat(rsvp_id: int, event: Event, now: datetime) -> bool:
    """Someone going stops going: their seat goes to the first person waiting. False if they
    were not going (any more)."""
    if not set_status(rsvp_id, ("going",), "declined", waitlisted_at=None):
        return False
    release_seat(event.id)
    db.session.flush()
    fill_from_waitlist(event, now)
    return True


def rsvp(actor: User, event: Event, going: bool, now: datetime | None = None) -> Rsvp:
    """Answer going / not going. Going to a full meetup puts you on its waitlist; leaving
    gives your seat to the first person waiting."""
    now = now or utcnow()
    if rules.can_view(actor, event):
        raise NotFound("No such meetup.")
    reason = rules.can_rsvp(actor, event, now)
    if reason == rules.GROUP_ONLY:
        raise PermissionDenied(reason)
    if reason:
        raise ValidationError(reason)
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
            if take_seat(event.id):
                if not set_status(row.id, ("declined",), "going", waitlisted_at=None):
                    release_seat(event.id)  # a second click got there first
            else:
                set_status(row.id, ("declined",), "waitlisted", waitlisted_at=now)
    elif not give_up_seat(row.id, event, now):
        set_status(row.id, ("waitlisted",), "declined", waitlisted_at=None)
    db.session.commit()
    db.session.refresh(row)
    db.session.refresh(event)
    return row
