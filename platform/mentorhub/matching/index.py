"""The match index: the scoring matrices built from the database, cached per process.

A process keeps one index per app. At most every MATCH_INDEX_CHECK_SECONDS it reads the
generation counters (matching/generation.py), which every profile, project and mentoring
write bumps in its own transaction; when they moved, or the UTC week rolled over, it
rebuilds. So every web worker and the scheduler see a change within seconds, and a request
never rebuilds when nothing changed. A small index is rebuilt in the request that notices
the change; one with more than MATCH_INDEX_SYNC_MAX_ROWS people and projects is rebuilt in
a background thread while requests keep using the previous one.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import numpy as np
import scipy.sparse as sp
from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..db import db, utcnow
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
from . import generation
from .scoring import DIFFICULTIES, STAGES, Learners, Mentors, Projects, Scorer, Weights

_LOCK = threading.Lock()


@dataclass
class MatchIndex:
    scorer: Scorer
    week_start: date
    generations: tuple[int, int]
    built_at: datetime
    build_seconds: float
    learner_users: np.ndarray
    mentor_users: np.ndarray
    project_ids: np.ndarray
    project_owner: np.ndarray
    mentor_capacity: np.ndarray
    mentor_load: np.ndarray
    learner_active: np.ndarray
    skill_ids: list[int]
    skill_names: dict[int, str]  # column -> name
    domain_ids: list[int]
    domain_names: dict[int, str]  # column -> name
    learner_row: dict[int, int] = field(default_factory=dict)
    mentor_row: dict[int, int] = field(default_factory=dict)
    project_row: dict[int, int] = field(default_factory=dict)

    def __post_init__(self):
        self.learner_row = {int(u): i for i, u in enumerate(self.learner_users)}
        self.mentor_row = {int(u): i for i, u in enumerate(self.mentor_users)}
        self.project_row = {int(p): i for i, p in enumerate(self.project_ids)}

    @property
    def size(self) -> int:
        return len(self.learner_users) + len(self.mentor_users) + len(self.project_ids)

    def domain_column(self, domain_id: int) -> int | None:
        try:
            return self.domain_ids.index(domain_id)
        except ValueError:
            return None


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


def _state() -> dict:
    return current_app.extensions.setdefault("matching_index", {"index": None, "checked": 0.0})


def get_index(force: bool = False) -> MatchIndex:
    """The current index, rebuilt when the generation counters moved (checked at most every
    MATCH_INDEX_CHECK_SECONDS) or the UTC week changed."""
    state = _state()
    interval = current_app.config["MATCH_INDEX_CHECK_SECONDS"]
    index = state["index"]
    if index is not None and not force and time.monotonic() - state["checked"] < interval:
        return index
    with _LOCK:
        index = state["index"]
        gens = (generation.current(generation.PEOPLE), generation.current(generation.PROJECTS))
        week = av.current_week_start(utcnow())
        if force or index is None or index.generations != gens or index.week_start != week:
            if not force and index is not None and index.size > current_app.config["MATCH_INDEX_SYNC_MAX_ROWS"]:
                # A large index is rebuilt in the background; requests keep the current one.
                _rebuild_in_background(state)
            else:
                index = build_index(gens, week)
                state["index"] = index
        state["checked"] = time.monotonic()
        return index


def _rebuild_in_background(state: dict) -> None:
    if state.get("building"):
        return
    state["building"] = True
    app = current_app._get_current_object()

    def run() -> None:
        try:
            with app.app_context():
                gens = (generation.current(generation.PEOPLE), generation.current(generation.PROJECTS))
                index = build_index(gens, av.current_week_start(utcnow()), release=True)
                with _LOCK:
                    state["index"] = index
        except Exception:  # pragma: no cover - logged; the next check tries again
            app.logger.exception("matching index rebuild failed")
        finally:
            state["building"] = False

    threading.Thread(target=run, name="matching-index", daemon=True).start()


def invalidate() -> None:
    _state()["index"] = None


def _pairs(rows, row_of: dict[int, int], col_of: dict[int, int], n: int, width: int, values=None) -> sp.csr_matrix:
    r, c, v = [], [], []
    for k, item in enumerate(rows):
        owner, key = item[0], item[1]
        i, j = row_of.get(owner), col_of.get(key)
        if i is None or j is None:
            continue
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


def build_index(gens: tuple[int, int] | None = None, week: date | None = None, release: bool = False) -> MatchIndex:
    """Read everything the scores need and build the matrices. ``release`` ends the read
    transaction before the numerical work (for a session of its own, as in the background)."""
    started = time.perf_counter()
    cfg = current_app.config
    session = db.session
    now = utcnow()
    week = week or av.current_week_start(now)
    gens = gens or (generation.current(generation.PEOPLE), generation.current(generation.PROJECTS))
    slot_minutes = cfg["MATCH_SLOT_MINUTES"]

    skills = session.execute(select(Skill.id, Skill.name).order_by(Skill.id)).all()
    domains = session.execute(select(Domain.id, Domain.name).order_by(Domain.id)).all()
    skill_col = {sid: k for k, (sid, _) in enumerate(skills)}
    domain_col = {did: k for k, (did, _) in enumerate(domains)}
    S, D = max(1, len(skills)), max(1, len(domains))

    # learners
    lrows = session.execute(
        select(LearnerProfile.id, LearnerProfile.user_id, LearnerProfile.headline, LearnerProfile.goals,
               LearnerProfile.stage, User.timezone, User.is_suspended, User.is_deleted)
        .join(User, User.id == LearnerProfile.user_id).order_by(LearnerProfile.id)).all()
    l_profile_row = {r[0]: k for k, r in enumerate(lrows)}
    n_l = len(lrows)
    have = _pairs(session.execute(select(LearnerSkill.learner_id, LearnerSkill.skill_id, LearnerSkill.level)),
                  l_profile_row, skill_col, n_l, S, values=True)
    want = _pairs(session.execute(select(learner_wanted_skills.c.learner_id, learner_wanted_skills.c.skill_id)),
                  l_profile_row, skill_col, n_l, S)
    l_dom = _pairs(session.execute(select(learner_domains.c.learner_id, learner_domains.c.domain_id)),
                   l_profile_row, domain_col, n_l, D)

    # mentors
    mrows = session.execute(
        select(MentorProfile.id, MentorProfile.user_id, MentorProfile.headline, MentorProfile.bio,
               MentorProfile.current_role, MentorProfile.capacity, MentorProfile.is_accepting, User.timezone,
               User.is_suspended, User.is_deleted, User.last_seen_at, User.created_at)
        .join(User, User.id == MentorProfile.user_id).order_by(MentorProfile.id)).all()
    m_profile_row = {r[0]: k for k, r in enumerate(mrows)}
    n_m = len(mrows)
    teach = _pairs(session.execute(select(MentorSkill.mentor_id, MentorSkill.skill_id, MentorSkill.level)),
                   m_profile_row, skill_col, n_m, S, values=True)
    m_dom = _pairs(session.execute(select(mentor_domains.c.mentor_id, mentor_domains.c.domain_id)),
                   m_profile_row, domain_col, n_m, D)

    # availability grids (memoised: many people share a pattern and a zone)
    windows: dict[int, list] = defaultdict(list)
    for uid, wd, a, b in session.execute(select(AvailabilityWindow.user_id, AvailabilityWindow.weekday,
                                                AvailabilityWindow.start_minute, AvailabilityWindow.end_minute)):
        windows[uid].append((wd, a, b))
    builder = GridBuilder(week, slot_minutes)
    n_slots = builder.n_slots

    def grid(uid: int, tz: str) -> np.ndarray:
        return builder.grid(windows.get(uid) or [], tz)

    l_avail = np.zeros((n_l, n_slots), bool)
    for k, r in enumerate(lrows):
        l_avail[k] = grid(r[1], r[5])
    m_avail = np.zeros((n_m, n_slots), bool)
    for k, r in enumerate(mrows):
        m_avail[k] = grid(r[1], r[7])

    # mentoring signals (the mentoring feature provides them)
    from ..mentoring.services import mentor_load, mentor_responsiveness

    load_of = mentor_load()
    resp_of = mentor_responsiveness(now)
    mentor_users = np.array([r[1] for r in mrows], dtype=np.int64)
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

    projects, project_ids, project_owner = _projects(session, skill_col, domain_col, S, D)
    if release:
        session.rollback()  # reads done: let writers in while the matrices are built
    scorer = Scorer(learners, mentors, projects, weights=weights_from_config(cfg), slot_hours=slot_minutes / 60)
    return MatchIndex(
        scorer=scorer, week_start=week, generations=gens, built_at=now,
        build_seconds=time.perf_counter() - started,
        learner_users=np.array([r[1] for r in lrows], dtype=np.int64), mentor_users=mentor_users,
        project_ids=project_ids, project_owner=project_owner, mentor_capacity=capacity, mentor_load=load,
        learner_active=np.array([not r[6] and not r[7] for r in lrows], bool),
        skill_ids=[s for s, _ in skills], skill_names={k: n for k, (_, n) in enumerate(skills)},
        domain_ids=[d for d, _ in domains], domain_names={k: n for k, (_, n) in enumerate(domains)},
    )


def _projects(session, skill_col, domain_col, S, D):
    from ..projects.models import ACTIVE_STATUSES, Project, ProjectSkill, project_domains

    prows = session.execute(select(Project.id, Project.difficulty, Project.seats, Project.seats_taken, Project.status,
                                   Project.owner_id).order_by(Project.id)).all()
    p_row = {r[0]: k for k, r in enumerate(prows)}
    n_p = len(prows)
    skill_rows = session.execute(select(ProjectSkill.project_id, ProjectSkill.skill_id, ProjectSkill.kind,
                                        ProjectSkill.min_level)).all()
    required = _pairs([(p, s, lv or 1) for p, s, kind, lv in skill_rows if kind == "required"],
                      p_row, skill_col, n_p, S, values=True)
    teaches = _pairs([(p, s) for p, s, kind, _ in skill_rows if kind == "learn"], p_row, skill_col, n_p, S)
    p_dom = _pairs(session.execute(select(project_domains.c.project_id, project_domains.c.domain_id)),
                   p_row, domain_col, n_p, D)
    free = np.array([max(0, r[2] - r[3]) for r in prows], dtype=np.int64)
    eligible = np.array([r[4] in ACTIVE_STATUSES for r in prows], bool)
    difficulty = np.array([DIFFICULTIES.index(r[1]) if r[1] in DIFFICULTIES else 0 for r in prows], dtype=np.int64)
    projects = Projects(required=required, teaches=teaches, domains=p_dom, difficulty=difficulty,
                        free_seats=free, eligible=eligible)
    return projects, np.array([r[0] for r in prows], np.int64), np.array([r[5] for r in prows], np.int64)


def slot_intervals(index: MatchIndex, slots: list[int]) -> list[tuple[datetime, datetime]]:
    """Merged aware-UTC intervals of grid slots in the index's week."""
    from datetime import time as dtime, timezone

    step = timedelta(minutes=current_app.config["MATCH_SLOT_MINUTES"])
    start = datetime.combine(index.week_start, dtime(0), tzinfo=timezone.utc)
    out: list[tuple[datetime, datetime]] = []
    for s in slots:
        a = start + s * step
        if out and out[-1][1] == a:
            out[-1] = (out[-1][0], a + step)
        else:
            out.append((a, a + step))
    return out
