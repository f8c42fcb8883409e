"""Who may do what with meetups and cohorts, and what state a meetup is in. Read-only.

Each ``can_*`` question returns None when the answer is yes, else the reason people see. The
same function decides whether a page shows a button and whether the service that writes lets
it happen (the service raises PermissionDenied or ValidationError with the reason).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select, true

from ..accounts.models import User
from ..actors import is_admin, is_signed_in
from ..db import db
from ..profiles.queries import is_mentor
from ..projects import queries as projects
from .models import Cohort, CohortMember, Event, EventSeries, Rsvp, cohort_organisers

NOT_RUNNING = "Only the organiser or an admin can do that."
NOT_ORGANISER = "Only mentors, organisers and admins can do that."
CANCELLED = "This meetup was cancelled."
STARTED = "This meetup has already started; answers are closed."
GROUP_ONLY = "This meetup is for its group's members only."


# ---- state ---------------------------------------------------------------------------------------


def has_started(event: Event, now: datetime) -> bool:
    return event.starts_at <= now


def is_over(event: Event, now: datetime) -> bool:
    return event.ends_at <= now


def is_full(event: Event) -> bool:
    """No seat left: a new "going" answer joins the waitlist."""
    return event.seats_left == 0


def answers_closed(event: Event, now: datetime) -> str | None:
    """None while people may still answer (not cancelled, not started), else why not."""
    if event.is_cancelled:
        return CANCELLED
    if has_started(event, now):
        return STARTED
    return None


# ---- who is in a meetup's group ---------------------------------------------------------------------


def cohort_member_ids(cohort_id: int) -> set[int]:
    return set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)))


def in_audience(user: User, event: Event | EventSeries) -> bool:
    """Whether the meetup is for ``user``: everyone's, or one of their project team or cohort."""
    if event.audience == "everyone":
        return True
    if event.audience == "project" and event.project_id:
        return user.id in projects.team_ids(event.project_id)
    if event.audience == "cohort" and event.cohort_id:
        return user.id in cohort_member_ids(event.cohort_id)
    return False


def visible_clause(user: User):
    """SQL filter: the meetups ``user`` may see in lists (the ``can_view`` rule in SQL)."""
    if is_admin(user):
        return true()
    cohorts = select(CohortMember.cohort_id).where(CohortMember.user_id == user.id)
    return or_(
        Event.audience == "everyone",
        Event.organiser_id == user.id,
        and_(Event.audience == "project", projects.on_team_of(Event.project_id, user.id)),
        and_(Event.audience == "cohort", Event.cohort_id.in_(cohorts)),
    )


# ---- rights ----------------------------------------------------------------------------------------


def can_organise(user: User | None, has_mentor_profile: bool | None = None) -> str | None:
    """Admins, members an admin made organisers, and mentors (``has_mentor_profile`` when the
    caller already knows, saving the query)."""
    if not is_signed_in(user) or not user.is_active:
        return NOT_ORGANISER
    if user.is_admin or user.is_organiser:
        return None
    mentor = has_mentor_profile if has_mentor_profile is not None else is_mentor(user)
    return None if mentor else NOT_ORGANISER


def can_manage(actor: User | None, event: Event | EventSeries) -> str | None:
    """Only the organiser or an admin edits a meetup, sees who is going, marks attendance."""
    if is_signed_in(actor) and (actor.is_admin or event.organiser_id == actor.id):
        return None
    return NOT_RUNNING


def can_view(actor: User | None, event: Event, in_group: bool | None = None) -> str | None:
    """Whoever runs the meetup and the people it is for; others learn nothing about it.
    ``in_group``: ``in_audience`` when the caller already knows it, saving its query."""
    if not is_signed_in(actor):
        return "No such meetup."
    if can_manage(actor, event) is None:
        return None
    return None if (in_audience(actor, event) if in_group is None else in_group) else "No such meetup."


def can_rsvp(actor: User, event: Event, now: datetime, in_group: bool | None = None) -> str | None:
    """None when ``actor`` may answer going / not going now, else why not (``in_group`` as for can_view)."""
    if not is_signed_in(actor) or not (in_audience(actor, event) if in_group is None else in_group):
        return GROUP_ONLY
    return answers_closed(event, now)


def shows_link(actor: User, event: Event, rsvp: Rsvp | None) -> bool:
    """The online link is shown only to people going (``rsvp``: theirs) and to whoever runs it."""
    return can_manage(actor, event) is None or (rsvp is not None and rsvp.status == "going")


def can_edit(actor: User, event: Event) -> str | None:
    reason = can_manage(actor, event)
    if reason:
        return reason
    if event.is_cancelled:
        return "This meetup was cancelled and can no longer be changed."
    return None


def can_cancel(actor: User, event: Event, now: datetime) -> str | None:
    """None when ``actor`` may cancel ``event`` now (the page then offers edit and cancel), else the reason."""
    reason = can_manage(actor, event)
    if reason:
        return reason
    if event.is_cancelled:
        return CANCELLED
    if is_over(event, now):
        return "This meetup is already over."
    return None


def can_mark_attendance(actor: User, event: Event, now: datetime) -> str | None:
    """After the start, whoever runs a meetup that took place marks who came."""
    reason = can_manage(actor, event)
    if reason:
        return reason
    if event.is_cancelled:
        return CANCELLED
    if not has_started(event, now):
        return "Attendance can be marked once the meetup has started."
    return None


def can_end_series(actor: User, series: EventSeries | None) -> str | None:
    if series is None:
        return "This meetup is not part of a series."
    reason = can_manage(actor, series)
    if reason:
        return reason
    return "This series has ended." if series.is_ended else None


def can_create_cohort(actor: User | None) -> str | None:
    """Admins, and members an admin made organisers: a cohort's creator becomes its organiser."""
    if is_signed_in(actor) and actor.is_active and (actor.is_admin or actor.is_organiser):
        return None
    return "Only organisers and admins can create cohorts."


def can_manage_cohort(actor: User | None, cohort: Cohort) -> str | None:
    """None when ``actor`` may see and run ``cohort`` (its members, its meetups, its best time),
    else the reason why not. Only its organisers and admins may; an admin appoints organisers."""
    if not is_signed_in(actor) or not actor.is_active:
        return "Log in first."
    if actor.is_admin:
        return None
    is_organiser = db.session.scalar(select(exists().where(
        cohort_organisers.c.cohort_id == cohort.id, cohort_organisers.c.user_id == actor.id)))
    return None if is_organiser else "Only this cohort's organisers and admins can do that."


def can_appoint_organisers(actor: User | None) -> str | None:
    return None if is_admin(actor) else "Only admins can appoint cohort organisers."
