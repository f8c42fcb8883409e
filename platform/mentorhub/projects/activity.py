"""The two steps every projects write ends with: log the activity (which keeps an idea fresh)
and commit, recording which projects changed for the match index."""
from __future__ import annotations

from datetime import datetime

from ..accounts.models import User
from ..db import db, utcnow
from ..generations import projects_changed
from .models import Project, ProjectActivity


def log(project: Project, actor: User | None, message: str, now: datetime | None = None) -> None:
    """Record activity; activity keeps an idea fresh (not stale)."""
    now = now or utcnow()
    db.session.add(ProjectActivity(project_id=project.id, actor_id=actor.id if actor else None,
                                   message=message[:400], created_at=now))
    project.last_activity_at = now
    project.is_stale = False


def commit() -> None:
    touched = [o for o in (*db.session.new, *db.session.dirty) if isinstance(o, Project)]
    db.session.flush()
    projects_changed(p.id for p in touched)
    db.session.commit()
