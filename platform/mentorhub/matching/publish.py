"""Full builds: read everything, fit, write the files and publish them (matching/store.py).

The build reads in one transaction and records the change-log position first (every change up
to it is in what is read; later ones are applied as deltas, at worst twice, which is harmless),
ends the transaction, and only then does the numerical work and writes the files. It runs in
the scheduler (``rebuild_if_due``) or from ``flask match-index build``, never in a request.
"""
from __future__ import annotations

import time
from datetime import datetime

from flask import current_app

from .. import generations as changes
from ..db import db, utcnow
from ..pagecache import quiet_write
from ..profiles import availability as av
from . import store, tune
from .reader import (
    index_root,
    read_columns,
    read_people,
    read_projects,
    read_relations,
    weights_from_config,
)
from .scoring import Scorer


def build_and_publish(now: datetime | None = None) -> dict:
    """Read everything, fit, write a new build folder and publish it. Returns its metadata."""
    started = time.perf_counter()
    cfg = current_app.config
    now = now or utcnow()
    week = av.current_week_start(now)
    # One read transaction (never the SQLite write lock), ended before the numerical work.
    with db.read_only():
        seq = changes.last_seq()  # first: every change up to it is in what follows...
        # ...except a write that took its position before another's but commits after this read:
        # readers re-read the last rows and skip the ones this build already contains.
        seen = [r[0] for r in changes.since(max(0, seq - cfg["MATCH_INDEX_LATE_ROWS"])) if r[0] <= seq]
        cols = read_columns()
        people = read_people(cols, week, now)
        prj = read_projects(cols)
        related = read_relations(cols)
        learned = tune.active_set()
        weights = tune.apply_learned(weights_from_config(cfg), learned)
        learned_id = None if learned is None else learned.id
    read_seconds = time.perf_counter() - started
    scorer = Scorer(people.learners, people.mentors, prj.projects, weights=weights,
                    slot_hours=cfg["MATCH_SLOT_MINUTES"] / 60, related=related)
    ids = {"learner_users": people.learner_users, "learner_active": people.learner_active,
           "mentor_users": people.mentor_users, "mentor_capacity": people.mentor_capacity,
           "mentor_load": people.mentor_load, "project_ids": prj.project_ids, "project_owner": prj.project_owner}
    meta = {"seq": seq, "seen": seen, "week_start": week.isoformat(), "built_at": now.isoformat(),
            "skill_ids": cols.skill_ids, "skill_names": cols.skill_names,
            "domain_ids": cols.domain_ids, "domain_names": cols.domain_names,
            "read_seconds": round(read_seconds, 3), "weight_set": learned_id}
    root = index_root()
    build_id = store.new_build_id()
    meta["build_seconds"] = round(time.perf_counter() - started, 3)
    store.write_build(root, build_id, scorer, ids, meta, scorer.text_model.projection())
    store.publish(root, build_id)
    meta["publish_seconds"] = round(time.perf_counter() - started, 3)
    meta["build_id"] = build_id
    return meta


def rebuild_reason(meta: dict | None, now: datetime) -> str | None:
    """Why a new build is due, or None. One or two small queries."""
    cfg = current_app.config
    if meta is None:
        return "nothing is published yet"
    if av.current_week_start(now).isoformat() != meta["week_start"]:
        return "the UTC week rolled over"
    age = (now - datetime.fromisoformat(meta["built_at"])).total_seconds()
    if age >= cfg["MATCH_INDEX_REBUILD_SECONDS"]:
        return f"the build is {age / 3600:.1f} hours old"
    if meta.get("weight_set") != tune.weight_set_id():
        return "the match weights changed"
    count, taxonomy = changes.pending(meta["seq"])
    if taxonomy:
        return "skills or domains changed"
    if count >= cfg["MATCH_INDEX_REBUILD_CHANGES"]:
        return f"{count} changes since the build"
    return None


def rebuild_if_due(now: datetime | None = None) -> dict | None:
    """Scheduler job: publish a new build when one is due (see rebuild_reason), then delete
    builds past MATCH_INDEX_KEEP_SECONDS and the change-log rows every kept build includes."""
    now = now or utcnow()
    reason = rebuild_reason(store.published_meta(index_root()), now)
    db.session.rollback()
    meta = build_and_publish(now) if reason else None
    if meta:
        meta["reason"] = reason
        current_app.logger.info("match index %s published (%s) in %.1f s", meta["build_id"], reason,
                                meta["publish_seconds"])
    prune()
    return meta


def prune() -> None:
    root = index_root()
    store.prune(root, current_app.config["MATCH_INDEX_KEEP_SECONDS"])
    seqs = store.build_seqs(root)
    if seqs:
        quiet_write()  # every kept build holds these rows already: no page changes
        changes.prune(min(seqs))
        db.session.commit()
