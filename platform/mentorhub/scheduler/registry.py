"""Every scheduled job, with its trigger. The one list the scheduler process runs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import Flask

from ..db import db
from ..events import jobs as events
from ..matching import publish as matching
from ..mentoring import jobs as mentoring
from ..notifications import jobs as notifications
from ..operations import jobs as operations
from ..portfolio import jobs as portfolio
from ..projects import jobs as projects
from ..webhooks import jobs as webhooks
from . import services


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], object]
    trigger: str  # "interval" or "cron"
    args: dict = field(default_factory=dict)
    read_only: bool = False  # runs in READ transactions (db.read_only()): no SQLite write lock


def jobs(app: Flask) -> list[Job]:
    cfg = app.config
    return [
        Job("heartbeat", services.heartbeat, "interval", {"seconds": cfg["SCHEDULER_HEARTBEAT_SECONDS"]}),
        Job("deliver-outbox", notifications.deliver_outbox, "interval", {"seconds": cfg["SCHEDULER_OUTBOX_SECONDS"]}),
        Job("daily-digests", notifications.send_daily_digests, "cron",
            {"hour": cfg["DIGEST_HOUR_UTC"], "minute": 0, "timezone": "UTC"}),
        Job("mentoring-session-reminders", mentoring.session_reminders, "interval",
            {"seconds": cfg["MENTORING_SWEEP_SECONDS"]}),
        Job("mentoring-requests", mentoring.request_reminders_and_expiry, "interval",
            {"seconds": cfg["SCHEDULER_SWEEP_SECONDS"]}),
        Job("mentoring-checkins", mentoring.create_checkins, "interval", {"seconds": cfg["SCHEDULER_SWEEP_SECONDS"]}),
        Job("mentoring-checkin-nudges", mentoring.checkin_nudges_and_misses, "interval",
            {"seconds": cfg["SCHEDULER_SWEEP_SECONDS"]}),
        Job("event-reminders", events.send_event_reminders, "interval", {"seconds": cfg["EVENTS_REMINDER_SECONDS"]}),
        Job("event-series", events.create_series_occurrences, "interval",
            {"seconds": cfg["EVENTS_SERIES_SWEEP_SECONDS"]}),
        Job("portfolio-release-claims", portfolio.release_expired_claims, "interval",
            {"seconds": cfg["SCHEDULER_SWEEP_SECONDS"]}),
        Job("portfolio-reminders", portfolio.remind_unclaimed, "interval", {"seconds": cfg["SCHEDULER_SWEEP_SECONDS"]}),
        Job("projects-mark-stale", projects.mark_stale_projects, "interval",
            {"seconds": cfg["SCHEDULER_SWEEP_SECONDS"]}),
        Job("deliver-webhooks", webhooks.deliver_webhooks, "interval", {"seconds": cfg["WEBHOOK_SWEEP_SECONDS"]}),
        Job("match-index", matching.rebuild_if_due, "interval", {"seconds": cfg["MATCH_INDEX_JOB_SECONDS"]}),
        Job("planner-stats", db.refresh_planner_stats, "cron",
            {"hour": cfg["PLANNER_STATS_HOUR_UTC"], "minute": 30, "timezone": "UTC"}),
        *([Job("nightly-backup", operations.nightly_backup, "cron", operations.backup_job_args(cfg))]
          if operations.backup_job_args(cfg) else []),
    ]
