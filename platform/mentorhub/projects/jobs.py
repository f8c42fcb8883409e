"""Scheduled sweeps of the projects feature."""
from __future__ import annotations

from datetime import datetime

from ..db import utcnow
from . import services


def mark_stale_projects(now: datetime | None = None) -> int:
    """Mark ideas quiet for PROJECT_STALE_DAYS as stale (hidden by default); each owner is told once."""
    return services.mark_stale(now or utcnow())
