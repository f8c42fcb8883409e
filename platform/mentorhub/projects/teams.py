"""The team of a project: leaving, removing members, roles. Seats are given back atomically."""
from __future__ import annotations

from sqlalchemy import update

from ..accounts.models import User
from ..db import db
from ..errors import Conflict, PermissionDenied
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import choice, setting, text
from . import rules
from .activity import commit, log
from .models import MEMBER_ROLES, Project, ProjectMember
from .queries import get_member, get_project, membership


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


def release_seat(project: Project) -> None:
    db.session.execute(update(Project).where(Project.id == project.id, Project.seats_taken > 0)
                       .values(seats_taken=Project.seats_taken - 1))


def leave(actor: User, project_id: int) -> None:
    project = get_project(project_id)
    member = membership(actor, project)
    if member is None:
        raise Conflict("You are not on this team.")
    db.session.delete(member)
    release_seat(project)
    db.session.refresh(project)
    log(project, actor, "left the team")
    notify(project.owner, "project_team", f"{actor.display_name} left “{project.title}”",
           "A seat on the team is free again.", link=path_for("projects.team", project_id=project.id))
    commit()


def remove_member(actor: User, project_id: int, user_id: int, reason: str) -> None:
    project = get_project(project_id)
    _require(rules.can_manage(actor, project))
    reason = text(reason, field="reason", label="a reason", required=True, max_len=setting("PROJECT_REASON_MAX"))
    member = get_member(project, user_id)
    removed = member.user
    db.session.delete(member)
    release_seat(project)
    db.session.refresh(project)
    log(project, actor, f"removed {removed.display_name} from the team")
    notify(removed, "project_team", f"You were removed from “{project.title}”", f"Reason given: {reason}",
           link=path_for("projects.detail", project_id=project.id))
    commit()


def set_role(actor: User, project_id: int, user_id: int, role: str) -> ProjectMember:
    project = get_project(project_id)
    _require(rules.can_manage(actor, project))
    role = choice(role, MEMBER_ROLES, field="role", label="a role")
    member = get_member(project, user_id)
    if member.role != role:
        member.role = role
        log(project, actor, f"made {member.user.display_name} a {role}")
        commit()
    return member
