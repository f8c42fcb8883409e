"""Read what the scores need from the database: everything, for a full build
(matching/publish.py), or only some people and projects, for the deltas applied on top of a
published build (matching/index.py). No scikit-learn here: web workers import this.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..db import db
from ..mentoring.queries import mentor_load, mentor_responsiveness
from ..profiles import availability as av
from ..profiles.models import (
    AvailabilityWindow,
    Domain,
    LearnerProfile,
    LearnerSkill,
    MentorProfile,
    MentorSkill,
    Skill,
    learner_domains,
    learner_wanted_skills,
    mentor_domains,
)
from ..projects.models import ACTIVE_STATUSES, Project, ProjectSkill, project_domains
from .features import DIFFICULTIES, STAGES, Learners, Mentors, Projects, Weights


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
        overlap_target_hours=cfg["MATCH_OVERLAP_TARGET_HOURS"], readiness=cfg["MATCH_WEIGHT_READINESS"],
        growth=cfg["MATCH_WEIGHT_GROWTH"], project_domains=cfg["MATCH_WEIGHT_PROJECT_DOMAINS"],
        difficulty=cfg["MATCH_WEIGHT_DIFFICULTY"], seats=cfg["MATCH_WEIGHT_SEATS"],
        seats_target=cfg["MATCH_SEATS_TARGET"], text_dims=cfg["MATCH_TEXT_DIMS"],
        text_max_features=cfg["MATCH_TEXT_MAX_FEATURES"],
    )


def index_root() -> Path:
    return Path(current_app.instance_path) / current_app.config["MATCH_INDEX_DIR"]


def read_columns() -> Columns:
    skills = db.session.execute(select(Skill.id, Skill.name).order_by(Skill.id)).all()
    domains = db.session.execute(select(Domain.id, Domain.name).order_by(Domain.id)).all()
    return Columns([s for s, _ in skills], [n for _, n in skills], [d for d, _ in domains], [n for _, n in domains])


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
        self.n_slots = 7 * 24 * 60 // slot_minutes
        self.step = slot_minutes * 60
        self.lo = datetime.combine(week, datetime.min.time(), tzinfo=timezone.utc)
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
            g = np.zeros(self.n_slots, bool)
            for start, end in av.merge(intervals):
                first = -(-int((start - self.lo).total_seconds()) // self.step)  # ceil
                last = int((end - self.lo).total_seconds()) // self.step  # floor
                if last > first:
                    g[max(first, 0):min(last, self.n_slots)] = True
            self._grids[key] = g
        return g


def _only(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def read_people(cols: Columns, week: date, now: datetime, user_ids: list[int] | None = None) -> People:
    """Learner and mentor inputs of everyone, or of ``user_ids`` only (rows ordered by profile id)."""
    cfg = current_app.config
    session = db.session
    S, D = cols.S, cols.D
    lrows = session.execute(_only(
        select(LearnerProfile.id, LearnerProfile.user_id, LearnerProfile.headline, LearnerProfile.goals,
               LearnerProfile.stage, User.timezone, User.is_suspended, User.is_deleted)
        .join(User, User.id == LearnerProfile.user_id).order_by(LearnerProfile.id),
        LearnerProfile.user_id, user_ids)).all()
    mrows = session.execute(_only(
        select(MentorProfile.id, MentorProfile.user_id, MentorProfile.headline, MentorProfile.bio,
               MentorProfile.current_role, MentorProfile.capacity, MentorProfile.is_accepting, User.timezone,
               User.is_suspended, User.is_deleted, User.last_seen_at, User.created_at)
        .join(User, User.id == MentorProfile.user_id).order_by(MentorProfile.id),
        MentorProfile.user_id, user_ids)).all()
    l_row = {r[0]: k for k, r in enumerate(lrows)}
    m_row = {r[0]: k for k, r in enumerate(mrows)}
    n_l, n_m = len(lrows), len(mrows)
    l_ids = None if user_ids is None else list(l_row)
    m_ids = None if user_ids is None else list(m_row)

    def rows(query, column, ids):
        return [] if ids is not None and not ids else session.execute(_only(query, column, ids))

    have = _pairs(rows(select(LearnerSkill.learner_id, LearnerSkill.skill_id, LearnerSkill.level),
                       LearnerSkill.learner_id, l_ids), l_row, cols.skill_col, n_l, S, values=True)
    want = _pairs(rows(select(learner_wanted_skills.c.learner_id, learner_wanted_skills.c.skill_id),
                       learner_wanted_skills.c.learner_id, l_ids), l_row, cols.skill_col, n_l, S)
    l_dom = _pairs(rows(select(learner_domains.c.learner_id, learner_domains.c.domain_id),
                        learner_domains.c.learner_id, l_ids), l_row, cols.domain_col, n_l, D)
    teach = _pairs(rows(select(MentorSkill.mentor_id, MentorSkill.skill_id, MentorSkill.level),
                        MentorSkill.mentor_id, m_ids), m_row, cols.skill_col, n_m, S, values=True)
    m_dom = _pairs(rows(select(mentor_domains.c.mentor_id, mentor_domains.c.domain_id),
                        mentor_domains.c.mentor_id, m_ids), m_row, cols.domain_col, n_m, D)
    people_ids = None if user_ids is None else sorted({r[1] for r in lrows} | {r[1] for r in mrows})
    windows: dict[int, list] = defaultdict(list)
    for uid, wd, a, b in rows(select(AvailabilityWindow.user_id, AvailabilityWindow.weekday,
                                     AvailabilityWindow.start_minute, AvailabilityWindow.end_minute),
                              AvailabilityWindow.user_id, people_ids):
        windows[uid].append((wd, a, b))
    builder = GridBuilder(week, cfg["MATCH_SLOT_MINUTES"])
    l_avail = np.zeros((n_l, builder.n_slots), bool)
    for k, r in enumerate(lrows):
        l_avail[k] = builder.grid(windows.get(r[1]) or [], r[5])
    m_avail = np.zeros((n_m, builder.n_slots), bool)
    for k, r in enumerate(mrows):
        m_avail[k] = builder.grid(windows.get(r[1]) or [], r[7])

    mentor_users = np.array([r[1] for r in mrows], dtype=np.int64)
    mentor_ids = None if user_ids is None else [int(u) for u in mentor_users]
    load_of = mentor_load(mentor_ids) if mentor_ids != [] else {}
    resp_of = mentor_responsiveness(now, mentor_ids) if mentor_ids != [] else {}
    capacity = np.array([r[5] for r in mrows], dtype=np.int64)
    load = np.array([load_of.get(int(u), 0) for u in mentor_users], dtype=np.int64)
    m_eligible = np.array([bool(r[6]) and not r[8] and not r[9] for r in mrows], bool) & (capacity > load)
    activity = _activity([r[10] for r in mrows], [r[11] for r in mrows],
                         [resp_of.get(int(u), 1.0) for u in mentor_users], now, cfg)
    stage = np.array([STAGES.index(r[4]) if r[4] in STAGES else 0 for r in lrows], dtype=np.int64)
    learners = Learners(have=have, want=want, domains=l_dom,
                        text=[f"{r[2] or ''} {r[3] or ''}" for r in lrows], avail=l_avail, stage=stage)
    mentors = Mentors(teach=teach, domains=m_dom, text=[f"{r[2] or ''} {r[4] or ''} {r[3] or ''}" for r in mrows],
                      avail=m_avail, activity=activity, eligible=m_eligible)
    return People(learners=learners, learner_users=np.array([r[1] for r in lrows], dtype=np.int64),
                  learner_active=np.array([not r[6] and not r[7] for r in lrows], bool),
                  mentors=mentors, mentor_users=mentor_users, mentor_capacity=capacity, mentor_load=load)


def read_projects(cols: Columns, project_ids: list[int] | None = None) -> ProjectRows:
    session = db.session
    prows = session.execute(_only(select(Project.id, Project.difficulty, Project.seats, Project.seats_taken,
                                         Project.status, Project.owner_id).order_by(Project.id),
                                  Project.id, project_ids)).all()
    p_row = {r[0]: k for k, r in enumerate(prows)}
    n_p = len(prows)
    ids = None if project_ids is None else list(p_row)
    skill_rows = [] if ids == [] else session.execute(_only(
        select(ProjectSkill.project_id, ProjectSkill.skill_id, ProjectSkill.kind, ProjectSkill.min_level),
        ProjectSkill.project_id, ids)).all()
    required = _pairs([(p, s, lv or 1) for p, s, kind, lv in skill_rows if kind == "required"],
                      p_row, cols.skill_col, n_p, cols.S, values=True)
    teaches = _pairs([(p, s) for p, s, kind, _ in skill_rows if kind == "learn"], p_row, cols.skill_col, n_p, cols.S)
    dom_rows = [] if ids == [] else session.execute(_only(
        select(project_domains.c.project_id, project_domains.c.domain_id), project_domains.c.project_id, ids))
    p_dom = _pairs(dom_rows, p_row, cols.domain_col, n_p, cols.D)
    projects = Projects(
        required=required, teaches=teaches, domains=p_dom,
        difficulty=np.array([DIFFICULTIES.index(r[1]) if r[1] in DIFFICULTIES else 0 for r in prows], np.int64),
        free_seats=np.array([max(0, r[2] - r[3]) for r in prows], dtype=np.int64),
        eligible=np.array([r[4] in ACTIVE_STATUSES for r in prows], bool))
    return ProjectRows(projects, np.array([r[0] for r in prows], np.int64), np.array([r[5] for r in prows], np.int64))
