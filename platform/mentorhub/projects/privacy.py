"""The personal data the projects feature holds: export it, erase it (no commit: the account
deletion that asks commits)."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from ..accounts.models import User
from ..db import db
from ..generations import projects_changed
from .models import MilestoneCredit, Project, ProjectActivity, ProjectApplication, ProjectMember
from .queries import milestones_reached_by, my_projects
from .teams import release_seat


def export_user_data(user: User) -> dict:
    mine = my_projects(user)
    return {
        "owned_ideas": [{"id": p.id, "title": p.title, "status": p.status,
                         "created_at": p.created_at.isoformat()} for p in mine.owned],
        "championed_ideas": [{"id": p.id, "title": p.title} for p in mine.championed],
        "teams": [{"id": p.id, "title": p.title} for p in mine.teams],
        "applications": [{"project_id": a.project_id, "motivation": a.motivation, "status": a.status,
                          "decision_reason": a.decision_reason, "created_at": a.created_at.isoformat()}
                         for a in mine.applications],
        "outcomes": [{"project_id": o.project_id, "project": o.project_title, "milestone": o.milestone,
                      "reached_at": o.reached_at.isoformat()} for o in milestones_reached_by(user)],
    }


def erase_user_data(user: User) -> None:
    """Applications, memberships and credits go; owned ideas are archived; activity is anonymised."""
    changed = []
    for member in db.session.scalars(select(ProjectMember).where(ProjectMember.user_id == user.id)).all():
        release_seat(member.project)
        changed.append(member.project_id)
        db.session.delete(member)
    db.session.execute(delete(ProjectApplication).where(ProjectApplication.user_id == user.id))
    db.session.execute(delete(MilestoneCredit).where(MilestoneCredit.user_id == user.id))
    db.session.execute(update(ProjectActivity).where(ProjectActivity.actor_id == user.id).values(actor_id=None))
    db.session.execute(update(Project).where(Project.champion_id == user.id).values(champion_id=None))
    db.session.execute(update(Project).where(Project.champion_candidate_id == user.id)
                       .values(champion_candidate_id=None))
    changed += db.session.scalars(select(Project.id).where(Project.owner_id == user.id)).all()
    db.session.execute(update(Project).where(Project.owner_id == user.id).values(status="archived"))
    projects_changed(changed)
