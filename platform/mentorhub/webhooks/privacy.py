"""An organiser's webhooks in the data export and account deletion."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..db import db
from .models import Webhook


def export_user_data(user) -> dict:
    hooks = db.session.scalars(select(Webhook).where(Webhook.owner_id == user.id).order_by(Webhook.id))
    return {"webhooks": [{"name": h.name, "target": h.target, "url": h.url, "events": h.event_list,
                          "created_at": h.created_at.isoformat()} for h in hooks]}


def erase_user_data(user) -> None:
    db.session.execute(delete(Webhook).where(Webhook.owner_id == user.id))  # deliveries cascade
