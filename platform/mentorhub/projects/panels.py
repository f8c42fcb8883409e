"""The projects panel of the dashboard: the viewer's teams and the applications waiting, as plain
data in one query."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select, true

from ..accounts.models import User
from ..db import db
from .models import Project, ProjectApplication, ProjectMember

PANEL_TEAMS = 5  # teams listed on the dashboard


@dataclass(frozen=True)
class TeamLine:
    id: int
    title: str


def dashboard_panel(user: User) -> dict:
    """Data for templates/projects/_dashboard.html: the teams the viewer is on (most recently
    active first), their own pending applications, and pending applications to the ideas they
    own or champion (the counts of queries.my_projects)."""
    teams = (select(Project.id, Project.title, Project.last_activity_at)
             .join(ProjectMember, ProjectMember.project_id == Project.id)
             .where(ProjectMember.user_id == user.id).order_by(Project.last_activity_at.desc()).limit(PANEL_TEAMS)
             .subquery())
    managed = select(Project.id).where(or_(Project.owner_id == user.id, Project.champion_id == user.id))
    pending_mine = (select(func.count(ProjectApplication.id))
                    .where(ProjectApplication.user_id == user.id, ProjectApplication.status == "pending"))
    to_decide = (select(func.count(ProjectApplication.id))
                 .where(ProjectApplication.project_id.in_(managed), ProjectApplication.status == "pending"))
    counts = select(pending_mine.scalar_subquery().label("pending"),
                    to_decide.scalar_subquery().label("to_decide")).subquery()
    # the one row of counts, joined to each team (or to none: one row with no team)
    rows = db.session.execute(
        select(counts.c.pending, counts.c.to_decide, teams.c.id, teams.c.title)
        .select_from(counts.outerjoin(teams, true())).order_by(teams.c.last_activity_at.desc())
    ).all()
    return {"teams": [TeamLine(r.id, r.title) for r in rows if r.id is not None],
            "pending_applications": rows[0].pending or 0, "pending_to_decide": rows[0].to_decide or 0}
