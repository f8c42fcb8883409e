"""The scheduler's webhook sweep: queue what happened, then send what is due (safe to run again)."""
from __future__ import annotations

from datetime import datetime

from . import deliveries


def deliver_webhooks(now: datetime | None = None) -> dict[str, int]:
    queued = deliveries.collect(now)
    return {"queued": queued, **deliveries.deliver(now)}
