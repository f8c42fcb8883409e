from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class SchedulerHeartbeat(Base):
    """One row per scheduler process name; /healthz reports the newest."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
