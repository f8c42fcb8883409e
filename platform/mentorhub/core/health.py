"""The health check behind /healthz: the database answers, and when the scheduler last beat."""
from __future__ import annotations

from sqlalchemy import text

from ..db import db
from ..scheduler.services import last_seen


def check() -> tuple[dict, int]:
    """The JSON body and status of /healthz: 200 when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
        seen = last_seen()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": "unreachable", "error": type(exc).__name__}, 503
    return {"status": "ok", "database": "ok", "scheduler_last_seen": seen.isoformat() if seen else None}, 200
