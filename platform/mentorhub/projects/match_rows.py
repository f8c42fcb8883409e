"""The rows of projects the match index is built from (matching/reader.py): bulk reads by
column, streamed, never ORM objects per row."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from ..db import db
from .models import ACTIVE_STATUSES, Project, ProjectSkill, project_domains


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
