"""Personal data in matching: the cohort pairs and the outcome events a person is in (as learner or mentor)."""
from __future__ import annotations

from sqlalchemy import select

from .. import match_events
from ..accounts.models import User
from ..db import db
from .models import CohortPair


def _pairs_of(user: User):
    return db.session.scalars(select(CohortPair).where(
        (CohortPair.learner_id == user.id) | (CohortPair.mentor_id == user.id)))


def export_user_data(user: User) -> dict:
    return {"cohort_pairs": [{"round": p.round_id, "learner_id": p.learner_id, "mentor_id": p.mentor_id,
                              "score": p.score, "reason": p.reason, "status": p.status} for p in _pairs_of(user)],
            "match_events": match_events.export_for(user.id)}


def erase_user_data(user: User) -> None:
    """Delete the person's cohort pairs and outcome events (no commit: the caller's transaction)."""
    match_events.erase_for(user.id)
    for pair in _pairs_of(user):
        db.session.delete(pair)
