"""The webhook outbox: what happened becomes one delivery row per subscribed endpoint, and the
scheduler sends the due rows with retries and back-off, giving up after WEBHOOK_MAX_ATTEMPTS.

What happened is read from the features that own it (events, projects, portfolio) through their
``queries.py`` — those features sit on lower layers and never import webhooks. Each kind keeps a
cursor (how far it was read); every sweep looks WEBHOOK_LATE_SECONDS behind it for rows committed
late, and the unique ``(webhook_id, event_key)`` makes a happening reach an endpoint once only.
"""
from __future__ import annotations

import http.client
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..db import db, utcnow
from ..events.queries import meetups_created_since
from ..portfolio.queries import review_requests_since
from ..projects.queries import ideas_created_since, milestones_reached_since
from ..urls import absolute
from ..validation import setting
from . import payloads, transport
from .models import Webhook, WebhookCursor, WebhookDelivery

log = logging.getLogger(__name__)

SOURCES: dict[str, Callable[[datetime, int], list[dict]]] = {
    "meetup.created": meetups_created_since,
    "project.created": ideas_created_since,
    "milestone.reached": milestones_reached_since,
    "portfolio.review_requested": review_requests_since,
}


def collect(now: datetime | None = None) -> int:
    """Queue a delivery for each new happening and each active endpoint that chose its kind
    (only happenings after the endpoint was registered). Returns the rows queued."""
    now = now or utcnow()
    hooks = list(db.session.scalars(select(Webhook).where(Webhook.is_active.is_(True))))
    late = timedelta(seconds=setting("WEBHOOK_LATE_SECONDS"))
    limit = setting("WEBHOOK_BATCH") * 10
    queued = 0
    for kind, source in SOURCES.items():
        subscribed = [h for h in hooks if kind in h.event_list]
        cursor = db.session.get(WebhookCursor, kind)
        if cursor is None:
            cursor = WebhookCursor(kind=kind, seen_until=now)
            db.session.add(cursor)
            start = min((h.created_at for h in subscribed), default=now)
        else:
            start = cursor.seen_until
        happenings = source(start - late, limit) if subscribed else []
        for happening in happenings:
            queued += _queue(happening, [h for h in subscribed if happening["at"] >= h.created_at], now)
        cursor.seen_until = happenings[-1]["at"] if len(happenings) >= limit else now
        db.session.commit()
    return queued


def _queue(happening: dict, hooks: list[Webhook], now: datetime) -> int:
    if not hooks:
        return 0
    have = set(db.session.scalars(select(WebhookDelivery.webhook_id).where(
        WebhookDelivery.event_key == happening["key"], WebhookDelivery.webhook_id.in_([h.id for h in hooks]))))
    link = absolute(happening["path"])
    queued = 0
    for hook in hooks:
        if hook.id in have:
            continue
        row = WebhookDelivery(webhook_id=hook.id, event_key=happening["key"], event=happening["kind"],
                              body=payloads.build(hook.target, happening, link), status="pending",
                              next_attempt_at=now, created_at=utcnow())
        try:
            with db.session.begin_nested():  # a second scheduler queued it first: skip
                db.session.add(row)
            queued += 1
        except IntegrityError:
            pass
    return queued


def deliver(now: datetime | None = None) -> dict[str, int]:
    """Send the due deliveries. A run claims its batch with one conditional UPDATE, so two
    schedulers never both send a row; each outcome is committed right after its attempt."""
    now = now or utcnow()
    stale = now - timedelta(seconds=setting("OUTBOX_CLAIM_TIMEOUT"))
    claimable = or_(
        (WebhookDelivery.status == "pending") & (WebhookDelivery.next_attempt_at <= now),
        (WebhookDelivery.status == "sending") & (WebhookDelivery.claimed_at < stale),
    )
    due = db.session.scalars(select(WebhookDelivery.id).where(claimable).order_by(WebhookDelivery.id)
                             .limit(setting("WEBHOOK_BATCH"))).all()
    claimed: list[int] = []
    if due:
        claimed = sorted(db.session.scalars(
            update(WebhookDelivery).where(WebhookDelivery.id.in_(due), claimable)
            .values(status="sending", claimed_at=now).returning(WebhookDelivery.id)
            .execution_options(synchronize_session=False)).all())
    db.session.commit()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for row_id in claimed:
        outcome = _deliver_one(row_id, now)
        if outcome:
            counts[outcome] += 1
    return counts


def _deliver_one(row_id: int, now: datetime) -> str | None:
    row = db.session.get(WebhookDelivery, row_id, populate_existing=True)
    if row is None:  # its endpoint was deleted since the claim (the rows went with it)
        return None
    hook = db.session.get(Webhook, row.webhook_id)
    status, error, outcome = None, None, "retry"
    with db.unlocked():  # the network call holds no transaction (no SQLite write lock)
        try:
            status = transport.post(hook.url, hook.secret, row.body.encode(), row.event, row.id).status
        except transport.Refused as exc:  # SSRF: never retried
            error, outcome = f"Refused: {exc}", "failed"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
    row.attempts += 1
    row.last_status = status
    if status is not None:
        if 200 <= status < 300:
            row.status, row.sent_at, error, outcome = "sent", utcnow(), None, "sent"
        else:
            error = f"The endpoint answered HTTP {status}."
    row.last_error = error
    if outcome == "retry" and row.attempts >= setting("WEBHOOK_MAX_ATTEMPTS"):
        outcome = "failed"
    if outcome == "failed":
        row.status = "failed"
        log.error("giving up on webhook delivery %s to endpoint %s: %s", row.id, hook.id, row.last_error)
    elif outcome == "retry":
        row.status = "pending"
        row.next_attempt_at = now + timedelta(seconds=setting("WEBHOOK_BACKOFF_SECONDS") * 2 ** (row.attempts - 1))
        log.warning("webhook delivery %s failed (attempt %s): %s", row.id, row.attempts, row.last_error)
    db.session.commit()
    return outcome
