"""The match model: feature arrays of learners, mentors and projects, and the queries over them.

Learner features are sparse rows (n x F), so batches are matrix products; mentor and project
features are stored transposed (F x m), so a single learner's query only touches the rows of
the features it actually has. A model is built from features (matching/scoring.py fits one,
matching/overlay.py computes one for changed people) or loaded from published files
(matching/store.py, memory-mapped). Every query is written as "rows of one model against
columns of another" so a changed person scores against the published rest unchanged.
numpy and scipy only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import batch, explain
from .features import (
    Weights,
    availability_curve,
    dense_row,
    growth_columns,
    growth_tier,
    reach_slots,
    reach_tier,
    sparse_row,
    words,
)

# The arrays a model consists of; matching/store.py writes and maps exactly these.
LEARNER_ARRAYS = ("have", "want", "l_dom", "l_skill", "l_dom_norm", "l_text", "l_feat", "l_avail", "l_packed",
                  "l_need", "l_stage", "lp_feat")
MENTOR_ARRAYS = ("teach", "m_dom", "m_text", "m_rows", "m_availT", "m_activity", "m_factor", "m_eligible", "mTf",
                 "m_avail_w", "m_packed", "m_words", "m_expert", "m_cap", "skill_related")
PROJECT_ARRAYS = ("p_required", "p_teaches", "p_dom", "p_seat_score", "pT", "p_eligible", "p_difficulty")
ARRAYS = LEARNER_ARRAYS + MENTOR_ARRAYS + PROJECT_ARRAYS


@dataclass
class Ranked:
    index: np.ndarray
    score: np.ndarray


class MatchModel:
    """Arrays named in ARRAYS plus the weights; see the module docstring."""

    w: Weights
    slot_hours: float

    @classmethod
    def from_arrays(cls, arrays: dict, weights: Weights, slot_hours: float) -> MatchModel:
        model = cls.__new__(cls)
        model._set(arrays, weights, slot_hours)
        return model

    def _set(self, arrays: dict, weights: Weights, slot_hours: float) -> None:
        self.w = weights
        self.slot_hours = slot_hours
        for name in ARRAYS:
            setattr(self, name, arrays[name])
        self.n_learners = self.have.shape[0]
        self.n_mentors = self.teach.shape[0]
        self.n_projects = self.p_required.shape[0]
        self.n_skills = self.have.shape[1]
        self.curve = availability_curve(self.l_avail.shape[1], slot_hours, weights)  # score by shared slots
        self.reach_slots = reach_slots(slot_hours, weights)
        self.growth = growth_columns(self.n_skills)
        self.reach_tier, self.growth_tier = reach_tier(weights), growth_tier(weights)

    def arrays(self) -> dict:
        return {name: getattr(self, name) for name in ARRAYS}

    # ---- rows of one model against columns of another --------------------------------------

    def mentor_scores_of(self, L: MatchModel, i: int) -> np.ndarray:
        """Learner i of ``L`` against every mentor of this model (filters not applied)."""
        data, cols = sparse_row(L.l_feat, i)
        total = _vecmat(data, self.mTf[cols]) if len(data) else np.zeros(self.n_mentors, np.float32)
        packed = L.l_packed[i]
        if packed.any():  # shared slots from the bit-packed grids (exact counts)
            slots = self.shared_slots(packed).astype(np.int64)
            total = total + self.m_avail_w * self.curve[slots]
            total += self.reach_tier * ((slots >= self.reach_slots) & self.can_teach(L.l_need[i]))
        return np.asarray(total, dtype=np.float32)

    def can_teach(self, need: np.ndarray) -> np.ndarray:
        """Per mentor of this model: teaches one learner's wanted skill (``need`` bits) at solid or above."""
        return _any_shared(self.m_expert, need[None, :])

    def overlap_hours_of(self, L: MatchModel, i: int) -> np.ndarray:
        """Weekly overlap hours of learner i of ``L`` with every mentor of this model."""
        packed = L.l_packed[i]
        if not packed.any():
            return np.zeros(self.n_mentors, np.float32)
        return self.shared_slots(packed) * self.slot_hours

    def shared_slots(self, packed: np.ndarray) -> np.ndarray:
        """Slots one bit-packed grid row shares with every mentor of this model."""
        return np.bitwise_count(self.m_words & words(packed)[0]).sum(axis=1, dtype=np.float32)

    def mentor_scores_dense(self, feat: np.ndarray, avail: np.ndarray, need: np.ndarray, out: np.ndarray,
                            tmp: np.ndarray) -> np.ndarray:
        """(n, m) scores of dense learner feature rows, float32 slot rows and "can teach" bit rows;
        ``out``/``tmp`` reused."""
        return batch.dense_scores(self, feat, avail, need, out, tmp)

    def learner_scores_against(self, M: MatchModel, j: int) -> np.ndarray:
        """Every learner of this model against mentor j of ``M``."""
        lin = self.l_feat @ dense_row(M.m_rows, j)
        slots = _POPCOUNT[self.l_packed & M.m_packed[j]].sum(axis=1, dtype=np.int64)
        lin = (np.asarray(lin).ravel() + self.w.availability * self.curve[slots]) * M.m_factor[j]
        teach = _any_shared(self.l_need, M.m_expert[j][None, :])
        return (lin + self.reach_tier * ((slots >= self.reach_slots) & teach)).astype(np.float32)

    def project_scores_of(self, L: MatchModel, i: int) -> np.ndarray:
        """Learner i of ``L`` against every project of this model."""
        data, cols = sparse_row(L.lp_feat, i)
        if not len(data):
            return np.zeros(self.n_projects, np.float32)
        total = np.asarray(self.pT[cols].T @ data, dtype=np.float32).ravel()
        g = (cols >= self.growth.start) & (cols < self.growth.stop)
        if g.any():  # growth first: an idea teaching a wanted skill outranks every one that does not
            total += self.growth_tier * (np.asarray(self.pT[cols[g]].T @ data[g]).ravel() > 0)
        return total

    def learner_scores_for_column(self, P: MatchModel, p: int) -> np.ndarray:
        """Every learner of this model against project p of ``P``."""
        total = np.asarray((self.lp_feat @ P.pT[:, [p]]).toarray(), dtype=np.float32).ravel()
        grows = np.asarray((self.lp_feat[:, self.growth] @ P.pT[self.growth, [p]]).toarray()).ravel() > 0
        return total + self.growth_tier * grows

    # ---- learner -> mentors ------------------------------------------------------------------

    def mentor_scores(self, i: int) -> np.ndarray:
        """Total score of learner i against every mentor (filters not applied)."""
        return self.mentor_scores_of(self, i)

    def mentor_scores_batch(self, rows: np.ndarray, out: np.ndarray | None = None,
                            tmp: np.ndarray | None = None) -> np.ndarray:
        """(len(rows), m) total scores for a chunk of learners (filters not applied).

        ``out`` and ``tmp`` are optional float32 buffers of that shape, reused across
        chunks so a long batch does not keep allocating (and page-faulting) fresh memory.
        """
        shape = (len(rows), self.n_mentors)
        out = np.empty(shape, np.float32) if out is None else out[: len(rows)]
        tmp = np.empty(shape, np.float32) if tmp is None else tmp[: len(rows)]
        return self.mentor_scores_dense(self.l_feat[rows].toarray(), self.l_avail[rows].astype(np.float32),
                                        self.l_need[rows], out, tmp)

    def overlap_hours(self, i: int) -> np.ndarray:
        """Weekly overlap hours of learner i with every mentor."""
        return self.overlap_hours_of(self, i)

    def top_mentors(self, i: int, k: int = 10, exclude=(), min_score: float = 0.0,
                    mask: np.ndarray | None = None) -> Ranked:
        """Top-k eligible mentors; ``mask`` (bool per mentor) narrows further (filters)."""
        return _top_eligible(self.mentor_scores(i), self.m_eligible, mask, exclude, k, min_score)

    def top_mentors_all(self, k: int = 10, chunk: int = 1000, rows: np.ndarray | None = None,
                        exclude: dict[int, set[int]] | None = None, progress=None,
                        candidates: int = 300) -> tuple[np.ndarray, np.ndarray]:
        """Top-k eligible mentors for many learners, in chunks so memory stays bounded.

        Returns (index, score) arrays of shape (len(rows), k); index -1 where fewer exist.
        Exact, with pruning (matching/batch.py): per learner about ``candidates`` mentors with the
        best upper bound are scored exactly; a row whose k-th exact score does not beat every
        bound left out gets a second round, or is scored in full. Same result as scoring every
        pair, ties by lower index (up to float rounding, as the single-learner ranking).
        """
        rows = np.arange(self.n_learners) if rows is None else np.asarray(rows)
        k = min(k, self.n_mentors)
        idx_out = np.full((len(rows), k), -1, dtype=np.int64)
        sc_out = np.full((len(rows), k), -np.inf, dtype=np.float32)
        if k == 0 or len(rows) == 0:
            return idx_out, sc_out
        inelig = ~self.m_eligible
        c = min(candidates, self.n_mentors - 1)
        bufs = batch.Buffers(min(chunk, len(rows)), self.n_mentors)
        col_bound = np.where(self.m_eligible, batch.bound_arrays(self)["bound_w"], -np.inf).astype(np.float32)
        later = []  # positions in ``rows`` of learners the bounds could not settle
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            n = len(part)
            if c < k:  # too few mentors to prune: score everything
                later.append(np.arange(start, start + n))
                continue
            lin, ub = batch.upper_bounds(self, part, bufs, col_bound)
            batch.mask_rows(ub, part, exclude)
            t = batch.threshold(ub, bufs.tmp[:n], c, k)
            r, cols = batch.candidates_above(ub, t, c, bufs.above)
            ix, sc = batch.rank_candidates(r, cols, batch.exact_scores(self, part, lin, r, cols), n, k)
            bad = np.flatnonzero(~(sc[:, k - 1] > t) & np.isfinite(t))  # strictly: a tie may be left out
            if len(bad):  # a second round: every pair whose bound reaches the k-th exact score
                ok, ix[bad], sc[bad] = batch.second_round(self, part, lin, ub, bad, sc[bad, k - 1], k, 20 * c)
                bad = bad[~ok]
            idx_out[start:start + n] = ix
            sc_out[start:start + n] = sc
            later.append(start + bad)
            if progress:
                progress(n - len(bad))
        later = np.concatenate(later)
        for start in range(0, len(later), chunk):  # scored in full, a whole chunk at a time
            at = later[start:start + chunk]
            s = self.mentor_scores_batch(rows[at], bufs.lin, bufs.tmp)
            self._mask(s, rows[at], inelig, exclude)
            idx_out[at], sc_out[at] = _top_rows(s, k)
            if progress:
                progress(len(at))
        return idx_out, sc_out

    @staticmethod
    def _mask(s: np.ndarray, part: np.ndarray, inelig: np.ndarray, exclude) -> None:
        s[:, inelig] = -np.inf
        batch.mask_rows(s, part, exclude)

    def mentor_components(self, i: int, j: int) -> dict[str, float]:
        return explain.mentor_components(self, i, self, j)

    def explain_mentor(self, i: int, j: int) -> explain.Explanation:
        return explain.explain_mentor(self, i, self, j)

    # ---- mentor -> learners ------------------------------------------------------------------

    def learner_scores_for_mentor(self, j: int) -> np.ndarray:
        return self.learner_scores_against(self, j)

    def top_learners_for_mentor(self, j: int, k: int = 10, eligible: np.ndarray | None = None,
                                exclude=(), min_score: float = 0.0) -> Ranked:
        return _top_masked(self.learner_scores_for_mentor(j), self.n_learners, eligible, exclude, k, min_score)

    # ---- learner -> projects -----------------------------------------------------------------

    def project_scores(self, i: int) -> np.ndarray:
        return self.project_scores_of(self, i)

    def top_projects(self, i: int, k: int = 10, exclude=(), min_score: float = 0.0,
                     mask: np.ndarray | None = None) -> Ranked:
        return _top_eligible(self.project_scores(i), self.p_eligible, mask, exclude, k, min_score)

    def learner_scores_for_project(self, p: int) -> np.ndarray:
        return self.learner_scores_for_column(self, p)

    def top_learners_for_project(self, p: int, k: int = 10, eligible: np.ndarray | None = None,
                                 exclude=(), min_score: float = 0.0) -> Ranked:
        return _top_masked(self.learner_scores_for_project(p), self.n_learners, eligible, exclude, k, min_score)

    def project_components(self, i: int, p: int) -> dict[str, float]:
        return explain.project_components(self, i, self, p)

    def explain_project(self, i: int, p: int) -> explain.Explanation:
        return explain.explain_project(self, i, self, p)


def _top_eligible(scores: np.ndarray, eligible: np.ndarray, mask, exclude, k: int, min_score: float) -> Ranked:
    """Top-k among the eligible, narrowed by ``mask`` (filters, bool per column) and ``exclude`` (columns)."""
    return _top_masked(scores, len(scores), eligible if mask is None else (eligible & mask), exclude, k, min_score)


def _top_masked(scores: np.ndarray, n: int, eligible, exclude, k: int, min_score: float) -> Ranked:
    mask = np.ones(n, bool) if eligible is None else np.asarray(eligible, bool).copy()
    if exclude:
        mask[np.fromiter(exclude, dtype=int)] = False
    return _top(scores, mask, k, min_score)


def _vecmat(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """v @ m without BLAS: a single learner's query is tiny, and a multi-threaded BLAS call
    on a busy machine costs far more in thread hand-offs than the arithmetic."""
    return np.einsum("i,ij->j", v, m)


def _any_shared(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether bit rows share a bit: ``a`` and ``b`` broadcast over all but the last axis (64-bit
    words). A word at a time, as numpy's any() over a short last axis is slow."""
    acc = np.zeros(np.broadcast_shapes(a.shape[:-1], b.shape[:-1]), np.uint64)
    for w in range(a.shape[-1]):
        acc |= a[..., w] & b[..., w]
    return acc != 0


_POPCOUNT = np.array([bin(v).count("1") for v in range(256)], dtype=np.uint8)


def _top(scores: np.ndarray, mask: np.ndarray, k: int, min_score: float) -> Ranked:
    """Top-k of scores where mask, at least min_score; ties broken by lower index."""
    cand = np.flatnonzero(mask & (scores >= min_score))
    if len(cand) > k:
        part = np.argpartition(-scores[cand], k - 1)[:k]
        kth = scores[cand[part]].min()
        cand = cand[scores[cand] >= kth]
    order = np.lexsort((cand, -scores[cand]))[:k]
    cand = cand[order]
    return Ranked(index=cand, score=scores[cand])


_top_rows = batch.top_rows  # matching/overlay.py and matching/scoring.py read it from here


def candidate_edges(idx: np.ndarray, score: np.ndarray, min_score: float,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, mentor, score) of the top-k candidates that clear min_score."""
    n, k = idx.shape
    keep = (idx >= 0) & np.isfinite(score) & (score >= min_score)
    rows = np.repeat(np.arange(n), k)[keep.ravel()]
    return rows, idx.ravel()[keep.ravel()], score.ravel()[keep.ravel()]

