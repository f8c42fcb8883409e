"""Many learners' top mentors at once: the chunked, pruned batch behind
``MatchModel.top_mentors_all``, and the dense scoring it falls back on.

A learner's score against a mentor is a linear part (one product of feature rows and mentor
columns), plus the availability term (at most ``m_avail_w * m_cap``, the mentor's own free
time's worth), plus the reach tier where the mentor can teach a wanted skill and the two share
``reach_slots``. Per chunk of learners the batch bounds every pair with two matrix products
(the linear part; "has free time in a six-hour block where the learner has some") and a few
in-place passes over reused buffers, picks the pairs whose bound clears a per-row threshold,
scores those exactly from bit-packed grids, and accepts a row when its k-th exact score is at
exceeds the threshold (nothing left out can reach it). A row that fails gets a second round
over every pair whose bound reaches its k-th exact score; the few rows still unsettled are
scored in full, a chunk of them at a time, after the others. The result equals scoring every
pair, ties by lower column; tests/matching/test_batch.py checks it against the single-learner
ranking. numpy only, duck-typed on the model (matching/model.py).
"""
from __future__ import annotations

import numpy as np

from .features import words

BLOCKS_PER_WEEK = 28  # time blocks of the reach bound: six hours each
SUB_ROWS = 64  # rows per in-place pass, so a pass's operands stay in the CPU cache
SAMPLE_PER_CANDIDATE = 8  # the threshold is read from every q-th column, q = m // (this * candidates)


def unpack_bits(word_rows: np.ndarray, n_bits: int) -> np.ndarray:
    """64-bit word rows of ``features.bit_words`` back to (n, n_bits) 0/1 float32."""
    raw = np.ascontiguousarray(word_rows).view(np.uint8)
    return np.unpackbits(raw, axis=1, count=n_bits).astype(np.float32)


def bound_arrays(model) -> dict:
    """Mentor-side arrays of the bounds, computed once per model (from its published arrays)."""
    cached = getattr(model, "_batch_arrays", None)
    if cached is None:
        S = model.n_skills
        expertT = np.ascontiguousarray(unpack_bits(model.m_expert, 2 * S).T)  # [t >= SOLID] rows, then [t = 4]
        n_slots = model.m_availT.shape[0]
        starts = np.arange(0, n_slots, max(1, n_slots // BLOCKS_PER_WEEK))
        used = np.flatnonzero(np.asarray(model.mTf).any(axis=1))  # features some mentor has
        cached = {
            "used": used,
            "mTf_used": model.mTf if len(used) == model.mTf.shape[0] else np.ascontiguousarray(model.mTf[used]),
            "expertT": expertT,
            "starts": starts,
            # mentor has free time in the block and holds some skill at solid level
            "m_blocks": np.ascontiguousarray((np.add.reduceat(model.m_availT, starts, axis=0) > 0)
                                             & model.m_expert.any(axis=1), dtype=np.float32),
            "bound_w": (model.m_avail_w * model.m_cap).astype(np.float32),
        }
        model._batch_arrays = cached
    return cached


def dense_scores(model, feat: np.ndarray, avail: np.ndarray, need: np.ndarray, out: np.ndarray,
                 tmp: np.ndarray) -> np.ndarray:
    """(n, m) exact scores of dense learner feature rows, float32 slot rows and "can teach" bit
    rows against every mentor of ``model``; ``out``/``tmp`` are reused buffers of that shape."""
    arrays = bound_arrays(model)
    np.matmul(feat, model.mTf, out=out)
    np.matmul(avail, model.m_availT, out=tmp)  # shared slots, exact small integers
    need_f = unpack_bits(need, arrays["expertT"].shape[0])
    tier = np.float32(model.reach_tier)
    for start in range(0, len(out), SUB_ROWS):
        rows = slice(start, start + SUB_ROWS)
        slots = tmp[rows].astype(np.intp)
        out[rows] += model.m_avail_w * model.curve[slots]
        teach = need_f[rows] @ arrays["expertT"] > 0  # shares a "can teach" bit
        out[rows] += tier * ((slots >= model.reach_slots) & teach)
    return out


class Buffers:
    """Three float32 (chunk, m) buffers, reused across the chunks of one batch."""

    def __init__(self, rows: int, m: int):
        self.lin, self.ub, self.tmp = (np.empty((rows, m), np.float32) for _ in range(3))
        self.above = np.zeros((rows, -(-m // 8) * 8), bool)

    def take(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.lin[:n], self.ub[:n], self.tmp[:n]


def upper_bounds(model, part: np.ndarray, bufs: Buffers, col_bound: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(linear part, upper bound) of learners ``part`` against every mentor. ``col_bound`` is the
    most availability can add per mentor (-inf for a mentor who may not be ranked)."""
    arrays = bound_arrays(model)
    n = len(part)
    lin, ub, _ = bufs.take(n)
    feat = model.l_feat[part].toarray()  # only the features some mentor has: the others add nothing
    np.matmul(feat if len(arrays["used"]) == feat.shape[1] else feat[:, arrays["used"]], arrays["mTf_used"], out=lin)
    # The tier may apply where a learner with enough free time and a wanted skill meets a mentor
    # who holds some skill at solid level and has free time in a block where the learner has
    # some: a count of such blocks, times the tier, then capped at the tier. (Whether the mentor
    # holds a *wanted* skill would need one more product as large as this one; the linear part
    # already favours those mentors, and an unsettled row is scored in full anyway.)
    avail = model.l_avail[part]
    tier = np.float32(model.reach_tier)
    may = (avail.sum(axis=1) >= model.reach_slots) & model.l_need[part].any(axis=1)
    l_blocks = np.add.reduceat(avail, arrays["starts"], axis=1) > 0
    np.matmul(l_blocks * (tier * may).astype(np.float32)[:, None], arrays["m_blocks"], out=ub)
    for start in range(0, n, SUB_ROWS):
        rows = slice(start, start + SUB_ROWS)
        u = ub[rows]
        np.minimum(u, tier, out=u)
        u += lin[rows]
        u += col_bound
    return lin, ub


def threshold(ub: np.ndarray, scratch: np.ndarray, c: int, k: int) -> np.ndarray:
    """Per row, a bound ``t`` with about ``c`` entries above it, read from a contiguous sample of
    the columns (a strided one would read every cache line); ``candidates_above`` corrects the
    rows the sample misjudges."""
    n, m = ub.shape
    q = max(1, m // (SAMPLE_PER_CANDIDATE * c))
    if q == 1:
        np.copyto(scratch, ub)
        scratch.partition(m - c - 1, axis=1)
        return scratch[:, m - c - 1].copy()
    width = m // q
    sample = scratch[:, :width]
    np.copyto(sample, ub[:, :width])
    cs = max(k, c // q)
    sample.partition(width - cs - 1, axis=1)
    return sample[:, width - cs - 1].copy()


def candidates_above(ub: np.ndarray, t: np.ndarray, c: int, above: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of the entries above each row's ``t``, in row then column order; a row with
    more than 4c gets the exact (c + 1)-th largest as its ``t`` (changed in place). ``above`` is a
    bool scratch buffer (rows, m rounded up to 8) whose padding stays False."""
    n, m = ub.shape
    above = above[:n]
    np.greater(ub, t[:, None], out=above[:, :m])
    r, cols = _set_positions(above)
    over = np.flatnonzero(np.bincount(r, minlength=n) > 4 * c)
    if len(over):
        sub = ub[over]
        sub.partition(m - c - 1, axis=1)
        t[over] = sub[:, m - c - 1]
        above[over, :m] = ub[over] > t[over, None]
        r, cols = _set_positions(above)
    return r, cols


def _set_positions(above: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of a sparse bool matrix, 8 entries at a time (its rows a multiple of 8 long)."""
    flat = above.view(np.uint64).ravel()
    hits = np.flatnonzero(flat)
    byte_r, byte_c = np.nonzero(flat[hits].view(np.uint8).reshape(-1, 8))
    pos = hits[byte_r] * 8 + byte_c
    return np.divmod(pos, above.shape[1])


def exact_scores(model, part: np.ndarray, lin: np.ndarray, r: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Exact scores of the pairs (part[r], cols), the linear part read from ``lin``."""
    shared = words(np.packbits(model.l_avail[part], axis=1))[r]
    shared &= model.m_words[cols]
    counts = np.bitwise_count(shared)
    slots = counts[:, 0].astype(np.intp)
    for w in range(1, counts.shape[1]):
        slots += counts[:, w]
    need = model.l_need[part][r]
    need &= model.m_expert[cols]
    teach = need[:, 0] != 0
    for w in range(1, need.shape[1]):
        teach |= need[:, w] != 0
    exact = lin[r, cols] + model.m_avail_w[cols] * model.curve[slots]
    exact += np.float32(model.reach_tier) * ((slots >= model.reach_slots) & teach)
    return exact


def rank_candidates(r: np.ndarray, cols: np.ndarray, exact: np.ndarray, n: int,
                    k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row the k best of its candidates (descending, ties by lower column): a padded block,
    the candidates of a row being in column order, so ties by lower position are by lower column."""
    counts = np.bincount(r, minlength=n)
    width = max(k, int(counts.max()) if n else 0)
    pos = np.arange(len(r)) - (np.cumsum(counts) - counts)[r]
    block = np.full((n, width), -np.inf, dtype=np.float32)
    block_ix = np.full((n, width), -1, dtype=np.int64)
    block[r, pos] = exact
    block_ix[r, pos] = cols
    at, sc = top_rows(block, k)
    ix = np.take_along_axis(block_ix, np.maximum(at, 0), axis=1)
    ix[at < 0] = -1
    return ix, sc


def second_round(model, part: np.ndarray, lin: np.ndarray, ub: np.ndarray, bad: np.ndarray, kth: np.ndarray,
                 k: int, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows ``bad`` of the chunk, whose k-th exact score ``kth`` fell below their threshold: score
    every pair whose bound reaches ``kth`` (the first round's candidates among them), which
    settles the row, as nothing left out can beat its new k-th score. Returns (settled, index,
    score); a row with more than ``limit`` such pairs is left unsettled (-1 / -inf)."""
    reach = ub[bad] >= kth[:, None]
    ok = np.count_nonzero(reach, axis=1) <= limit
    ix = np.full((len(bad), k), -1, dtype=np.int64)
    sc = np.full((len(bad), k), -np.inf, dtype=np.float32)
    if ok.any():
        r, cols = np.nonzero(reach[ok])
        exact = exact_scores(model, part, lin, bad[ok][r], cols)
        ix[ok], sc[ok] = rank_candidates(r, cols, exact, int(ok.sum()), k)
    return ok, ix, sc


def top_rows(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-row top-k (descending, ties by lower column); -1 / -inf where fewer are finite."""
    n, m = s.shape
    if m > k:
        thr = np.partition(s, m - k, axis=1)[:, m - k]
        r, c = np.nonzero(s >= thr[:, None])
    else:
        r, c = np.nonzero(np.ones_like(s, dtype=bool))
    v = s[r, c]
    order = np.lexsort((c, -v, r))
    r, c, v = r[order], c[order], v[order]
    starts = np.searchsorted(r, np.arange(n))
    pos = np.arange(len(r)) - starts[r]
    keep = pos < k
    idx = np.full((n, k), -1, dtype=np.int64)
    sc = np.full((n, k), -np.inf, dtype=np.float32)
    idx[r[keep], pos[keep]] = c[keep]
    sc[r[keep], pos[keep]] = v[keep]
    idx[~np.isfinite(sc)] = -1
    return idx, sc


def mask_rows(s: np.ndarray, part: np.ndarray, exclude) -> None:
    """-inf at each row's excluded columns (``exclude``: learner -> set of mentor columns)."""
    if exclude:
        for r, i in enumerate(part):
            ex = exclude.get(int(i))
            if ex:
                s[r, list(ex)] = -np.inf
