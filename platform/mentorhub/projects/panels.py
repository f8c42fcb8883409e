"""The projects panel of the dashboard: the viewer's teams and the applications waiting, as plain
data in two queries."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..accounts.models import User
from ..db import db
from ..profiles.sections import person_section
from .models import Project, ProjectApplication, ProjectMember
from .services import Outcome, milestones_reached_by

PANEL_TEAMS = 5  # teams listed on the dashboard


@dataclass(frozen=True)
class TeamLine:
    id: int
    title: str


def dashboard_panel(user: User) -> dict:
    """Data for templates/projects/_dashboard.html: the teams the viewer is on (most recently
    active first), their own pending applications, and pending applications to the ideas they
    own or champion (the counts of services.my_projects)."""
    teams = db.session.execute(
        select(Project.id, Project.title).join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user.id).order_by(Project.last_activity_at.desc()).limit(PANEL_TEAMS)
    ).all()
    managed = select(Project.id).where(or_(Project.owner_id == user.id, Project.champion_id == user.id))
    pending_mine = (select(func.count(ProjectApplication.id))
                    .where(ProjectApplication.user_id == user.id, ProjectApplication.status == "pending"))
    to_decide = (select(func.count(ProjectApplication.id))
                 .where(ProjectApplication.project_id.in_(managed), ProjectApplication.status == "pending"))
    pending, pending_to_decide = db.session.execute(
        select(pending_mine.scalar_subquery(), to_decide.scalar_subquery())).one()
    return {"teams": [TeamLine(*row) for row in teams], "pending_applications": pending or 0,
            "pending_to_decide": pending_to_decide or 0}


@person_section("outcomes")
def person_outcomes(person: User, viewer: User | None) -> list[Outcome]:
    """For templates/projects/_outcomes.html: milestones reached while ``person`` was on a team."""
    return milestones_reached_by(person)
