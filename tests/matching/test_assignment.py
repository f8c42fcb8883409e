"""Cohort assignment: exact optimum, capacities, threshold, determinism."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from mentorhub.matching.assignment import assign


def random_instance(rng, n, m, k):
    rows, cols = [], []
    for i in range(n):
        c = rng.choice(m, min(k, m), replace=False)
        rows += [i] * len(c)
        cols += c.tolist()
    scores = rng.random(len(rows)).round(3) + 0.01
    return np.array(rows), np.array(cols), scores, rng.integers(0, 4, m)


def lsa_optimum(n, cap, rows, cols, scores, min_score):
    """Dense reference: expanded slots plus one dummy per learner, via linear_sum_assignment."""
    slots = [j for j in range(len(cap)) for _ in range(cap[j])]
    big = 1e6
    cost = np.full((n, len(slots) + n), big)
    for r, c, s in zip(rows, cols, scores):
        if s >= min_score:
            for q, j in enumerate(slots):
                if j == c:
                    cost[r, q] = min(cost[r, q], -s)
    for i in range(n):
        cost[i, len(slots) + i] = 0
    r, c = linear_sum_assignment(cost)
    return -cost[r, c].sum()


def brute_force(n, cap, rows, cols, scores, min_score):
    options = {i: [(-1, 0.0)] for i in range(n)}
    for r, c, s in zip(rows, cols, scores):
        if s >= min_score:
            options[r].append((c, s))
    best = 0.0
    for combo in itertools.product(*(options[i] for i in range(n))):
        load = np.bincount([c for c, _ in combo if c >= 0], minlength=len(cap))
        if (load <= cap).all():
            best = max(best, sum(s for _, s in combo))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_optimal_against_linear_sum_assignment(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 25)), int(rng.integers(2, 10))
    rows, cols, scores, cap = random_instance(rng, n, m, 4)
    result = assign(n, cap, rows, cols, scores, min_score=0.2)
    assert np.isclose(result.total, lsa_optimum(n, cap, rows, cols, scores, 0.2))
    load = np.bincount(result.mentor[result.mentor >= 0], minlength=m)
    assert (load <= cap).all()


@pytest.mark.parametrize("seed", range(8))
def test_optimal_against_brute_force(seed):
    rng = np.random.default_rng(100 + seed)
    n, m = 5, 3
    rows, cols, scores, cap = random_instance(rng, n, m, 2)
    result = assign(n, cap, rows, cols, scores, min_score=0.3)
    assert np.isclose(result.total, brute_force(n, cap, rows, cols, scores, 0.3))
    for i, j, s in result.pairs():
        assert s >= 0.3
        assert any(r == i and c == j and np.isclose(sc, s) for r, c, sc in zip(rows, cols, scores))


def test_capacity_beats_greedy_and_is_never_exceeded():
    # greedy would give mentor 0 to learner 0 (0.9) and leave learner 1 with nothing
    rows = np.array([0, 0, 1])
    cols = np.array([0, 1, 0])
    scores = np.array([0.9, 0.8, 0.85])
    result = assign(2, np.array([1, 1]), rows, cols, scores)
    assert result.mentor.tolist() == [1, 0]
    assert np.isclose(result.total, 1.65)


def test_unmatched_below_threshold_and_zero_capacity():
    rows = np.array([0, 1, 2, 2])
    cols = np.array([0, 0, 1, 0])
    scores = np.array([0.9, 0.1, 0.8, 0.7])
    result = assign(3, np.array([2, 0]), rows, cols, scores, min_score=0.3)
    assert result.mentor.tolist() == [0, -1, 0]
    assert result.score[1] == 0


def test_deterministic_for_same_input():
    rng = np.random.default_rng(5)
    rows, cols, scores, cap = random_instance(rng, 60, 12, 5)
    scores = np.round(scores, 1)  # many ties
    a = assign(60, cap, rows, cols, scores)
    b = assign(60, cap, rows, cols, scores)
    assert a.mentor.tolist() == b.mentor.tolist()


def test_empty_inputs():
    assert assign(0, np.array([1]), [], [], []).total == 0
    r = assign(3, np.array([1]), np.array([], int), np.array([], int), np.array([]))
    assert r.mentor.tolist() == [-1, -1, -1]
