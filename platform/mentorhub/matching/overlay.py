"""A published model plus the rows of what changed since, queried as one.

Learners, mentors and projects are numbered base first, then delta: base rows of a changed
or removed entity are masked (never eligible, never reachable by id), and its current version,
if any, is a delta row. Every query scores the learner's row against the columns of both
parts and concatenates, so unchanged pairs score exactly as in the published build. numpy
and scipy only.
"""
from __future__ import annotations

import numpy as np

from . import explain
from .features import slot_row, sparse_row
from .model import MatchModel, Ranked, _top_eligible, _top_masked, _top_rows


class Combined:
    def __init__(self, base: MatchModel, delta: MatchModel | None = None, gone_learners=None, gone_mentors=None,
                 gone_projects=None):
        self.base = base
        self.delta = delta
        self.parts = [base] if delta is None else [base, delta]
        self.w = base.w
        self.n_skills = base.n_skills
        self.n_learners = sum(p.n_learners for p in self.parts)
        self.n_mentors = sum(p.n_mentors for p in self.parts)
        self.n_projects = sum(p.n_projects for p in self.parts)

        def keep(elig, gone):
            elig = np.asarray(elig, dtype=bool)
            return elig if gone is None or not len(gone) else elig & ~np.asarray(gone, dtype=bool)

        self.m_eligible = np.concatenate([keep(base.m_eligible, gone_mentors)]
                                         + [d.m_eligible for d in self.parts[1:]])
        self.p_eligible = np.concatenate([keep(base.p_eligible, gone_projects)]
                                         + [d.p_eligible for d in self.parts[1:]])

    def _at(self, k: int, n_of) -> tuple[MatchModel, int]:
        for part in self.parts:
            n = n_of(part)
            if k < n:
                return part, k
            k -= n
        raise IndexError(k)

    def learner(self, i: int) -> tuple[MatchModel, int]:
        return self._at(int(i), lambda p: p.n_learners)

    def mentor(self, j: int) -> tuple[MatchModel, int]:
        return self._at(int(j), lambda p: p.n_mentors)

    def project(self, p: int) -> tuple[MatchModel, int]:
        return self._at(int(p), lambda m: m.n_projects)

    # ---- per-entity facts ----------------------------------------------------------------------

    def has_wanted(self, i: int) -> bool:
        L, li = self.learner(i)
        return bool(L.want.indptr[li + 1] > L.want.indptr[li])

    def learner_facts(self, i: int) -> dict[str, bool]:
        """What learner i's profile has: wanted skills, skills, free time, fields."""
        L, li = self.learner(i)

        def has(m) -> bool:
            return bool(m.indptr[li + 1] > m.indptr[li])

        return {"wanted": has(L.want), "skills": has(L.have), "free_time": bool(L.l_packed[li].any()),
                "domains": has(L.l_dom)}

    def learners_wanting(self) -> np.ndarray:
        return np.concatenate([np.diff(p.want.indptr) > 0 for p in self.parts])

    def mentors_in_domain(self, col: int) -> np.ndarray:
        return np.concatenate([p.m_dom[:, col].toarray().ravel() > 0 for p in self.parts])

    def projects_in_domain(self, col: int) -> np.ndarray:
        return np.concatenate([p.p_dom[:, col].toarray().ravel() > 0 for p in self.parts])

    # ---- learner -> mentors --------------------------------------------------------------------

    def mentor_scores(self, i: int) -> np.ndarray:
        L, li = self.learner(i)
        return np.concatenate([M.mentor_scores_of(L, li) for M in self.parts])

    def overlap_hours(self, i: int) -> np.ndarray:
        L, li = self.learner(i)
        return np.concatenate([M.overlap_hours_of(L, li) for M in self.parts])

    def top_mentors(self, i: int, k: int = 10, exclude=(), min_score: float = 0.0,
                    mask: np.ndarray | None = None) -> Ranked:
        return _top_eligible(self.mentor_scores(i), self.m_eligible, mask, exclude, k, min_score)

    def top_mentors_all(self, k: int = 10, chunk: int = 1000, rows: np.ndarray | None = None,
                        exclude: dict[int, set[int]] | None = None, progress=None) -> tuple[np.ndarray, np.ndarray]:
        """As MatchModel.top_mentors_all. With nothing changed it is the published model's own
        (pruned) batch; otherwise every pair of the chunk is scored (exact, slower)."""
        if self.delta is None:
            return self.base.top_mentors_all(k, chunk=chunk, rows=rows, exclude=exclude, progress=progress)
        rows = np.arange(self.n_learners) if rows is None else np.asarray(rows)
        k = min(k, self.n_mentors)
        idx_out = np.full((len(rows), k), -1, dtype=np.int64)
        sc_out = np.full((len(rows), k), -np.inf, dtype=np.float32)
        if k == 0 or len(rows) == 0:
            return idx_out, sc_out
        inelig = ~self.m_eligible
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            feat, avail, need = self._dense_learners(part)
            s = np.hstack([M.mentor_scores_dense(feat, avail, need, np.empty((len(part), M.n_mentors), np.float32),
                                                 np.empty((len(part), M.n_mentors), np.float32))
                           for M in self.parts])
            MatchModel._mask(s, part, inelig, exclude)
            idx_out[start:start + len(part)], sc_out[start:start + len(part)] = _top_rows(s, k)
            if progress:
                progress(len(part))
        return idx_out, sc_out

    def _dense_learners(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        feat = np.zeros((len(rows), self.base.l_feat.shape[1]), np.float32)
        avail = np.zeros((len(rows), self.base.l_avail.shape[1]), np.float32)
        need = np.zeros((len(rows), self.base.l_need.shape[1]), self.base.l_need.dtype)
        for r, i in enumerate(rows):
            L, li = self.learner(i)
            data, cols = sparse_row(L.l_feat, li)
            feat[r, cols] = data
            avail[r] = slot_row(L.l_packed, li, avail.shape[1])
            need[r] = L.l_need[li]
        return feat, avail, need

    def reach_tiers(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The reach tier inside the scores of pairs (learner rows[k], mentor cols[k]): what to
        take off a ranked score to get the match score people see."""
        out = np.zeros(len(rows), np.float32)
        for k, (i, j) in enumerate(zip(rows, cols)):
            L, li = self.learner(i)
            M, mj = self.mentor(j)
            out[k] = explain.reach_tier(L, li, M, mj)
        return out

    def explain_mentor(self, i: int, j: int) -> explain.Explanation:
        L, li = self.learner(i)
        M, mj = self.mentor(j)
        return explain.explain_mentor(L, li, M, mj)

    # ---- mentor -> learners --------------------------------------------------------------------

    def learner_scores_for_mentor(self, j: int) -> np.ndarray:
        M, mj = self.mentor(j)
        return np.concatenate([L.learner_scores_against(M, mj) for L in self.parts])

    def top_learners_for_mentor(self, j: int, k: int = 10, eligible: np.ndarray | None = None,
                                exclude=(), min_score: float = 0.0) -> Ranked:
        return _top_masked(self.learner_scores_for_mentor(j), self.n_learners, eligible, exclude, k, min_score)

    # ---- learner -> projects -------------------------------------------------------------------

    def project_scores(self, i: int) -> np.ndarray:
        L, li = self.learner(i)
        return np.concatenate([P.project_scores_of(L, li) for P in self.parts])

    def top_projects(self, i: int, k: int = 10, exclude=(), min_score: float = 0.0,
                     mask: np.ndarray | None = None) -> Ranked:
        return _top_eligible(self.project_scores(i), self.p_eligible, mask, exclude, k, min_score)

    def learner_scores_for_project(self, p: int) -> np.ndarray:
        P, pp = self.project(p)
        return np.concatenate([L.learner_scores_for_column(P, pp) for L in self.parts])

    def top_learners_for_project(self, p: int, k: int = 10, eligible: np.ndarray | None = None,
                                 exclude=(), min_score: float = 0.0) -> Ranked:
        return _top_masked(self.learner_scores_for_project(p), self.n_learners, eligible, exclude, k, min_score)

    def explain_project(self, i: int, p: int) -> explain.Explanation:
        L, li = self.learner(i)
        P, pp = self.project(p)
        return explain.explain_project(L, li, P, pp)
