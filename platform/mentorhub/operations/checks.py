"""The configuration check (``flask check-config``) and the health report (``/healthz``).

Each check names the setting to change. ``config_problems`` lists every problem at once, so an
operator fixes them in one pass; ``make serve`` runs the check first and refuses to start in
production when it finds one.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from ..db import db, utcnow
from ..notifications.queries import outbox_summary
from ..scheduler.queries import last_seen
from .backup import backend, sqlite_path
from .metrics import allowed_networks

MOUNTS = Path("/proc/mounts")
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "lustre", "gpfs", "beegfs",
    "fuse.sshfs", "fuse.glusterfs", "fuse.s3fs", "fuse.rclone", "davfs", "fuse.davfs2", "ncpfs", "coda",
})
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class Problem:
    variable: str
    message: str

    def __str__(self) -> str:
        return f"{self.variable}: {self.message}"


def filesystem_type(path: Path, mounts: Path = MOUNTS) -> str | None:
    """The file system type of the mount holding ``path`` (the longest matching mount point)."""
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, kind = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, parts[2]
    return kind


def _production_problems(cfg, workers: int) -> list[Problem]:
    problems = []
    if not cfg.get("SECRET_KEY_FROM_ENV"):
        problems.append(Problem("SECRET_KEY", "production needs SECRET_KEY set in the environment (a long random "
                                              "value); the key generated into instance/secret_key is for development"))
    elif len(str(cfg.get("SECRET_KEY") or "")) < 32:
        problems.append(Problem("SECRET_KEY", "is shorter than 32 characters: use a long random value"))
    if not str(cfg.get("BASE_URL") or "").startswith("https://"):
        problems.append(Problem("BASE_URL", f"must be an https:// address in production (now {cfg.get('BASE_URL')!r}): "
                                            "links in emails and secure cookies depend on it"))
    if not cfg.get("SMTP_HOST"):
        problems.append(Problem("SMTP_HOST", "is not set: in production mail would only be written to the log"))
    if workers > 1 and str(cfg.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        problems.append(Problem("RATELIMIT_STORAGE_URI", f"is memory:// with {workers} workers: each worker counts "
                                                         "login attempts alone; use redis://host:6379"))
    return problems


def _heartbeat_problem(cfg, now: datetime) -> Problem | None:
    interval = cfg["SCHEDULER_HEARTBEAT_SECONDS"]
    try:
        seen = last_seen()
    except Exception as exc:  # noqa: BLE001 - the database check reports the cause
        db.session.rollback()
        return Problem("DATABASE_URL", f"the database did not answer ({type(exc).__name__}); run `flask migrate`?")
    if seen is None:
        return Problem("SCHEDULER_HEARTBEAT_SECONDS", "no scheduler heartbeat recorded: start exactly one "
                                                      "`flask --app wsgi scheduler`")
    missed = cfg["HEALTH_HEARTBEAT_INTERVALS"]
    age = (now - seen).total_seconds()
    if age > missed * interval:
        return Problem("SCHEDULER_HEARTBEAT_SECONDS", f"the scheduler's last heartbeat was {age:.0f} s ago, more than "
                                                      f"{missed} intervals of {interval} s: is it running?")
    return None


def config_problems(app: Flask, workers: int = 1, starting: bool = False, mounts: Path | None = None) -> list[Problem]:
    """Every problem with the app's settings. ``starting``: the scheduler is not up yet, so its
    heartbeat is not checked (``make serve`` starts it right after)."""
    cfg = app.config
    problems = _production_problems(cfg, workers) if cfg.get("ENV_NAME") == "production" else []
    url = cfg["DATABASE_URL"]
    if backend(url) == "sqlite" and sqlite_path(url) is not None:
        folder = sqlite_path(url).parent
        kind = filesystem_type(folder if folder.exists() else folder.parent, mounts or MOUNTS)
        if kind in NETWORK_FILESYSTEMS:
            problems.append(Problem("DATABASE_URL", f"the SQLite file is on a network file system ({kind}): its "
                                                    "locks are unreliable there; use a local disk or PostgreSQL"))
    if cfg.get("LOG_FORMAT") not in LOG_FORMATS:
        problems.append(Problem("LOG_FORMAT", f"must be one of {', '.join(LOG_FORMATS)} (now {cfg.get('LOG_FORMAT')!r})"))
    try:
        allowed_networks(cfg.get("METRICS_ALLOWED_IPS"))
    except ValueError as exc:
        problems.append(Problem("METRICS_ALLOWED_IPS", f"is not a list of addresses or networks: {exc}"))
    backup_dir = cfg.get("BACKUP_DIR")
    if backup_dir and not _writable_folder(Path(backup_dir)):
        problems.append(Problem("BACKUP_DIR", f"{backup_dir} cannot be created or written to"))
    if cfg.get("BACKUP_KEEP", 1) < 1:
        problems.append(Problem("BACKUP_KEEP", "must keep at least 1 backup"))
    if not starting:
        with app.app_context():
            problem = _heartbeat_problem(cfg, utcnow())
        if problem:
            problems.append(problem)
    return problems


def _writable_folder(folder: Path) -> bool:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)


def health_report(cfg) -> tuple[dict, int]:
    """/healthz: 503 when the database does not answer; "degraded" (still 200) with the reasons
    when the scheduler's heartbeat is older than HEALTH_HEARTBEAT_INTERVALS intervals (or was
    never recorded) or the outbox backlog passes HEALTH_OUTBOX_BACKLOG."""
    now = utcnow()
    try:
        db.session.execute(text("SELECT 1"))
        seen = last_seen()
        backlog = outbox_summary(now)["backlog"]
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return {"status": "error", "database": "unreachable", "error": type(exc).__name__}, 503
    reasons = []
    interval = cfg["SCHEDULER_HEARTBEAT_SECONDS"]
    limit = timedelta(seconds=interval * cfg["HEALTH_HEARTBEAT_INTERVALS"])
    if seen is None:
        reasons.append("no scheduler heartbeat recorded: the scheduler is not running")
    elif now - seen > limit:
        reasons.append(f"the scheduler's last heartbeat is {(now - seen).total_seconds():.0f} s old "
                       f"(more than {cfg['HEALTH_HEARTBEAT_INTERVALS']} intervals of {interval} s)")
    if backlog > cfg["HEALTH_OUTBOX_BACKLOG"]:
        reasons.append(f"{backlog} outbox emails are due and unsent (more than {cfg['HEALTH_OUTBOX_BACKLOG']})")
    body = {"status": "degraded" if reasons else "ok", "database": "ok",
            "scheduler_last_seen": seen.isoformat() if seen else None}
    if reasons:
        body["reasons"] = reasons
    return body, 200
