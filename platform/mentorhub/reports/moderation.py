"""Admins act on reports: dismiss, warn, hide the content, suspend. The reporter is told the
outcome; the member warned or suspended is never told who reported them."""
from __future__ import annotations

from ..accounts.admin import set_suspended
from ..accounts.models import User
from ..accounts.queries import users_by_id
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied
from ..notifications.notify import notify
from ..urls import path_for
from . import rules
from .models import ACTIONS, REASONS, TARGETS, Report
from .targets import HIDE


def require_moderator(actor: User) -> None:
    refusal = rules.can_moderate(actor)
    if refusal:
        raise PermissionDenied(refusal)


def get_report(actor: User, report_id: int) -> Report:
    require_moderator(actor)
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound("No such report.")
    return report


def act(actor: User, report_id: int, action: str) -> Report:
    report = get_report(actor, report_id)
    refusal = rules.can_act(actor, report, action)
    if refusal:
        raise PermissionDenied(refusal)
    _label, status, told = ACTIONS[action]
    people = users_by_id([i for i in (report.reporter_id, report.target_user_id) if i])
    report.status, report.resolved_by_id, report.resolved_at = status, actor.id, utcnow()
    what = TARGETS[report.target_kind]
    if report.reporter_id in people:
        notify(people[report.reporter_id], "system", "Your report was reviewed",
               f"Thank you for reporting {what}. {told}", link=path_for("reports.mine"),
               key=f"report-outcome:{report.id}")
    if action == "warn":
        notify(people[report.target_user_id], "system", "A warning from the moderators",
               f"An admin reviewed {what} of yours ({REASONS[report.reason].lower()}). "
               "Please keep to the community's rules; a repeat may suspend your account.",
               key=f"report-warning:{report.id}")
    elif action == "hide":
        HIDE[report.target_kind](report.target_id)
    if action == "suspend":
        set_suspended(actor, people[report.target_user_id], True)  # commits; ends their sessions
    else:
        db.session.commit()
    return report
