"""The pruned batch (MatchModel.top_mentors_all, matching/batch.py) against the single-learner
ranking, pair by pair, on random communities built to reach every path of the batch: the
sampled threshold, the second round, rows scored in full, too few mentors to prune."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from mentorhub.matching import batch
from mentorhub.matching.model import MatchModel
from mentorhub.matching.scoring import Learners, Mentors, Scorer

SLOTS = 336
S, D = 24, 5


def _levels(rng, n, per_row, low, high):
    rows = np.repeat(np.arange(n), per_row)
    cols = np.concatenate([rng.choice(S, k, replace=False) for k in per_row]) if n else np.array([], int)
    vals = rng.integers(low, high + 1, len(cols)).astype(np.float32)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, S))


def _windows(rng, n, empty_share):
    grid = np.zeros((n, SLOTS), bool)
    for i in range(n):
        if rng.random() < empty_share:
            continue  # no free time at all
        for _ in range(rng.integers(1, 5)):
            start, length = rng.integers(0, SLOTS), rng.integers(1, 9)  # 30 minutes to 4 hours
            grid[i, start:start + length] = True
    return grid


def random_community(seed: int, n: int, m: int):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(40)]

    def text(k):
        return " ".join(rng.choice(words, k))

    want = _levels(rng, n, rng.integers(0, 5, n), 1, 1)  # some learners want nothing
    have = _levels(rng, n, rng.integers(0, 6, n), 1, 4)
    have = have - have.multiply(want > 0) + want.multiply(rng.integers(0, 4, (n, S)))  # wanted held at 0-3
    learners = Learners(have=sp.csr_matrix(have), want=want,
                        domains=_levels(rng, n, rng.integers(0, 3, n), 1, 1)[:, :D],
                        text=[text(rng.integers(0, 8)) for _ in range(n)],
                        avail=_windows(rng, n, 0.1), stage=rng.integers(0, 5, n))
    mentors = Mentors(teach=_levels(rng, m, rng.integers(1, 8, m), 1, 4),
                      domains=_levels(rng, m, rng.integers(0, 3, m), 1, 1)[:, :D],
                      text=[text(rng.integers(0, 8)) for _ in range(m)], avail=_windows(rng, m, 0.1),
                      activity=rng.uniform(0.3, 1.0, m), eligible=rng.random(m) > 0.15)
    related = sp.random(S, S, density=0.08, random_state=seed, format="csr")
    related = ((related + related.T) > 0).astype(np.float32)
    related.setdiag(0)
    return Scorer(learners, mentors, related=related)


@pytest.fixture
def paths(monkeypatch):
    """Counts how often the second round and the full scoring run."""
    seen = {"second": 0, "full": 0}
    second, full = batch.second_round, MatchModel.mentor_scores_batch

    def counted_second(*args):
        seen["second"] += 1
        return second(*args)

    def counted_full(self, rows, *args):
        seen["full"] += len(rows)
        return full(self, rows, *args)

    monkeypatch.setattr(batch, "second_round", counted_second)
    monkeypatch.setattr(MatchModel, "mentor_scores_batch", counted_full)
    return seen


def _same_as_single(s, k, exclude, **kw):
    idx, sc = s.top_mentors_all(k, exclude=exclude, **kw)
    for i in range(s.n_learners):
        r = s.top_mentors(i, k, exclude=exclude.get(i, ()), min_score=-np.inf)
        got = idx[i][idx[i] >= 0]
        assert got.tolist() == r.index.tolist(), f"learner {i}"
        assert np.allclose(sc[i][: len(got)], r.score, atol=1e-5), f"learner {i}"
        assert (sc[i][len(got):] == -np.inf).all()
    return idx


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_pruned_batch_equals_the_single_learner_ranking(seed, paths):
    s = random_community(seed, n=150, m=500)
    rng = np.random.default_rng(seed)
    exclude = {int(i): set(rng.choice(500, 30, replace=False).tolist()) for i in rng.choice(150, 20)}
    # 500 mentors, 12 candidates: the threshold is read from a sample of the columns
    assert batch.SAMPLE_PER_CANDIDATE * 12 < 500
    _same_as_single(s, 5, exclude, chunk=40, candidates=12)
    assert paths["second"] > 0 and paths["full"] > 0  # every path was taken


def test_tight_candidates_and_no_pruning_agree(paths):
    s = random_community(7, n=80, m=60)
    for cand in (5, 6, 40, 1000):  # too few to prune, the smallest pruning, exact threshold, all
        _same_as_single(s, 5, {}, chunk=33, candidates=cand)


def test_rows_in_any_order_and_progress_counts_every_row():
    s = random_community(3, n=120, m=300)
    rows = np.random.default_rng(3).permutation(120)[:90]
    done = []
    idx, sc = s.top_mentors_all(6, chunk=25, rows=rows, candidates=10, progress=done.append)
    assert sum(done) == 90
    full, full_sc = s.top_mentors_all(6, candidates=10)
    assert (idx == full[rows]).all() and np.allclose(sc, full_sc[rows])
