"""Generations: the change log the shared match index applies as deltas.

Layer 1 (see DESIGN.md): every feature that changes what a person or a project looks like to
matching (profiles, accounts, mentoring, projects, taxonomy) records it here, inside its own
transaction (no commit here), so a change row lands exactly when the write does. The match
index (matching/, a higher layer) reads every row after its published build's position as a
delta. Keeping the table and its writers at the bottom means no feature imports matching."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, bindparam, case, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, db, utcnow


class MatchChange(Base):
    """The change log of the match index: one row per write that changes what a person or a
    project looks like to matching, appended in the same transaction as the write. Readers
    apply the rows after the published build's ``seq`` as deltas (matching/overlay.py)."""

    __tablename__ = "match_changes"
    __table_args__ = {"sqlite_autoincrement": True}  # never reuse a position, even after pruning

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))  # user, project, taxonomy
    entity_id: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


USER = "user"  # a person's learner or mentor features (profile, windows, zone, load, status)
PROJECT = "project"
TAXONOMY = "taxonomy"  # skills or domains changed: only a rebuild adds their columns


def record(kind: str, ids: Iterable[int]) -> None:
    rows = [{"kind": kind, "entity_id": int(i), "created_at": utcnow()} for i in dict.fromkeys(ids) if i is not None]
    if rows:
        db.session.execute(insert(MatchChange), rows)


def user_changed(*user_ids: int) -> None:
    record(USER, user_ids)


def projects_changed(project_ids: Iterable[int]) -> None:
    record(PROJECT, project_ids)


def taxonomy_changed() -> None:
    record(TAXONOMY, [0])


def last_seq() -> int:
    return db.session.scalar(select(func.max(MatchChange.seq))) or 0


# Built once: every matching read runs it, and building the statement cost more than running it.
_SINCE = (select(MatchChange.seq, MatchChange.kind, MatchChange.entity_id)
          .where(MatchChange.seq > bindparam("after")).order_by(MatchChange.seq))


def since(seq: int) -> list[tuple[int, str, int]]:
    """(seq, kind, entity id) after ``seq``: one query on the primary key."""
    return [tuple(r) for r in db.session.execute(_SINCE, {"after": seq})]


def prune(upto: int) -> None:
    """Forget rows every retained build already includes (no commit)."""
    db.session.execute(delete(MatchChange).where(MatchChange.seq <= upto))


def pending(seq: int) -> tuple[int, bool]:
    """(rows after ``seq``, whether one of them is a taxonomy change)."""
    count, taxonomy = db.session.execute(
        select(func.count(), func.max(case((MatchChange.kind == TAXONOMY, 1), else_=0)))
        .where(MatchChange.seq > seq)).one()
    return count or 0, bool(taxonomy)
