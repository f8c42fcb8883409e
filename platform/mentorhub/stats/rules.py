"""Who sees the program statistics."""
from __future__ import annotations

from ..actors import is_signed_in


def can_see_stats(actor) -> str | None:
    if is_signed_in(actor) and (actor.is_organiser or actor.is_admin):
        return None
    return "Only organisers and admins see the program statistics."
