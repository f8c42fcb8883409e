"""Who may record, confirm and delete outcomes: questions that return None or the reason."""
from __future__ import annotations

from ..actors import is_self_or_admin, is_signed_in
from ..mentoring.queries import active_mentor_ids
from ..profiles.queries import has_learner_profile
from .models import Outcome


def can_record_outcome(actor) -> str | None:
    if not is_signed_in(actor):
        return "Log in to record an outcome."
    if not has_learner_profile(actor):
        return "Only learners record outcomes: create a learner profile first."
    return None


def can_confirm_outcome(actor, outcome: Outcome, mentor_ids: list[int] | None = None) -> str | None:
    """A mentor of the outcome's learner, in an active mentorship, confirms it once. A list of the
    learner's mentors (``mentoring.queries.active_mentor_ids``) saves its query when given."""
    if not is_signed_in(actor):
        return "Log in to confirm an outcome."
    if outcome.confirmed_at is not None:
        return "That outcome is already confirmed."
    if actor.id == outcome.user_id:
        return "Your mentor confirms your outcomes, not you."
    if actor.id not in (active_mentor_ids(outcome.user_id) if mentor_ids is None else mentor_ids):
        return "Only a mentor of this learner can confirm their outcomes."
    return None


def can_delete_outcome(actor, outcome: Outcome) -> str | None:
    return None if is_self_or_admin(actor, outcome.user_id) else "That outcome belongs to someone else."
