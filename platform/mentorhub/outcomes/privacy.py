"""A learner's outcomes in the data export and account deletion (they are only the learner's own)."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from ..db import db
from .models import Outcome


def export_user_data(user) -> dict:
    rows = db.session.scalars(select(Outcome).where(Outcome.user_id == user.id).order_by(Outcome.id))
    return {"outcomes": [{"kind": o.kind, "title": o.title, "evidence_url": o.evidence_url,
                          "achieved_at": o.achieved_at.isoformat(),
                          "confirmed_at": o.confirmed_at.isoformat() if o.confirmed_at else None} for o in rows]}


def erase_user_data(user) -> None:
    db.session.execute(delete(Outcome).where(Outcome.user_id == user.id))
    # a mentor's confirmations of other people's outcomes stay; the link to the mentor goes
    db.session.execute(update(Outcome).where(Outcome.confirmed_by_id == user.id).values(confirmed_by_id=None))
