"""Reads about projects that views and other features call (a feature never reads another
feature's tables directly)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select

from ..db import db
from .models import ACTIVE_STATUSES, Project, ProjectApplication, ProjectMember, ProjectSkill, project_domains

# ---- for matching ----


def project_by_id(project_id: int) -> Project | None:
    return db.session.get(Project, project_id)


def projects_by_id(project_ids: Iterable[int]) -> dict[int, Project]:
    """Project id -> project, for the ids that exist (one query; none for no ids)."""
    ids = [int(i) for i in project_ids]
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(ids)))}


def projects_owned_by(user_id: int) -> list[Project]:
    """The projects a person owns, by title."""
    return list(db.session.scalars(select(Project).where(Project.owner_id == user_id).order_by(Project.title)))


def projects_joined_or_applied(user_id: int) -> set[int]:
    """Ids of the projects the person is a member of or has a pending or accepted application to
    (one query)."""
    taken = select(ProjectMember.project_id).where(ProjectMember.user_id == user_id).union(
        select(ProjectApplication.project_id).where(ProjectApplication.user_id == user_id,
                                                    ProjectApplication.status.in_(("pending", "accepted"))))
    return set(db.session.scalars(taken))


def people_on_project(project: Project) -> set[int]:
    """User ids of the owner, the members and everyone who ever applied (two queries)."""
    people = {project.owner_id}
    people |= set(db.session.scalars(select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)))
    people |= set(db.session.scalars(select(ProjectApplication.user_id)
                                     .where(ProjectApplication.project_id == project.id)))
    return people


class ProjectMatchRow(NamedTuple):
    id: int
    difficulty: str  # slug from seed/roadmap.yaml ``difficulties``
    free_seats: int
    is_open: bool  # takes people (ACTIVE_STATUSES)
    owner_id: int


def _only(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def project_match_rows(project_ids: list[int] | None = None) -> list[ProjectMatchRow]:
    """Every project (or those of ``project_ids``), ordered by id. One bulk query: the match
    index reads every project at once."""
    rows = db.session.execute(_only(
        select(Project.id, Project.difficulty, Project.seats, Project.seats_taken, Project.status,
               Project.owner_id).order_by(Project.id), Project.id, project_ids)).all()
    return [ProjectMatchRow(r.id, r.difficulty, max(0, r.seats - r.seats_taken), r.status in ACTIVE_STATUSES, r.owner_id)
            for r in rows]


def project_skill_rows(project_ids: list[int] | None = None) -> list:
    """(project_id, skill_id, kind, min_level) of every project's skills (or of ``project_ids``)."""
    if project_ids == []:
        return []
    return db.session.execute(_only(
        select(ProjectSkill.project_id, ProjectSkill.skill_id, ProjectSkill.kind, ProjectSkill.min_level),
        ProjectSkill.project_id, project_ids)).all()


def project_domain_rows(project_ids: list[int] | None = None) -> list:
    """(project_id, domain_id) of every project's fields (or of ``project_ids``)."""
    if project_ids == []:
        return []
    return db.session.execute(_only(select(project_domains.c.project_id, project_domains.c.domain_id),
                                    project_domains.c.project_id, project_ids)).all()
