"""Who may see and do what in matching: each question returns None (allowed) or the reason
people see. Used by the views that show a link and by the functions that read or write
(matching/suggestions.py, matching/cohorts.py), which raise PermissionDenied with the reason."""
from __future__ import annotations

from ..actors import is_admin, is_self_or_admin
from ..errors import PermissionDenied


def can_see_matches(actor, user) -> str | None:
    """A person's suggestions are theirs (and an admin's) to see."""
    return None if is_self_or_admin(actor, getattr(user, "id", None)) else "You can only see your own matches."


def can_run_cohorts(actor) -> str | None:
    """Matching rounds (plan, review, approve, discard) are for administrators."""
    return None if is_admin(actor) else "Only administrators run matching rounds."


def can_tune(actor) -> str | None:
    """The learned match weights (see them, roll them back) are for administrators."""
    return None if is_admin(actor) else "Only administrators manage the match weights."


def is_draft(rnd) -> bool:
    """A round's pairs can be changed, and the round approved or discarded, only while a draft."""
    return rnd.status == "draft"


def is_proposed(pair) -> bool:
    """A pair of a round that can still be removed, swapped or offered."""
    return pair.status == "proposed"


def require(reason: str | None) -> None:
    """Raise PermissionDenied with ``reason`` when a rule said no."""
    if reason is not None:
        raise PermissionDenied(reason)
