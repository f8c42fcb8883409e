"""Who someone already knows on mentorhub: the only people they may pick for a cohort, a
best-time group or a meetup invitation (never an address typed in, which would tell whether it
has an account, and would let a meetup notice reach anyone).

A tie is a shared cohort (as member or organiser), a mentorship (any status), or a shared meetup
(both answered the same one, or one organised a meetup the other answered).
"""
from __future__ import annotations

from sqlalchemy import select, union

from ..accounts.models import User
from ..db import db
from ..mentoring.queries import partner_id_selects
from .models import CohortMember, Event, Rsvp, cohort_organisers


def tied_ids(user: User) -> set[int]:
    """Ids of everyone ``user`` shares a cohort, a mentorship or a meetup with (one query)."""
    my_cohorts = union(
        select(CohortMember.cohort_id).where(CohortMember.user_id == user.id),
        select(cohort_organisers.c.cohort_id).where(cohort_organisers.c.user_id == user.id),
    ).subquery()
    my_events = union(
        select(Rsvp.event_id).where(Rsvp.user_id == user.id),
        select(Event.id).where(Event.organiser_id == user.id),
    ).subquery()
    cohorts, events = select(my_cohorts.c[0]), select(my_events.c[0])
    people = union(
        select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohorts)),
        select(cohort_organisers.c.user_id).where(cohort_organisers.c.cohort_id.in_(cohorts)),
        *partner_id_selects(user.id),
        select(Rsvp.user_id).where(Rsvp.event_id.in_(events)),
        select(Event.organiser_id).where(Event.id.in_(events)),
    )
    ids = set(db.session.scalars(select(people.subquery().c[0])))
    ids.discard(user.id)
    return ids


def tied_people(user: User) -> list[User]:
    """The people of ``tied_ids`` with an account still open, by name (for pick lists)."""
    ids = tied_ids(user)
    if not ids:
        return []
    return list(db.session.scalars(
        select(User).where(User.id.in_(ids), User.is_deleted.is_(False))
        .order_by(User.display_name, User.id)
    ))
