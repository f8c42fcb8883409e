"""Cohorts: named groups of members a meetup can be for, run by their organisers.

Members are picked from the people the organiser already knows (ties.py), never typed, so an
answer never tells whether an email address has an account.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..db import db
from ..errors import NotFound, PermissionDenied, ValidationError
from ..validation import db_ids, setting, text
from . import rules
from .models import Cohort, CohortMember
from .ties import tied_ids


def _require_cohort(actor: User, cohort: Cohort) -> None:
    reason = rules.can_manage_cohort(actor, cohort)
    if reason:
        raise PermissionDenied(reason)


def create_cohort(actor: User, name: str) -> Cohort:
    reason = rules.can_create_cohort(actor)
    if reason:
        raise PermissionDenied(reason)
    name = text(" ".join((name or "").split()), field="name", label="the name", required=True,
                max_len=setting("EVENTS_COHORT_NAME_MAX"))
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


def add_cohort_member(actor: User, cohort: Cohort, user_id) -> CohortMember:
    """Adds one of ``queries.member_candidates`` (any member, for an admin): picked, never typed,
    so the answer says nothing about whether an email address has an account."""
    _require_cohort(actor, cohort)
    ids = db_ids([user_id])
    user = db.session.get(User, ids[0]) if ids else None
    if user is None or user.is_deleted or not (actor.is_admin or user.id in tied_ids(actor)):
        raise ValidationError("Choose someone from the list.", field="user_id")
    if user.id in rules.cohort_member_ids(cohort.id):
        raise ValidationError(f"{user.display_name} is already in this cohort.", field="user_id")
    if len(cohort.members) >= setting("EVENTS_COHORT_MAX_MEMBERS"):
        raise ValidationError(f"A cohort has at most {setting('EVENTS_COHORT_MAX_MEMBERS')} members.",
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
    reason = rules.can_appoint_organisers(actor)
    if reason:
        raise PermissionDenied(reason)
    ids = db_ids([user_id])
    user_id = ids[0] if ids else None
    if organiser:
        if user_id is None or user_id not in rules.cohort_member_ids(cohort.id):
            raise ValidationError("Choose a member of this cohort.", field="user_id")
        user = db.session.get(User, user_id)
        if user not in cohort.organisers:
            cohort.organisers.append(user)
    else:
        cohort.organisers[:] = [u for u in cohort.organisers if u.id != user_id]
    db.session.commit()
