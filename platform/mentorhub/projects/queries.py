"""Reads about projects that views and other features call (features never read projects' tables)."""
from __future__ import annotations

from sqlalchemy import or_, select

from ..db import db
from .models import Project, ProjectMember


# ---- for events ----


def team_ids(project_id: int) -> set[int]:
    """Everyone on a project's team: its contributors, owner and champion (empty: no such project)."""
    project = db.session.get(Project, project_id)
    if project is None:
        return set()
    ids = set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project_id)))
    ids.add(project.owner_id)
    if project.champion_id:
        ids.add(project.champion_id)
    return ids


def on_team_of(project_id_column, user_id: int):
    """SQL filter: ``project_id_column`` names a project whose team ``user_id`` is on (as a
    contributor, owner or champion), for lists filtered in the database."""
    member_of = select(ProjectMember.project_id).where(ProjectMember.user_id == user_id)
    leads = select(Project.id).where(or_(Project.owner_id == user_id, Project.champion_id == user_id))
    return or_(project_id_column.in_(member_of), project_id_column.in_(leads))


def teams_of(user, *, every: bool = False) -> list[Project]:
    """The projects whose team ``user`` is on (every project when ``every``), by title."""
    stmt = select(Project).order_by(Project.title)
    if not every:
        stmt = stmt.where(on_team_of(Project.id, user.id))
    return list(db.session.scalars(stmt))


def title_of(project_id: int) -> str | None:
    """A project's title, or None when there is no such project."""
    return db.session.scalar(select(Project.title).where(Project.id == project_id))
