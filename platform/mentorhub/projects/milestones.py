"""Milestones of a project: adding, ticking (which credits everyone on the team) and reopening."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import Conflict, NotFound, PermissionDenied, ValidationError
from ..validation import setting, text
from . import rules
from .activity import commit, log
from .models import Milestone, MilestoneCredit, Project
from .queries import get_project, team_user_ids


def _length(column) -> int:
    return column.type.length


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def _get_milestone(project_id: int, milestone_id: int) -> tuple[Project, Milestone]:
    project = get_project(project_id)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise NotFound("No such milestone.")
    return project, milestone


def add_milestone(actor: User, project_id: int, title: str) -> Milestone:
    project = get_project(project_id)
    _require(rules.can_manage(actor, project))
    title = text(title, field="title", label="a milestone title", required=True, max_len=_length(Milestone.title))
    count = db.session.scalar(select(func.count(Milestone.id)).where(Milestone.project_id == project.id)) or 0
    if count >= setting("PROJECT_MILESTONES_MAX"):
        raise ValidationError(f"A project can have at most {setting('PROJECT_MILESTONES_MAX')} milestones.",
                              field="title")
    position = db.session.scalar(select(func.max(Milestone.position))
                                 .where(Milestone.project_id == project.id)) or 0
    milestone = Milestone(project_id=project.id, key=None, title=title, position=position + 1,
                          created_at=utcnow())
    db.session.add(milestone)
    log(project, actor, f"added the milestone “{title}”")
    commit()
    return milestone


def tick_milestone(actor: User, project_id: int, milestone_id: int) -> Milestone:
    """Mark a milestone reached; everyone on the team now gets it as an outcome."""
    project, milestone = _get_milestone(project_id, milestone_id)
    _require(rules.can_tick(actor, project))
    now = utcnow()
    result = db.session.execute(
        update(Milestone).where(Milestone.id == milestone.id, Milestone.reached_at.is_(None))
        .values(reached_at=now, reached_by_id=actor.id)
    )
    if not result.rowcount:
        db.session.rollback()
        raise Conflict("This milestone is already ticked.")
    for user_id in sorted(team_user_ids(project)):
        db.session.add(MilestoneCredit(milestone_id=milestone.id, user_id=user_id))
    db.session.refresh(milestone)
    log(project, actor, f"reached the milestone “{milestone.title}”", now)
    commit()
    return milestone


def untick_milestone(actor: User, project_id: int, milestone_id: int) -> Milestone:
    project, milestone = _get_milestone(project_id, milestone_id)
    _require(rules.can_tick(actor, project))
    if milestone.reached_at is None:
        raise Conflict("This milestone is not ticked.")
    milestone.reached_at = None
    milestone.reached_by_id = None
    db.session.execute(delete(MilestoneCredit).where(MilestoneCredit.milestone_id == milestone.id))
    log(project, actor, f"reopened the milestone “{milestone.title}”")
    commit()
    return milestone
