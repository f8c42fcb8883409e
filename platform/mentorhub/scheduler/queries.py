"""Reads other features may call: the scheduler's heartbeat and each job's last runs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..db import db
from .models import SchedulerJobRun
from .services import last_seen

__all__ = ["job_runs", "last_seen"]


def job_runs() -> list[tuple[str, datetime | None, datetime | None, float]]:
    """(job id, last success, last failure, seconds of the last run) for every job that ran."""
    rows = db.session.execute(select(SchedulerJobRun.job_id, SchedulerJobRun.last_success_at,
                                     SchedulerJobRun.last_failure_at, SchedulerJobRun.last_seconds)
                              .order_by(SchedulerJobRun.job_id))
    return [tuple(r) for r in rows]
