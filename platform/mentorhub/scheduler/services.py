from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..db import db, utcnow
from ..pagecache import quiet_write
from .models import SchedulerHeartbeat, SchedulerJobRun


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat(now: datetime | None = None) -> None:
    """Record that this scheduler process is alive; forget processes gone for long."""
    now = now or utcnow()
    keep = timedelta(days=current_app.config["SCHEDULER_HEARTBEAT_KEEP_DAYS"])
    db.session.execute(delete(SchedulerHeartbeat).where(SchedulerHeartbeat.last_seen_at < now - keep))
    quiet_write()  # no page shows the heartbeat: keep the page caches
    name = process_name()
    row = db.session.get(SchedulerHeartbeat, name)
    if row is None:
        db.session.add(SchedulerHeartbeat(name=name, last_seen_at=now))
    else:
        row.last_seen_at = now
    db.session.commit()


def last_seen() -> datetime | None:
    return db.session.scalar(select(func.max(SchedulerHeartbeat.last_seen_at)))


def record_job_run(job_id: str, started_at: datetime, seconds: float, ok: bool) -> None:
    """Remember a job's last run (and its last success or failure). The caller has ended the
    job's transaction (what a job leaves uncommitted is dropped, as at the end of its context)."""
    quiet_write()  # /metrics reads job runs; no cached page does
    row = db.session.get(SchedulerJobRun, job_id)
    if row is None:
        row = SchedulerJobRun(job_id=job_id)
        db.session.add(row)
    row.last_started_at, row.last_seconds = started_at, round(seconds, 3)
    if ok:
        row.last_success_at = started_at
    else:
        row.last_failure_at = started_at
    db.session.commit()
