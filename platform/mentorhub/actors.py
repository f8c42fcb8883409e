"""Who is acting: the one rule for anonymous visitors, admins and "yourself or an admin".

Layer 1 (see DESIGN.md): works on any object with Flask-Login's ``is_authenticated`` (a User,
the AnonymousUserMixin, or None), so every feature asks the same question the same way.
An unknown or missing actor is always treated as anonymous, never as signed in.
"""
from __future__ import annotations


def is_signed_in(actor) -> bool:
    """A real, signed-in account (None and anonymous visitors are not). Whether a signed-in
    account may act at all (suspended, deleted) is ``is_active``, checked where it matters."""
    return actor is not None and getattr(actor, "is_authenticated", False) is True


def is_admin(actor) -> bool:
    return is_signed_in(actor) and bool(getattr(actor, "is_admin", False))


def is_self_or_admin(actor, user_id: int | None) -> bool:
    """The person themselves (``user_id``) or an admin."""
    return is_signed_in(actor) and (actor.id == user_id or bool(actor.is_admin))
