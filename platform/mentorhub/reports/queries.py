"""Reads of reports: the admins' queue and a member's own reports (never who filed one)."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.queries import users_by_id
from ..db import db
from ..validation import setting
from .models import Report


def open_reports() -> tuple[list[Report], dict[int, str]]:
    """The open reports, oldest first, and the names of the members responsible (two queries)."""
    reports = list(db.session.scalars(select(Report).where(Report.status == "open")
                                      .order_by(Report.created_at, Report.id).limit(setting("REPORTS_QUEUE_SHOWN"))))
    people = users_by_id({r.target_user_id for r in reports if r.target_user_id})
    return reports, {i: u.display_name for i, u in people.items()}


def reports_by(user_id: int) -> list[Report]:
    return list(db.session.scalars(select(Report).where(Report.reporter_id == user_id)
                                   .order_by(Report.created_at.desc(), Report.id.desc())
                                   .limit(setting("REPORTS_QUEUE_SHOWN"))))
