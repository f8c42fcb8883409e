"""Read what the scores need from the database: everything, for a full build
(matching/publish.py), or only some people and projects, for the deltas applied on top of a
published build (matching/index.py). No scikit-learn here: web workers import this.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from flask import current_app

from ..mentoring.queries import mentor_load, mentor_responsiveness
from ..profiles import availability as av
from ..profiles import match_rows as profile_rows
from ..profiles.taxonomy import difficulty_rank, roadmap_stages, skill_relations
from ..projects.match_rows import project_domain_rows, project_match_rows, project_skill_rows
from .features import Learners, Mentors, Projects, Weights, fit_positions


@dataclass
class Columns:
    """The skill and domain columns of a build."""

    skill_ids: list[int]
    skill_names: list[str]
    domain_ids: list[int]
    domain_names: list[str]

    def __post_init__(self):
        self.skill_col = {s: k for k, s in enumerate(self.skill_ids)}
        self.domain_col = {d: k for k, d in enumerate(self.domain_ids)}
        self.S, self.D = max(1, len(self.skill_ids)), max(1, len(self.domain_ids))


@dataclass
class People:
    learners: Learners
    learner_users: np.ndarray
    learner_active: np.ndarray
    mentors: Mentors
    mentor_users: np.ndarray
    mentor_capacity: np.ndarray
    mentor_load: np.ndarray


@dataclass
class ProjectRows:
    projects: Projects
    project_ids: np.ndarray
    project_owner: np.ndarray


def weights_from_config(cfg) -> Weights:
    return Weights(
        skills=cfg["MATCH_WEIGHT_SKILLS"], domains=cfg["MATCH_WEIGHT_DOMAINS"], text=cfg["MATCH_WEIGHT_TEXT"],
        availability=cfg["MATCH_WEIGHT_AVAILABILITY"], activity=cfg["MATCH_WEIGHT_ACTIVITY"],
        overlap_scale_hours=cfg["MATCH_OVERLAP_SCALE_HOURS"], reach_hours=cfg["MATCH_REACH_HOURS"],
        related_credit=cfg["MATCH_RELATED_CREDIT"], readiness=cfg["MATCH_WEIGHT_READINESS"],
        growth=cfg["MATCH_WEIGHT_GROWTH"], project_domains=cfg["MATCH_WEIGHT_PROJECT_DOMAINS"],
        difficulty=cfg["MATCH_WEIGHT_DIFFICULTY"], seats=cfg["MATCH_WEIGHT_SEATS"],
        seats_target=cfg["MATCH_SEATS_TARGET"], text_dims=cfg["MATCH_TEXT_DIMS"],
        text_max_features=cfg["MATCH_TEXT_MAX_FEATURES"],
    )


def index_root() -> Path:
    return _folder(current_app.instance_path, current_app.config["MATCH_INDEX_DIR"])


@cache
def _folder(instance_path: str, name: str) -> Path:  # every cached page's key asks: built once
    return Path(instance_path) / name


def read_columns() -> Columns:
    skills, domains = profile_rows.skill_columns(), profile_rows.domain_columns()
    return Columns([s for s, _ in skills], [n for _, n in skills], [d for d, _ in domains], [n for _, n in domains])


def read_relations(cols: Columns) -> sp.csr_matrix:
    """The taxonomy's related skills as a symmetric 0/1 (S x S) matrix over the build's columns."""
    pairs = skill_relations()
    ids = profile_rows.skill_ids_by_slug({s for pair in pairs for s in pair})
    r, c = [], []
    for a, b in pairs:
        i, j = cols.skill_col.get(ids.get(a)), cols.skill_col.get(ids.get(b))
        if i is not None and j is not None:
            r += [i, j]
            c += [j, i]
    m = sp.csr_matrix((np.ones(len(r), np.float32), (r, c)), shape=(cols.S, cols.S))
    m.data[:] = 1.0  # a pair written twice counts once
    return m


def _pairs(rows, row_of: dict[int, int], col_of: dict[int, int], n: int, width: int, values=None) -> sp.csr_matrix:
    r, c, v = [], [], []
    for item in rows:
        i, j = row_of.get(item[0]), col_of.get(item[1])
        if i is None or j is None:
            continue  # a skill or domain added since the build: it gets a column at the next build
        r.append(i)
        c.append(j)
        v.append(float(item[2]) if values else 1.0)
    return sp.csr_matrix((np.array(v, np.float32), (np.array(r, np.int64), np.array(c, np.int64))), shape=(n, width))


def _activity(last_seen: list[datetime | None], created: list[datetime], responsiveness: list[float], now: datetime,
              cfg) -> np.ndarray:
    active, inactive, floor = cfg["MATCH_ACTIVE_DAYS"], cfg["MATCH_INACTIVE_DAYS"], cfg["MATCH_INACTIVE_FLOOR"]
    out = np.ones(len(last_seen), np.float32)
    for k, (seen, made) in enumerate(zip(last_seen, created)):
        ref = seen or made or now
        days = (now - ref).total_seconds() / 86400
        if days <= active:
            recency = 1.0
        elif days >= inactive:
            recency = floor
        else:
            recency = 1.0 - (1.0 - floor) * (days - active) / max(1, inactive - active)
        out[k] = recency * responsiveness[k]
    return out


class GridBuilder:
    """UTC slot grids for one week, equal to ``availability.week_grid``, memoised per zone
    and window (people share single windows far more often than whole week patterns)."""

    def __init__(self, week: date, slot_minutes: int):
        self.week = week
        self.slot_minutes = av.check_slot_minutes(slot_minutes)
        self.n_slots = 7 * 24 * 60 // slot_minutes
        self._grids: dict = {}
        self._windows: dict = {}

    def grid(self, windows, tz: str | None) -> np.ndarray:
        if not windows:
            return np.zeros(self.n_slots, bool)
        tz = tz or "UTC"
        key = (tz, tuple(sorted(tuple(w) for w in windows)))
        g = self._grids.get(key)
        if g is None:
            intervals = []
            for win in key[1]:
                wk = (tz, win)
                if wk not in self._windows:
                    self._windows[wk] = av._utc_week_intervals([win], tz, self.week)
                intervals.extend(self._windows[wk])
            g = av.slot_grid(av.merge(intervals), self.week, self.slot_minutes)
            self._grids[key] = g
        return g


def roadmap_positions() -> tuple[dict[str, int], dict[str, int]]:
    """(stage slug -> row, difficulty slug -> column) of the scores' difficulty fit, for the
    stages and difficulties of seed/roadmap.yaml, by name. ValueError for one without a fit."""
    return fit_positions(roadmap_stages(), difficulty_rank())


def _position(of: dict[str, int], name: str, what: str) -> int:
    try:
        return of[name]
    except KeyError:
        raise ValueError(f"{what} {name!r} is not in seed/roadmap.yaml") from None


def read_people(cols: Columns, week: date, now: datetime, user_ids: list[int] | None = None) -> People:
    """Learner and mentor inputs of everyone, or of ``user_ids`` only (rows ordered by profile id)."""
    cfg = current_app.config
    S, D = cols.S, cols.D
    stage_of, _ = roadmap_positions()
    lrows = profile_rows.learner_match_rows(user_ids)
    mrows = profile_rows.mentor_match_rows(user_ids)
    l_row = {r.profile_id: k for k, r in enumerate(lrows)}
    m_row = {r.profile_id: k for k, r in enumerate(mrows)}
    n_l, n_m = len(lrows), len(mrows)
    l_ids = None if user_ids is None else list(l_row)
    m_ids = None if user_ids is None else list(m_row)

    have = _pairs(profile_rows.learner_skill_rows(l_ids), l_row, cols.skill_col, n_l, S, values=True)
    want = _pairs(profile_rows.wanted_skill_rows(l_ids), l_row, cols.skill_col, n_l, S)
    l_dom = _pairs(profile_rows.learner_domain_rows(l_ids), l_row, cols.domain_col, n_l, D)
    teach = _pairs(profile_rows.mentor_skill_rows(m_ids), m_row, cols.skill_col, n_m, S, values=True)
    m_dom = _pairs(profile_rows.mentor_domain_rows(m_ids), m_row, cols.domain_col, n_m, D)
    people_ids = None if user_ids is None else sorted({r.user_id for r in lrows} | {r.user_id for r in mrows})
    windows: dict[int, list] = defaultdict(list)
    for uid, wd, a, b in profile_rows.window_rows(people_ids):
        windows[uid].append((wd, a, b))
    builder = GridBuilder(week, cfg["MATCH_SLOT_MINUTES"])
    l_avail = np.zeros((n_l, builder.n_slots), bool)
    for k, r in enumerate(lrows):
        l_avail[k] = builder.grid(windows.get(r.user_id) or [], r.timezone)
    m_avail = np.zeros((n_m, builder.n_slots), bool)
    for k, r in enumerate(mrows):
        m_avail[k] = builder.grid(windows.get(r.user_id) or [], r.timezone)

    mentor_users = np.array([r.user_id for r in mrows], dtype=np.int64)
    mentor_ids = None if user_ids is None else [int(u) for u in mentor_users]
    load_of = mentor_load(mentor_ids) if mentor_ids != [] else {}
    resp_of = mentor_responsiveness(now, mentor_ids) if mentor_ids != [] else {}
    capacity = np.array([r.capacity for r in mrows], dtype=np.int64)
    load = np.array([load_of.get(int(u), 0) for u in mentor_users], dtype=np.int64)
    m_eligible = (np.array([bool(r.is_accepting) and not r.is_suspended and not r.is_deleted for r in mrows], bool)
                  & (capacity > load))
    activity = _activity([r.last_seen_at for r in mrows], [r.created_at for r in mrows],
                         [resp_of.get(int(u), 1.0) for u in mentor_users], now, cfg)
    stage = np.array([_position(stage_of, r.stage, "Roadmap stage") for r in lrows], dtype=np.int64)
    learners = Learners(have=have, want=want, domains=l_dom,
                        text=[f"{r.headline or ''} {r.goals or ''}" for r in lrows], avail=l_avail, stage=stage)
    mentors = Mentors(teach=teach, domains=m_dom,
                      text=[f"{r.headline or ''} {r.current_role or ''} {r.bio or ''}" for r in mrows],
                      avail=m_avail, activity=activity, eligible=m_eligible)
    return People(learners=learners, learner_users=np.array([r.user_id for r in lrows], dtype=np.int64),
                  learner_active=np.array([not r.is_suspended and not r.is_deleted for r in lrows], bool),
                  mentors=mentors, mentor_users=mentor_users, mentor_capacity=capacity, mentor_load=load)


def read_projects(cols: Columns, project_ids: list[int] | None = None) -> ProjectRows:
    """Project inputs of every project, or of ``project_ids`` only (rows ordered by id)."""
    _, difficulty_of = roadmap_positions()
    prows = project_match_rows(project_ids)
    p_row = {r.id: k for k, r in enumerate(prows)}
    n_p = len(prows)
    ids = None if project_ids is None else list(p_row)
    skill_rows = project_skill_rows(ids)
    required = _pairs([(p, s, lv or 1) for p, s, kind, lv in skill_rows if kind == "required"],
                      p_row, cols.skill_col, n_p, cols.S, values=True)
    teaches = _pairs([(p, s) for p, s, kind, _ in skill_rows if kind == "learn"], p_row, cols.skill_col, n_p, cols.S)
    p_dom = _pairs(project_domain_rows(ids), p_row, cols.domain_col, n_p, cols.D)
    projects = Projects(
        required=required, teaches=teaches, domains=p_dom,
        difficulty=np.array([_position(difficulty_of, r.difficulty, "Project difficulty") for r in prows], np.int64),
        free_seats=np.array([r.free_seats for r in prows], dtype=np.int64),
        eligible=np.array([r.is_open for r in prows], bool))
    return ProjectRows(projects, np.array([r.id for r in prows], np.int64), np.array([r.owner_id for r in prows], np.int64))
