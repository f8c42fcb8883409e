"""Reads for the webhook pages: an organiser's endpoints and one endpoint's delivery log."""
from __future__ import annotations

from sqlalchemy import select

from ..actors import is_admin
from ..db import db
from ..validation import setting
from .models import Webhook, WebhookDelivery


def webhooks_for(actor) -> list[Webhook]:
    """The actor's endpoints (an admin sees every organiser's)."""
    query = select(Webhook).order_by(Webhook.id)
    if not is_admin(actor):
        query = query.where(Webhook.owner_id == actor.id)
    return list(db.session.scalars(query))


def delivery_log(hook: Webhook) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(setting("WEBHOOK_LOG_SHOWN"))))
