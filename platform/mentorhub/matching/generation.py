"""Bump and read the index generation counters. Callers' services bump inside their own
transaction (no commit here), so the bump lands exactly when the write does."""
from __future__ import annotations

from sqlalchemy import select, update

from ..db import db, utcnow
from .models import IndexGeneration

PEOPLE = "people"
PROJECTS = "projects"


def bump(name: str) -> None:
    result = db.session.execute(
        update(IndexGeneration).where(IndexGeneration.name == name)
        .values(value=IndexGeneration.value + 1, updated_at=utcnow())
    )
    if not result.rowcount:
        db.session.add(IndexGeneration(name=name, value=1, updated_at=utcnow()))
        db.session.flush()


def current(name: str) -> int:
    return db.session.scalar(select(IndexGeneration.value).where(IndexGeneration.name == name)) or 0
