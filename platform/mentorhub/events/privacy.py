"""The events feature's part of a person's data: what an export shows and what erasing removes."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from ..accounts.models import User
from ..db import db, utcnow
from .models import Cohort, CohortMember, Event, EventSeries, Rsvp, cohort_organisers
from .rsvp import give_up_seat, tell_everyone_answering


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
    come, removes their answers and cohort places. Past meetups they ran stay (anonymised).
    No commit: the account deletion that calls it commits once."""
    now = utcnow()
    for r in db.session.scalars(select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.status == "going")).all():
        give_up_seat(r.id, r.event, now)
    db.session.execute(delete(Rsvp).where(Rsvp.user_id == user.id))
    for event in db.session.scalars(
        select(Event).where(Event.organiser_id == user.id, Event.starts_at > now, Event.is_cancelled.is_(False))
    ).all():
        event.is_cancelled = True
        tell_everyone_answering(event, f"Meetup cancelled: {event.title}",
                                lambda _user, event=event: f"“{event.title}” will not take place: its organiser left.")
    db.session.execute(update(EventSeries).where(EventSeries.organiser_id == user.id).values(is_ended=True))
    db.session.execute(delete(CohortMember).where(CohortMember.user_id == user.id))
    db.session.execute(delete(cohort_organisers).where(cohort_organisers.c.user_id == user.id))
    db.session.execute(update(Cohort).where(Cohort.created_by_id == user.id).values(created_by_id=None))
