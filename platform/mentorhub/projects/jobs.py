"""Scheduled sweeps of the projects feature."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..db import db, utcnow
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import setting
from .activity import commit
from .models import ACTIVE_STATUSES, Project
from .queries import stale_cutoff


def mark_stale_projects(now: datetime | None = None) -> int:
    """Mark open ideas with no activity for PROJECT_STALE_DAYS as stale (hidden by default); tell
    each owner once."""
    now = now or utcnow()
    due = list(db.session.scalars(
        select(Project).where(Project.is_stale.is_(False), Project.status.in_(ACTIVE_STATUSES),
                              Project.last_activity_at < stale_cutoff(now))
    ))
    for project in due:
        project.is_stale = True
        notify(project.owner, "project_stale", f"“{project.title}” has gone quiet",
               f"Nothing has happened on this idea for {setting('PROJECT_STALE_DAYS')} days, so it is hidden "
               "from the project list. Any update (an edit, a status change, a milestone) brings it back.",
               link=path_for("projects.detail", project_id=project.id),
               key=f"project-stale:{project.id}:{project.last_activity_at.isoformat()}")
    if due:
        commit()
    return len(due)
