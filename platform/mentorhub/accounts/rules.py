"""Who may do what to an account: questions that return None (allowed) or the reason people see.

Read-only. The views that show a page or a button and the services that write ask the same
question (accounts/admin.py, accounts/account.py, accounts/blocks.py).
"""
from __future__ import annotations

from ..actors import is_admin, is_self_or_admin, is_signed_in
from .models import User

NOT_ALLOWED = "You are not allowed to do that."
ADMINS_ONLY = "Only admins can see this page."


def can_manage_account(actor, user: User) -> str | None:
    """The settings of ``user``: the person themselves or an admin."""
    return None if is_self_or_admin(actor, user.id) else NOT_ALLOWED


def can_administer(actor) -> str | None:
    """The admin pages and actions (accounts, suspensions, organiser rights)."""
    return None if is_admin(actor) else ADMINS_ONLY


def can_block(actor, user: User) -> str | None:
    """Blocking ``user``: a signed-in member, someone else."""
    if not is_signed_in(actor):
        return NOT_ALLOWED
    if user.id == actor.id:
        return "You cannot block yourself."
    return None
