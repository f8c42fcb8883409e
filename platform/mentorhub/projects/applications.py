"""Applications to join a team: apply, withdraw, accept (claiming a seat atomically), decline.

Seats are claimed with a conditional UPDATE (``seats_taken = seats_taken + 1 WHERE
seats_taken < seats``), so two people accepting at the same moment never over-fill a team,
on SQLite (BEGIN IMMEDIATE) and on PostgreSQL (the row lock re-checks the condition).
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import match_events
from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import setting, text
from . import rules
from .activity import commit, log
from .models import ACTIVE_STATUSES, Project, ProjectApplication, ProjectMember
from .queries import application_of, get_project, membership

# Refusals of can_apply that concern what the applicant wrote or who they are (shown on the form).
_FORM_REFUSALS = (rules.ALREADY_LEAD, rules.BLOCKED_WITH_LEADS)


def applications_for(actor: User, project: Project) -> list[ProjectApplication]:
    """Every application to ``project``, pending first: for its managers."""
    refusal = rules.can_manage(actor, project)
    if refusal:
        raise PermissionDenied(refusal)
    return list(db.session.scalars(
        select(ProjectApplication).options(selectinload(ProjectApplication.user))
        .where(ProjectApplication.project_id == project.id)
        .order_by((ProjectApplication.status == "pending").desc(), ProjectApplication.created_at.desc())
    ))


def apply(actor: User, project_id: int, motivation: str) -> ProjectApplication:
    project = get_project(project_id)
    written = text(motivation, field="motivation", label="a short motivation", required=True,
                   max_len=setting("PROJECT_MOTIVATION_MAX"), min_len=setting("PROJECT_MOTIVATION_MIN"))
    previous = application_of(actor, project)
    refusal = rules.can_apply(actor, project, membership(actor, project), previous)
    if refusal in _FORM_REFUSALS:
        raise ValidationError(refusal, field="motivation")
    if refusal:
        raise Conflict(refusal)
    if previous is not None:
        # a withdrawn application may be sent again, once more with a fresh motivation
        reopened = db.session.execute(
            update(ProjectApplication).where(ProjectApplication.id == previous.id,
                                             ProjectApplication.status == "withdrawn")
            .values(status="pending", motivation=written, created_at=utcnow(), decided_at=None,
                    decided_by_id=None, decision_reason=None)
        )
        if not reopened.rowcount:
            db.session.rollback()
            raise Conflict("You have already applied to this project.")
        application = previous
    else:
        application = ProjectApplication(project_id=project.id, user_id=actor.id, motivation=written,
                                         status="pending", created_at=utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(application)
        except IntegrityError:
            db.session.rollback()
            raise Conflict("You have already applied to this project.") from None
    log(project, actor, "applied to join")
    link = path_for("projects.applications", project_id=project.id)
    for leader in {project.owner, project.champion} - {None}:
        notify(leader, "project_application", f"{actor.display_name} applied to “{project.title}”",
               written[:500], link=link)
    commit()
    return application


def get_application(application_id: int) -> ProjectApplication:
    application = db.session.get(ProjectApplication, application_id)
    if application is None:
        raise NotFound("No such application.")
    return application


def withdraw(actor: User, application_id: int) -> ProjectApplication:
    application = get_application(application_id)
    refusal = rules.can_withdraw(actor, application)
    if refusal == rules.NOT_YOUR_APPLICATION:
        raise PermissionDenied(refusal)
    if refusal:
        raise Conflict(refusal)
    result = db.session.execute(
        update(ProjectApplication).where(ProjectApplication.id == application.id,
                                         ProjectApplication.status == "pending")
        .values(status="withdrawn", decided_at=utcnow())
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("Only a pending application can be withdrawn.")
    project = get_project(application.project_id)
    log(project, actor, "withdrew their application")
    commit()
    db.session.refresh(application)
    return application


def accept(actor: User, application_id: int) -> ProjectMember:
    """Accept a pending application: claim a seat atomically, add the member, tell the applicant."""
    application = get_application(application_id)
    project = get_project(application.project_id)
    refusal = rules.can_manage(actor, project)
    if refusal:
        raise PermissionDenied(refusal)
    if rules.blocked_with_leads(application.user_id, project):
        raise Conflict("This person cannot join the team: they and one of the project's leads have blocked "
                       "each other. Decline the application instead.")
    now = utcnow()
    claimed = db.session.execute(
        update(ProjectApplication).where(ProjectApplication.id == application.id,
                                         ProjectApplication.status == "pending")
        .values(status="accepted", decided_at=now, decided_by_id=actor.id)
    )
    if not claimed.rowcount:
        db.session.rollback()
        raise Conflict("This application was already decided.")
    seat = db.session.execute(
        update(Project).where(Project.id == project.id, Project.seats_taken < Project.seats,
                              Project.status.in_(ACTIVE_STATUSES))
        .values(seats_taken=Project.seats_taken + 1)
    )
    if not seat.rowcount:
        db.session.rollback()
        raise Conflict("The team is full (or no longer open), so this application cannot be accepted.")
    member = ProjectMember(project_id=project.id, user_id=application.user_id, role="contributor", joined_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError:
        db.session.rollback()
        raise Conflict("That person is already on the team.") from None
    db.session.refresh(project)
    applicant = db.session.get(User, application.user_id)
    log(project, actor, f"accepted {applicant.display_name} onto the team", now)
    notify(applicant, "project_decision", f"You are on the team of “{project.title}”",
           "Your application was accepted. Say hello to the team and pick a first issue.",
           link=path_for("projects.team", project_id=project.id))
    match_events.record(match_events.APPLICATION_ACCEPTED, application.user_id, project_id=project.id, at=now)
    commit()
    return member


def decline(actor: User, application_id: int, reason: str) -> ProjectApplication:
    application = get_application(application_id)
    project = get_project(application.project_id)
    refusal = rules.can_manage(actor, project)
    if refusal:
        raise PermissionDenied(refusal)
    reason = text(reason, field="reason", label="a reason", required=True, max_len=setting("PROJECT_REASON_MAX"))
    result = db.session.execute(
        update(ProjectApplication).where(ProjectApplication.id == application.id,
                                         ProjectApplication.status == "pending")
        .values(status="declined", decided_at=utcnow(), decided_by_id=actor.id, decision_reason=reason)
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("This application was already decided.")
    applicant = db.session.get(User, application.user_id)
    log(project, actor, f"declined the application of {applicant.display_name}")
    notify(applicant, "project_decision", f"Your application to “{project.title}” was declined",
           f"Reason given: {reason}", link=path_for("projects.detail", project_id=project.id))
    commit()
    db.session.refresh(application)
    return application


