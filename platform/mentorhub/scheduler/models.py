from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class SchedulerHeartbeat(Base):
    """One row per scheduler process name; /healthz reports the newest."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SchedulerJobRun(Base):
    """One row per scheduled job: when it last ran, succeeded and failed (/metrics reads it)."""

    __tablename__ = "scheduler_job_runs"

    job_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
