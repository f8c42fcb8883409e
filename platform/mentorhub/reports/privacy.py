"""Reports in the data export and account deletion. A member's export holds the reports they filed
(never those filed about them: that would say who reported them). Deleting the account erases the
link to the reporter; the report itself stays for the admins."""
from __future__ import annotations

from sqlalchemy import select, update

from ..db import db
from .models import Report


def export_user_data(user) -> dict:
    return {"reports_filed": [{"kind": r.target_kind, "reason": r.reason, "details": r.details,
                               "status": r.status, "created_at": r.created_at.isoformat()}
                              for r in db.session.scalars(select(Report).where(Report.reporter_id == user.id)
                                                         .order_by(Report.id))]}


def erase_user_data(user) -> None:
    db.session.execute(update(Report).where(Report.reporter_id == user.id).values(reporter_id=None))
