"""Who may do what with a profile: one question per action, answering None or the reason."""
from __future__ import annotations

from ..actors import is_self_or_admin, is_signed_in
from ..errors import PermissionDenied


def can_edit_profile(actor, user) -> str | None:
    """The person themselves or an admin."""
    if not is_signed_in(actor):
        return "Log in to change a profile."
    if not is_self_or_admin(actor, user.id):
        return "You can only change your own profile."
    return None


def require_can_edit_profile(actor, user) -> None:
    reason = can_edit_profile(actor, user)
    if reason is not None:
        raise PermissionDenied(reason)


def can_see_learner_profile(viewer, learner) -> bool:
    """Members see every learner profile; a logged-out visitor only the ones made public."""
    return is_signed_in(viewer) or bool(learner.is_public)
