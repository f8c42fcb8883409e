"""Reads other features may call about matching: the published index and its pending delta."""
from __future__ import annotations

from datetime import datetime

from . import changes, store
from .reader import index_root


def index_status() -> dict | None:
    """The published build (id, change-log position, when built) and how many changes wait as
    a delta on top of it; None when nothing is published."""
    meta = store.published_meta(index_root())
    if meta is None:
        return None
    pending, _taxonomy = changes.pending(meta["seq"])
    return {"build_id": meta["build_id"], "seq": meta["seq"], "built_at": datetime.fromisoformat(meta["built_at"]),
            "pending_changes": pending}
