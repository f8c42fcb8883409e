"""Reads about project ideas that other features ask."""
from __future__ import annotations

from sqlalchemy import select

from ..db import MAX_DB_INT, db
from .models import Project

# ---- for portfolio ----


def project_title(project_id: int | None) -> str | None:
    """The title of a project idea, or None when there is no such idea."""
    if not project_id or not 0 < project_id <= MAX_DB_INT:
        return None
    return db.session.scalar(select(Project.title).where(Project.id == project_id))


def project_choices(limit: int) -> list[tuple[int, str]]:
    """(id, title) of up to ``limit`` project ideas, by title: what a portfolio item may link to."""
    return [(pid, title) for pid, title in db.session.execute(
        select(Project.id, Project.title).order_by(Project.title).limit(limit))]
