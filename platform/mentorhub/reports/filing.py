"""Filing a report: any member, about something they can see."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..db import db
from ..errors import Conflict, NotFound, PermissionDenied
from ..validation import choice, setting, text
from . import rules
from .models import REASONS, TARGETS, Report
from .targets import FIND, Target


def find_target(actor: User, kind: str, target_id: int) -> Target:
    """The thing to report, as ``actor`` may see it; NotFound otherwise (nothing said about why)."""
    if kind not in TARGETS:
        raise NotFound("Nothing like that can be reported.")
    target = FIND[kind](target_id, actor)
    if target is None:
        raise NotFound("There is nothing to report there.")
    return target


def file_report(actor: User, kind: str, target_id: int, data: dict) -> Report:
    target = find_target(actor, kind, target_id)
    refusal = rules.can_report(actor, target.user_id)
    if refusal:
        raise PermissionDenied(refusal)
    reason = choice(data.get("reason"), REASONS, field="reason", label="a reason")
    details = text(data.get("details"), field="details", label="the details", max_len=setting("REPORT_DETAILS_MAX"))
    already = db.session.scalar(select(Report.id).where(
        Report.reporter_id == actor.id, Report.target_kind == kind, Report.target_id == target_id,
        Report.status == "open"))
    if already:
        raise Conflict("You have already reported this; the admins will look at it.")
    report = Report(reporter_id=actor.id, target_kind=kind, target_id=target_id, target_user_id=target.user_id,
                    reason=reason, details=details, excerpt=target.excerpt[: setting("REPORT_EXCERPT_MAX")])
    db.session.add(report)
    db.session.commit()
    return report
