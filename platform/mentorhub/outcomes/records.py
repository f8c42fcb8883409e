"""Writing outcomes: a learner records and deletes theirs, a mentor confirms one of a mentee's."""
from __future__ import annotations

from sqlalchemy import func, select

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..notifications.notify import notify
from ..urls import path_for
from ..validation import choice, setting, text, url
from . import rules
from .models import KINDS, Outcome


def _refuse(reason: str | None) -> None:
    if reason:
        raise PermissionDenied(reason)


def get_outcome(outcome_id: int) -> Outcome:
    outcome = db.session.get(Outcome, outcome_id)
    if outcome is None:
        raise NotFound("No such outcome.")
    return outcome


def record_outcome(actor: User, data: dict) -> Outcome:
    _refuse(rules.can_record_outcome(actor))
    kind = choice(data.get("kind"), KINDS, field="kind", label="the kind of outcome")
    title = text(data.get("title"), field="title", label="a short description", required=True,
                 max_len=setting("OUTCOME_TITLE_MAX"))
    evidence = url(data.get("evidence_url"), field="evidence_url", label="evidence link")
    if not evidence:
        raise ValidationError("Add a link to the evidence (the pull request, the demo, the post …).",
                              field="evidence_url")
    count = db.session.scalar(select(func.count()).select_from(Outcome).where(Outcome.user_id == actor.id))
    if count >= setting("OUTCOMES_MAX_PER_USER"):
        raise ValidationError(f"You can record at most {setting('OUTCOMES_MAX_PER_USER')} outcomes.")
    outcome = Outcome(user_id=actor.id, kind=kind, title=title, evidence_url=evidence)
    db.session.add(outcome)
    db.session.commit()
    return outcome


def confirm_outcome(actor: User, outcome_id: int) -> Outcome:
    outcome = get_outcome(outcome_id)
    _refuse(rules.can_confirm_outcome(actor, outcome))
    outcome.confirmed_by_id = actor.id
    outcome.confirmed_at = utcnow()
    learner = db.session.get(User, outcome.user_id)
    notify(learner, "mentorship_update", f"{actor.display_name} confirmed your outcome",
           outcome.title, link=path_for("profiles.person", user_id=outcome.user_id) + "#outcomes-timeline",
           key=f"outcome-confirmed:{outcome.id}")
    db.session.commit()
    return outcome


def delete_outcome(actor: User, outcome_id: int) -> None:
    outcome = get_outcome(outcome_id)
    _refuse(rules.can_delete_outcome(actor, outcome))
    db.session.delete(outcome)
    db.session.commit()

