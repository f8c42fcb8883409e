"""The nightly backup (registered in scheduler/registry.py when BACKUP_DIR is set)."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from flask import current_app

from .backup import PARTIAL, PREFIX, complete_backups, take_backup


def _stale_partials(root: Path) -> list[Path]:
    """Unfinished backups left by a process of this host that is gone (killed halfway)."""
    host = socket.gethostname()
    stale = []
    for path in root.glob(f"{PREFIX}*{PARTIAL}"):
        owner = path.name.removesuffix(PARTIAL).rsplit(".", 1)[-1]
        owner_host, _, pid = owner.rpartition("-")
        if owner_host == host and pid.isdigit() and not _alive(int(pid)):
            stale.append(path)
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune(root: Path, keep: int) -> list[str]:
    """Delete complete backups beyond the newest ``keep``, and stale unfinished ones."""
    doomed = complete_backups(root)[:-keep] if keep > 0 else []
    doomed += _stale_partials(root)
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in doomed]


def nightly_backup() -> dict:
    """Back up into BACKUP_DIR and keep the newest BACKUP_KEEP backups."""
    cfg = current_app.config
    root = Path(cfg["BACKUP_DIR"])
    manifest = take_backup(cfg)
    deleted = prune(root, cfg["BACKUP_KEEP"])
    return {"tables": len(manifest["tables"]), "rows": manifest["total_rows"], "bytes": manifest["size"],
            "deleted": len(deleted)}


def backup_job_args(cfg) -> dict | None:
    """The cron trigger of the nightly backup, or None when BACKUP_DIR is not set."""
    if not cfg.get("BACKUP_DIR"):
        return None
    return {"hour": cfg["BACKUP_HOUR_UTC"], "minute": 15, "timezone": "UTC"}
