"""The match index a process queries: the published build, mapped read-only, plus the changes
since it, applied as row deltas.

Builds are made and published by the scheduler or ``flask match-index build``
(matching/publish.py), never here. On each matching read a process
1. stats the pointer file and, when a new build was published, maps it (np.load mmap), and
2. runs one query for change-log rows after the oldest position it has not applied, reads the current
   rows of just those people and projects (matching/reader.py) and computes their features
   in the published text space (words the build never saw are ignored until the next build).
Both happen at most once per request (or command), so a request sees every write committed
before it started, on any worker: read your own writes. With nothing published yet,
``get_index`` returns None and pages say matches are being prepared.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import numpy as np
import scipy.sparse as sp
from flask import current_app, g, has_request_context

from .. import generations as changes
from ..db import utcnow
from . import store
from .features import (
    Learners,
    Mentors,
    Projects,
    learner_features,
    mentor_features,
    project_features,
)
from .model import MatchModel
from .overlay import Combined
from .reader import Columns, index_root, read_people, read_projects

_LOCK = threading.Lock()


class RowMap:
    """Entity id -> row of the combined index: delta rows first, then base rows not changed."""

    def __init__(self, base: dict[int, int], delta: dict[int, int], changed: set[int]):
        self.base, self.delta, self.changed = base, delta, changed

    def get(self, key, default=None):
        if key is None:
            return default
        key = int(key)
        if key in self.delta:
            return self.delta[key]
        if key in self.changed:
            return default
        return self.base.get(key, default)

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key) -> int:
        row = self.get(key)
        if row is None:
            raise KeyError(key)
        return row


@dataclass
class MatchIndex:
    scorer: Combined
    build_id: str
    seq: int  # change-log position applied
    week_start: date
    learner_users: np.ndarray
    learner_active: np.ndarray
    mentor_users: np.ndarray
    mentor_capacity: np.ndarray
    mentor_load: np.ndarray
    project_ids: np.ndarray
    project_owner: np.ndarray
    learner_row: RowMap
    mentor_row: RowMap
    project_row: RowMap
    skill_names: dict[int, str]  # column -> name
    domain_ids: list[int]
    domain_names: dict[int, str]  # column -> name
    changed: int = 0  # people and projects applied as deltas
    # Results computed from this index alone (explanations), shared by the requests of this
    # process: a new build or a new change-log row makes a new MatchIndex, so they never go stale.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def remember(self, key, compute):
        """``compute()`` once per key for this index (at most MATCH_INDEX_MEMO_ENTRIES kept)."""
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= current_app.config["MATCH_INDEX_MEMO_ENTRIES"]:
                self.memo.clear()
            found = self.memo[key] = compute()
        return found

    def domain_column(self, domain_id: int) -> int | None:
        try:
            return self.domain_ids.index(domain_id)
        except ValueError:
            return None


@dataclass
class Delta:
    """The current rows of every person and project changed since the build (per process)."""

    seq: int  # highest position applied
    seen: set[int] = field(default_factory=set)  # positions applied within the late-commit window
    users: set[int] = field(default_factory=set)
    projects: set[int] = field(default_factory=set)
    learners: dict[int, tuple] = field(default_factory=dict)  # user id -> one learner row
    mentors: dict[int, tuple] = field(default_factory=dict)  # user id -> one mentor row
    project_rows: dict[int, tuple] = field(default_factory=dict)  # project id -> one project row


class Loaded:
    """A mapped build and what it needs to combine deltas with it."""

    def __init__(self, build: store.Build):
        self.build = build
        meta = build.meta
        self.meta = meta
        self.cols = Columns(meta["skill_ids"], meta["skill_names"], meta["domain_ids"], meta["domain_names"])
        self.week_start = date.fromisoformat(meta["week_start"])
        self.ids = {k: np.asarray(v) for k, v in build.ids.items()}
        self.learner_row = {int(u): i for i, u in enumerate(self.ids["learner_users"])}
        self.mentor_row = {int(u): i for i, u in enumerate(self.ids["mentor_users"])}
        self.project_row = {int(p): i for i, p in enumerate(self.ids["project_ids"])}


def _state() -> dict:
    return current_app.extensions.setdefault("matching_index", {"stamp": None, "loaded": None, "delta": None,
                                                                "index": None})


def get_index() -> MatchIndex | None:
    """The index for this request: the published build plus every change committed so far.
    None when no build is published yet. Never builds."""
    cache = has_request_context()  # once per request; a command or test sees each write at once
    if cache and "match_index" in g:
        return g.match_index
    root = index_root()
    state = _state()
    with _LOCK:
        stamp = store.pointer_stamp(root)
        if stamp is None:
            return None
        if stamp != state["stamp"]:
            build_id = store.current_build(root)
            if store.published_meta(root) is None:
                return None  # written in an older layout: "being prepared" until the next build
            loaded = state["loaded"]
            if loaded is None or loaded.meta["build_id"] != build_id:
                loaded = Loaded(store.Build(root / build_id))
                delta = Delta(seq=loaded.meta["seq"], seen=set(loaded.meta["seen"]))
                state.update(loaded=loaded, delta=delta, index=None)
            state["stamp"] = stamp
        loaded, delta = state["loaded"], state["delta"]
        # Positions are handed out when a transaction writes, not when it commits, so a row may
        # become visible after a higher one (PostgreSQL): look back over the last few positions,
        # from the oldest one not applied yet (usually none: only rows after delta.seq are read).
        window = current_app.config["MATCH_INDEX_LATE_ROWS"]
        rows = [r for r in changes.since(_oldest_unapplied(delta, window) - 1) if r[0] not in delta.seen]
        if rows or state["index"] is None:
            _apply(loaded, delta, rows, window)
            state["index"] = _combine(loaded, delta)
        if cache:
            g.match_index = state["index"]
        return state["index"]


def _oldest_unapplied(delta: Delta, window: int) -> int:
    """The lowest position of the last ``window`` up to ``delta.seq`` not applied yet (one a late
    commit may still fill), or ``delta.seq + 1`` when every one of them was applied."""
    return next((s for s in range(max(1, delta.seq - window + 1), delta.seq + 1) if s not in delta.seen),
                delta.seq + 1)


def _apply(loaded: Loaded, delta: Delta, rows: list[tuple[int, str, int]], window: int) -> None:
    """Read the current rows of the people and projects in ``rows`` (queries grow with them,
    not with the community)."""
    users = sorted({e for _, kind, e in rows if kind == changes.USER})
    projects = sorted({e for _, kind, e in rows if kind == changes.PROJECT})
    if rows:
        delta.seq = max(delta.seq, max(s for s, _, _ in rows))
        delta.seen = {s for s in delta.seen | {s for s, _, _ in rows} if s > delta.seq - window}
    if users:
        people = read_people(loaded.cols, loaded.week_start, utcnow(), users)
        for u in users:
            delta.learners.pop(u, None)
            delta.mentors.pop(u, None)
        L, M = people.learners, people.mentors
        for k, u in enumerate(people.learner_users):
            delta.learners[int(u)] = (L.have[k], L.want[k], L.domains[k], L.text[k], L.avail[k], L.stage[k],
                                      people.learner_active[k])
        for k, u in enumerate(people.mentor_users):
            delta.mentors[int(u)] = (M.teach[k], M.domains[k], M.text[k], M.avail[k], M.activity[k], M.eligible[k],
                                     people.mentor_capacity[k], people.mentor_load[k])
        delta.users.update(users)
    if projects:
        prj = read_projects(loaded.cols, projects)
        for p in projects:
            delta.project_rows.pop(p, None)
        P = prj.projects
        for k, p in enumerate(prj.project_ids):
            delta.project_rows[int(p)] = (P.required[k], P.teaches[k], P.domains[k], P.difficulty[k],
                                          P.free_seats[k], P.eligible[k], prj.project_owner[k])
        delta.projects.update(projects)


def _stack(rows: list, width: int) -> sp.csr_matrix:
    return sp.vstack(rows, format="csr") if rows else sp.csr_matrix((0, width), dtype=np.float32)


def _combine(loaded: Loaded, delta: Delta) -> MatchIndex:
    base = loaded.build.model
    ids = loaded.ids
    meta = loaded.meta
    S, D, T = base.have.shape[1], base.l_dom.shape[1], base.l_avail.shape[1]
    dmodel = None
    l_users, m_users, p_ids = sorted(delta.learners), sorted(delta.mentors), sorted(delta.project_rows)
    if delta.users or delta.projects:
        lr = [delta.learners[u] for u in l_users]
        mr = [delta.mentors[u] for u in m_users]
        pr = [delta.project_rows[p] for p in p_ids]
        text = loaded.build.text
        learners = Learners(have=_stack([r[0] for r in lr], S), want=_stack([r[1] for r in lr], S),
                            domains=_stack([r[2] for r in lr], D), text=[r[3] for r in lr],
                            avail=np.array([r[4] for r in lr], bool).reshape(len(lr), T),
                            stage=np.array([r[5] for r in lr], np.int64))
        mentors = Mentors(teach=_stack([r[0] for r in mr], S), domains=_stack([r[1] for r in mr], D),
                          text=[r[2] for r in mr], avail=np.array([r[3] for r in mr], bool).reshape(len(mr), T),
                          activity=np.array([r[4] for r in mr], np.float32),
                          eligible=np.array([r[5] for r in mr], bool))
        projects = Projects(required=_stack([r[0] for r in pr], S), teaches=_stack([r[1] for r in pr], S),
                            domains=_stack([r[2] for r in pr], D), difficulty=np.array([r[3] for r in pr], np.int64),
                            free_seats=np.array([r[4] for r in pr], np.int64), eligible=np.array([r[5] for r in pr], bool))
        arrays = {**learner_features(learners, base.w, text.transform(learners.text)),
                  **mentor_features(mentors, base.w, text.transform(mentors.text), base.slot_hours,
                                    base.skill_related),
                  **project_features(projects, base.w)}
        dmodel = MatchModel.from_arrays(arrays, base.w, base.slot_hours)

    def gone(row_of: dict[int, int], n: int, changed: set[int]) -> np.ndarray:
        mask = np.zeros(n, bool)
        rows = [row_of[c] for c in changed if c in row_of]
        mask[rows] = True
        return mask

    gone_l = gone(loaded.learner_row, base.n_learners, delta.users)
    gone_m = gone(loaded.mentor_row, base.n_mentors, delta.users)
    gone_p = gone(loaded.project_row, base.n_projects, delta.projects)
    scorer = Combined(base, dmodel, gone_l, gone_m, gone_p)

    def cat(name: str, extra, dtype) -> np.ndarray:
        return np.concatenate([np.asarray(ids[name]), np.asarray(extra, dtype=dtype)])

    n_l, n_m, n_p = base.n_learners, base.n_mentors, base.n_projects
    return MatchIndex(
        scorer=scorer, build_id=meta["build_id"], seq=delta.seq, week_start=loaded.week_start,
        learner_users=cat("learner_users", l_users, np.int64),
        learner_active=np.concatenate([np.asarray(ids["learner_active"]) & ~gone_l,
                                       np.array([delta.learners[u][6] for u in l_users], bool)]),
        mentor_users=cat("mentor_users", m_users, np.int64),
        mentor_capacity=cat("mentor_capacity", [delta.mentors[u][6] for u in m_users], np.int64),
        mentor_load=cat("mentor_load", [delta.mentors[u][7] for u in m_users], np.int64),
        project_ids=cat("project_ids", p_ids, np.int64),
        project_owner=cat("project_owner", [delta.project_rows[p][6] for p in p_ids], np.int64),
        learner_row=RowMap(loaded.learner_row, {u: n_l + k for k, u in enumerate(l_users)}, delta.users),
        mentor_row=RowMap(loaded.mentor_row, {u: n_m + k for k, u in enumerate(m_users)}, delta.users),
        project_row=RowMap(loaded.project_row, {p: n_p + k for k, p in enumerate(p_ids)}, delta.projects),
        skill_names=dict(enumerate(loaded.cols.skill_names)), domain_ids=list(loaded.cols.domain_ids),
        domain_names=dict(enumerate(loaded.cols.domain_names)), changed=len(delta.users) + len(delta.projects),
    )


def slot_intervals(index: MatchIndex, slots: list[int]) -> list[tuple[datetime, datetime]]:
    """Merged aware-UTC intervals of grid slots in the index's week."""
    step = timedelta(minutes=current_app.config["MATCH_SLOT_MINUTES"])
    start = datetime.combine(index.week_start, datetime.min.time(), tzinfo=timezone.utc)
    out: list[tuple[datetime, datetime]] = []
    for s in slots:
        a = start + s * step
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], a + step)
        else:
            out.append((a, a + step))
    return out
