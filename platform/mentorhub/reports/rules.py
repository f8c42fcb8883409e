"""Who may report and who may act on reports: questions that return None or the reason."""
from __future__ import annotations

from ..actors import is_admin, is_signed_in
from .models import ACTIONS, Report
from .targets import HIDE


def can_report(actor, target_user_id: int | None) -> str | None:
    if not is_signed_in(actor):
        return "Log in to report something."
    if target_user_id == actor.id:
        return "You cannot report yourself or your own content."
    return None


def can_moderate(actor) -> str | None:
    return None if is_admin(actor) else "Only admins handle reports."


def can_act(actor, report: Report, action: str) -> str | None:
    refusal = can_moderate(actor)
    if refusal:
        return refusal
    if action not in ACTIONS:
        return "No such action."
    if report.status != "open":
        return "That report has already been handled."
    if action == "hide" and report.target_kind not in HIDE:
        return "A person has no content to hide: warn or suspend them instead."
    if action in ("warn", "suspend") and report.target_user_id is None:
        return "The member responsible has deleted their account."
    if action == "suspend" and report.target_user_id == actor.id:
        return "You cannot suspend yourself."
    return None


def actions_for(actor, report: Report) -> list[str]:
    """The actions ``actor`` may take on ``report``, for its buttons."""
    return [a for a in ACTIONS if can_act(actor, report, a) is None]
