"""Registering and removing webhook endpoints (every write checks the actor)."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from ..db import db, utcnow
from ..errors import NotFound, PermissionDenied, ValidationError
from ..validation import choice, setting, text, url
from .models import EVENTS, TARGETS, Webhook
from .rules import can_manage_webhooks, can_see_webhook
from .transport import check_address


def create_webhook(actor, name: str, target: str, address: str, events: list[str]) -> Webhook:
    refusal = can_manage_webhooks(actor)
    if refusal:
        raise PermissionDenied(refusal)
    name = text(name, field="name", label="a name", max_len=setting("WEBHOOK_NAME_MAX"), required=True)
    target = choice(target, TARGETS, field="target", label="the kind of endpoint")
    address = url(address, field="url", label="endpoint address")
    if address is None:
        raise ValidationError("Enter the endpoint's address.", field="url")
    chosen = [e for e in EVENTS if e in set(events or [])]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError("Choose at least one event from the list.", field="events")
    with db.unlocked():  # a DNS lookup holds no transaction (no SQLite write lock)
        check_address(address)  # SSRF: refused now, and checked again at every delivery
    count = db.session.scalar(select(func.count()).select_from(Webhook).where(Webhook.owner_id == actor.id))
    if count >= setting("WEBHOOK_MAX_PER_OWNER"):
        raise ValidationError(f"You have {count} webhooks, the most one organiser may have. Delete one first.")
    hook = Webhook(owner_id=actor.id, name=name, target=target, url=address, secret=secrets.token_hex(32),
                   events=",".join(chosen), is_active=True, created_at=utcnow())
    db.session.add(hook)
    db.session.commit()
    return hook


def get_visible(actor, hook_id: int) -> Webhook:
    hook = db.session.get(Webhook, hook_id)
    if hook is None:
        raise NotFound("No such webhook.")
    refusal = can_see_webhook(actor, hook)
    if refusal:
        raise PermissionDenied(refusal)
    return hook


def delete_webhook(actor, hook_id: int) -> None:
    db.session.delete(get_visible(actor, hook_id))  # its deliveries go with it
    db.session.commit()
