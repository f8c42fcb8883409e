"""Cohort assignment: learners to mentors under capacities, maximising the total score.

Exact on a sparse candidate graph. Each mentor with free capacity c becomes c identical
"slot" columns; each learner also gets a dummy column of its own meaning "unmatched".
A minimum-weight full matching of the learner rows (scipy's LAPJVsp,
``min_weight_full_bipartite_matching``) then maximises the total score of the real pairs:
a real edge costs ``base - score`` and a dummy edge costs ``base``, so every matching's
cost is ``n * base - total score``. Only candidate edges are stored — never a dense
learners x mentors matrix. Pure numpy/scipy; deterministic for the same input.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..lazyimport import lazy_module

# Only planning a cohort (an admin's rare action) needs it.
csgraph = lazy_module("scipy.sparse.csgraph")


@dataclass
class Assignment:
    mentor: np.ndarray  # (n,) mentor column for each learner row, -1 = unmatched
    score: np.ndarray  # (n,) score of the assigned pair, 0 when unmatched

    @property
    def total(self) -> float:
        return float(self.score[self.mentor >= 0].sum())

    def pairs(self) -> list[tuple[int, int, float]]:
        return [(int(i), int(j), float(s)) for i, (j, s) in enumerate(zip(self.mentor, self.score)) if j >= 0]


def assign(n_learners: int, capacity: np.ndarray, rows: np.ndarray, cols: np.ndarray,
           scores: np.ndarray, min_score: float = 0.0) -> Assignment:
    """Best assignment of learners 0..n-1 to mentors with ``capacity`` free places.

    (rows, cols, scores) are the candidate edges (learner, mentor, score). Edges below
    ``min_score`` and duplicate edges (the highest score is kept) are dropped; a learner
    stays unmatched when that is better than every remaining option.
    """
    capacity = np.maximum(0, np.asarray(capacity, dtype=np.int64))
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    keep = (scores >= min_score) & (scores > 0) & np.isfinite(scores) & (capacity[cols] > 0) if len(cols) else np.zeros(0, bool)
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    # deduplicate (row, col), keeping the best score; sort for determinism
    order = np.lexsort((-scores, cols, rows))
    rows, cols, scores = rows[order], cols[order], scores[order]
    if len(rows):
        first = np.ones(len(rows), bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, scores = rows[first], cols[first], scores[first]

    mentor = np.full(n_learners, -1, dtype=np.int64)
    best = np.zeros(n_learners, dtype=np.float64)
    if n_learners == 0 or not len(rows):
        return Assignment(mentor, best)

    # A mentor never needs more slots than it has candidate learners.
    used = np.unique(cols)
    degree = np.bincount(cols, minlength=len(capacity))
    slots = np.minimum(capacity[used], degree[used])
    slot_start = np.zeros(len(capacity), dtype=np.int64)
    slot_start[used] = np.concatenate([[0], np.cumsum(slots)[:-1]])
    n_slots = int(slots.sum())
    slot_count = np.zeros(len(capacity), dtype=np.int64)
    slot_count[used] = slots

    # Expand each edge to every slot of its mentor.
    reps = slot_count[cols]
    e_rows = np.repeat(rows, reps)
    e_scores = np.repeat(scores, reps)
    offsets = np.arange(len(e_rows)) - np.repeat(np.cumsum(reps) - reps, reps)
    e_cols = np.repeat(slot_start[cols], reps) + offsets

    base = float(scores.max()) + 1.0
    all_rows = np.concatenate([e_rows, np.arange(n_learners)])
    all_cols = np.concatenate([e_cols, n_slots + np.arange(n_learners)])
    all_cost = np.concatenate([base - e_scores, np.full(n_learners, base)])
    graph = sp.csr_matrix((all_cost, (all_rows, all_cols)), shape=(n_learners, n_slots + n_learners))
    row_ind, col_ind = csgraph.min_weight_full_bipartite_matching(graph)
    matched_cols = np.empty(n_learners, dtype=np.int64)
    matched_cols[row_ind] = col_ind

    slot_owner = np.repeat(used, slots)
    real = matched_cols < n_slots
    mentor[real] = slot_owner[matched_cols[real]]
    # look the score up from the (deduplicated, sorted) edge list
    key_edges = rows * (len(capacity) + 1) + cols
    key_pick = np.flatnonzero(real) * (len(capacity) + 1) + mentor[real]
    pos = np.searchsorted(key_edges, key_pick)
    best[real] = scores[pos]
    return Assignment(mentor, best)
