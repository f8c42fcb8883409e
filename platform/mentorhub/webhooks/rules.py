"""Who may register and see webhooks: questions that return None (allowed) or the reason."""
from __future__ import annotations

from ..actors import is_admin, is_signed_in
from .models import Webhook

ORGANISERS_ONLY = "Only organisers and admins can manage webhooks."


def can_manage_webhooks(actor) -> str | None:
    """Registering an endpoint: organisers and admins."""
    if is_signed_in(actor) and (actor.is_organiser or actor.is_admin):
        return None
    return ORGANISERS_ONLY


def can_see_webhook(actor, hook: Webhook) -> str | None:
    """An endpoint's secret and delivery log, and deleting it: its organiser, or an admin."""
    refusal = can_manage_webhooks(actor)
    if refusal:
        return refusal
    return None if hook.owner_id == actor.id or is_admin(actor) else "That webhook belongs to another organiser."
