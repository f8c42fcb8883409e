"""Matching features: the inputs per learner, mentor and project, and the helpers that turn
them into feature rows. Every row depends only on its own entity and on the fitted text model
(matching/text.py), so the rows of a changed person or project can be recomputed alone
(matching/overlay.py). numpy, scipy and scikit-learn only (no Flask, no ORM).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

LEVELS = 4
# How well a project of each difficulty suits a learner at each roadmap stage, by name. The
# roadmap (seed/roadmap.yaml) names the stages and difficulties; every one needs an entry here,
# checked by ``fit_positions`` when they are read, so a new stage fails loudly instead of
# scoring like another one.
DIFFICULTY_FIT_BY_NAME = {
    "foundations": {"beginner": 1.0, "intermediate": 0.7, "advanced": 0.0},
    "core-ml": {"beginner": 0.8, "intermediate": 0.8, "advanced": 0.2},
    "projects": {"beginner": 0.6, "intermediate": 1.0, "advanced": 0.3},
    "deployment": {"beginner": 0.2, "intermediate": 0.8, "advanced": 1.0},
    "specialization": {"beginner": 0.1, "intermediate": 0.6, "advanced": 1.0},
}
# The rows (stages) and columns (difficulties) of DIFFICULTY_FIT: positions inside the model only.
STAGES = tuple(DIFFICULTY_FIT_BY_NAME)
DIFFICULTIES = tuple(DIFFICULTY_FIT_BY_NAME[STAGES[0]])
DIFFICULTY_FIT = np.array([[DIFFICULTY_FIT_BY_NAME[s][d] for d in DIFFICULTIES] for s in STAGES],
                          dtype=np.float32)
# Difficulties beyond a stage: a gate, not a penalty (such an idea scores below zero, so it is
# never suggested to a learner at that stage, nor that learner to it).
BEYOND_BY_NAME = {"foundations": {"advanced"}, "core-ml": {"advanced"}}
BEYOND = np.array([[d in BEYOND_BY_NAME.get(s, ()) for d in DIFFICULTIES] for s in STAGES], dtype=np.float32)


def fit_positions(stages, difficulties) -> tuple[dict[str, int], dict[str, int]]:
    """(stage slug -> row, difficulty slug -> column) of DIFFICULTY_FIT for the roadmap's names.
    Raises ValueError naming any stage or difficulty the fit table does not know."""
    unknown = [s for s in stages if s not in STAGES] + [d for d in difficulties if d not in DIFFICULTIES]
    if unknown:
        raise ValueError(f"No difficulty fit for {', '.join(map(repr, unknown))} from seed/roadmap.yaml: "
                         "add it to DIFFICULTY_FIT_BY_NAME in matching/features.py.")
    return {s: STAGES.index(s) for s in stages}, {d: DIFFICULTIES.index(d) for d in difficulties}


COVERAGE_SHARE = 0.6
SOLID = 3  # "can teach" needs at least this level, and more than the learner has
# Ranking tiers added to the weighted sum; each is at least the largest weighted sum the weights
# allow (1 with the defaults), so a tier always wins whatever the weights (see ``reach_tier``).
MENTOR_COMPONENTS = ("skills", "domains", "text", "availability")
PROJECT_COMPONENTS = ("readiness", "growth", "domains", "difficulty", "seats")


@dataclass(frozen=True)
class Weights:
    skills: float = 0.40
    domains: float = 0.15
    text: float = 0.20
    availability: float = 0.25
    activity: float = 0.5
    overlap_scale_hours: float = 2.0  # availability = 1 - exp(-hours / scale): 1 h 0.39, 4 h 0.86, 8 h 0.98
    reach_hours: float = 1.0  # shared hours a week that make a teaching mentor "reachable"
    related_credit: float = 0.5  # share of a wanted skill's coverage given for a related skill
    readiness: float = 0.35
    growth: float = 0.35
    project_domains: float = 0.15
    difficulty: float = 0.10
    seats: float = 0.05
    seats_target: int = 3
    text_dims: int = 64
    text_max_features: int = 20000


@dataclass
class Learners:
    have: sp.spmatrix  # (n, S) levels 0..4
    want: sp.spmatrix  # (n, S) 0/1
    domains: sp.spmatrix  # (n, D) 0/1
    text: list[str]
    avail: np.ndarray  # (n, T) bool, UTC slots of one week
    stage: np.ndarray | None = None  # (n,) index into STAGES


@dataclass
class Mentors:
    teach: sp.spmatrix  # (m, S) levels 0..4
    domains: sp.spmatrix  # (m, D)
    text: list[str]
    avail: np.ndarray  # (m, T) bool
    activity: np.ndarray | None = None  # (m,) 0..1, 1 = responsive and recently active
    eligible: np.ndarray | None = None  # (m,) bool: accepting, free capacity, not suspended


@dataclass
class Projects:
    required: sp.spmatrix  # (p, S) minimum levels 0..4
    teaches: sp.spmatrix  # (p, S) 0/1
    domains: sp.spmatrix  # (p, D)
    difficulty: np.ndarray  # (p,) index into DIFFICULTIES
    free_seats: np.ndarray  # (p,)
    eligible: np.ndarray | None = None  # (p,) bool: open with a free seat


# ---- helpers ---------------------------------------------------------------------------------


def sparse_row(m: sp.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """(values, columns) of row i read straight from the CSR arrays: no scipy indexing, which
    would scan (and page in) a whole memory-mapped matrix the first time."""
    start, end = int(m.indptr[i]), int(m.indptr[i + 1])
    return m.data[start:end], m.indices[start:end]


def dense_row(m: sp.csr_matrix | np.ndarray, i: int) -> np.ndarray:
    """Row i as a dense float32 vector, from a dense array or a CSR matrix (zeros, then its values
    scattered in, read through sparse_row): the same numbers either way."""
    if not sp.issparse(m):
        return np.asarray(m[i], dtype=np.float32)
    data, cols = sparse_row(m, i)
    out = np.zeros(m.shape[1], np.float32)
    out[cols] = data
    return out


def compact_rows(dense: np.ndarray) -> sp.csr_matrix | np.ndarray:
    """Rows read one at a time (through dense_row), kept in the smaller form: canonical CSR
    (sorted, no duplicates, no stored zeros) when at most half the values are non-zero, as
    short texts give, else the dense float32 array (a CSR value costs a column number too, so
    the dense vectors of an SVD would double)."""
    dense = np.asarray(dense, dtype=np.float32)
    if np.count_nonzero(dense) * 2 > dense.size:
        return np.ascontiguousarray(dense)
    m = sp.csr_matrix(dense)
    m.sum_duplicates()
    return m


def words(packed: np.ndarray) -> np.ndarray:
    """Bit-packed grid rows (n, bytes) as 64-bit words (n, ceil(bytes / 8)), zero-padded, so a
    row's shared slots with every other row are one AND and one bit count per word."""
    packed = np.atleast_2d(packed)
    out = np.zeros((packed.shape[0], -(-packed.shape[1] // 8) * 8), np.uint8)
    out[:, : packed.shape[1]] = packed
    return out.view("<u8")


def slot_row(packed: np.ndarray, i: int, n_slots: int) -> np.ndarray:
    """Row i of a bit-packed slot grid as booleans."""
    return np.unpackbits(packed[i], count=n_slots).astype(bool)


def _csr(x, shape=None) -> sp.csr_matrix:
    m = sp.csr_matrix(x, dtype=np.float32) if not sp.issparse(x) else x.tocsr().astype(np.float32)
    if shape is not None and m.shape != shape:
        raise ValueError(f"expected shape {shape}, got {m.shape}")
    return m


def _row_scale(m: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    return sp.diags(np.asarray(factors, dtype=np.float32)) @ m


def _safe_inv(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x > 0)
    return out


def reach_tier(w: Weights) -> float:
    """Added for a mentor who can teach a wanted skill and shares >= reach_hours of free time."""
    return max(1.0, w.skills + w.domains + w.text + w.availability)


def growth_tier(w: Weights) -> float:
    """Added for an idea that teaches at least one wanted skill."""
    return max(1.0, w.readiness + w.growth + w.project_domains + w.difficulty + w.seats)


def gate(w: Weights) -> float:
    """Subtracted for an idea beyond the learner's stage: below zero, so never suggested."""
    return 1.0 + 2.0 * growth_tier(w)


def availability_curve(n_slots: int, slot_hours: float, w: Weights) -> np.ndarray:
    """Availability score by number of shared slots (0..n_slots): 1 - exp(-hours / scale).
    Every hour counts, the first most, and no plateau lets more hours outweigh skills."""
    hours = np.arange(n_slots + 1, dtype=np.float64) * slot_hours
    return (1.0 - np.exp(-hours / max(w.overlap_scale_hours, 1e-6))).astype(np.float32)


def reach_slots(slot_hours: float, w: Weights) -> int:
    """Shared slots that make ``w.reach_hours``."""
    return max(1, int(np.ceil(w.reach_hours / slot_hours - 1e-9)))


def bit_words(flags: np.ndarray) -> np.ndarray:
    """Boolean rows (n, k) as 64-bit words (n, ceil(k / 64)): "any shared bit" is one AND per word."""
    return words(np.packbits(np.atleast_2d(flags), axis=1))


def _threshold_blocks(levels: sp.csr_matrix, test) -> sp.csr_matrix:
    """hstack over k=1..4 of test(levels, k) as 0/1 (only stored entries are considered)."""
    blocks = []
    for k in range(1, LEVELS + 1):
        b = levels.copy()
        b.data = test(b.data, k).astype(np.float32)
        b.eliminate_zeros()
        blocks.append(b)
    return sp.hstack(blocks, format="csr")


def _wanted_levels(want: sp.csr_matrix, have: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, learner level) for every wanted skill, vectorised."""
    want = want.tocsr().copy()
    want.data = np.ones_like(want.data)
    want.sort_indices()
    coo = want.tocoo()
    # have level at (row, col): elementwise multiply keeps want's pattern subset; add a
    # tiny marker so zeros survive, then read back aligned to want's pattern.
    marked = want + want.multiply(have.tocsr()).tocsr() * 1.0
    marked.sort_indices()
    mc = marked.tocoo()
    order_w = np.lexsort((coo.col, coo.row))
    order_m = np.lexsort((mc.col, mc.row))
    lvl = (mc.data[order_m] - 1.0).astype(np.float32)
    return coo.row[order_w], coo.col[order_w], lvl




# ---- feature rows, one side at a time ---------------------------------------------------------
# Every array below has one row (or, for the transposed mentor and project matrices, one
# column) per entity, computed from that entity alone and the text vectors.


def learner_features(learners: Learners, w: Weights, l_text: np.ndarray) -> dict:
    """Learner rows: weights are folded in here, so a mentor or project side needs none."""
    have = _csr(learners.have)
    want = _csr(learners.want)
    want.data = (want.data > 0).astype(np.float32)
    want.eliminate_zeros()
    n, S = have.shape
    l_dom = _csr(learners.domains)
    n_want = np.asarray(want.sum(axis=1)).ravel()
    rows, cols, lvl = _wanted_levels(want, have)
    depth_den = np.zeros(n, dtype=np.float32)
    np.add.at(depth_den, rows, LEVELS - lvl)
    inv_want = _safe_inv(n_want)
    inv_depth = _safe_inv(depth_den)
    cov = (COVERAGE_SHARE * inv_want[rows]).astype(np.float32)
    # blocks k = 1..4 against the mentor's [t >= k]: depth [h < k] * (1 - share) / depth_den, plus
    # coverage [k = max(h + 1, SOLID)] * share / |want| (held at solid level and above the learner)
    blocks = [sp.csr_matrix(((1 - COVERAGE_SHARE) * (lvl < k) * inv_depth[rows]
                             + cov * (np.maximum(lvl + 1, SOLID) == k), (rows, cols)), shape=(n, S))
              for k in range(1, LEVELS + 1)]
    # related: a wanted skill below solid, against the mentor's "knows a related skill well"
    # column; worth related_credit of a wanted skill's whole share (1 / |want|)
    blocks.append(sp.csr_matrix((w.related_credit * inv_want[rows] * (lvl < SOLID), (rows, cols)), shape=(n, S)))
    l_skill = sp.hstack(blocks, format="csr").astype(np.float32)
    l_skill.eliminate_zeros()
    # "can teach" bits: wanted below solid needs t >= SOLID (first S bits), at solid needs t = 4 (next S)
    need = np.zeros((n, 2 * S), bool)
    need[rows[lvl < SOLID], cols[lvl < SOLID]] = True
    need[rows[lvl == SOLID], S + cols[lvl == SOLID]] = True
    l_dom_norm = _row_scale(l_dom, _safe_inv(np.asarray(l_dom.sum(axis=1)).ravel())).tocsr()
    l_text = np.asarray(l_text, dtype=np.float32).reshape(n, w.text_dims)
    # Learner features: [skills | domains | text]; weights folded into the learner side.
    l_feat = sp.hstack([l_skill * w.skills, l_dom_norm * w.domains, sp.csr_matrix(l_text * w.text)],
                       format="csr").astype(np.float32)
    l_avail = np.asarray(learners.avail, dtype=bool)
    # learner -> project features
    l_ready = _threshold_blocks(have, lambda v, k: v >= k)
    l_growth = _row_scale(want, _safe_inv(n_want)).tocsr()
    stage = learners.stage if learners.stage is not None else np.zeros(n, int)
    l_stage = np.asarray(stage, dtype=np.int64)
    const = np.ones((n, 1), np.float32)
    lp_feat = sp.hstack([
        l_ready * w.readiness, sp.csr_matrix(const * w.readiness),
        l_growth * w.growth, l_dom_norm * w.project_domains,
        sp.csr_matrix(DIFFICULTY_FIT[l_stage] * w.difficulty), sp.csr_matrix(const * w.seats),
        sp.csr_matrix(BEYOND[l_stage] * -gate(w)),
    ], format="csr").astype(np.float32)
    return {"have": have, "want": want, "l_dom": l_dom, "l_skill": l_skill, "l_dom_norm": l_dom_norm,
            # (n, dims), read one learner at a time: CSR when mostly zeros (compact_rows)
            "l_text": compact_rows(l_text), "l_feat": l_feat, "l_avail": l_avail, "l_need": bit_words(need),
            "l_packed": np.packbits(l_avail, axis=1), "l_stage": l_stage, "lp_feat": lp_feat}


def growth_columns(n_skills: int) -> slice:
    """The columns of ``lp_feat`` (and rows of ``pT``) that hold growth (wanted skills taught)."""
    start = LEVELS * n_skills + 1
    return slice(start, start + n_skills)


def no_relations(n_skills: int) -> sp.csr_matrix:
    return sp.csr_matrix((n_skills, n_skills), dtype=np.float32)


def mentor_features(mentors: Mentors, w: Weights, m_text: np.ndarray, slot_hours: float,
                    related: sp.spmatrix | None = None) -> dict:
    """Mentor columns (features x mentors) with the activity factor folded in (``mTf``), and the
    same features one row per mentor (``m_rows``, compact_rows) for single-mentor reads. ``related`` is the
    taxonomy's skill relations (S x S, 0/1, symmetric)."""
    teach = _csr(mentors.teach)
    m, S = teach.shape
    related = no_relations(S) if related is None else _csr(related, (S, S))
    m_dom = _csr(mentors.domains)
    depth = _threshold_blocks(teach, lambda v, k: v >= k)  # [t >= k], k = 1..4
    solid = depth[:, (SOLID - 1) * S:]  # [t >= k] for k = SOLID..4: what coverage reads
    expert = teach.copy()
    expert.data = (expert.data >= SOLID).astype(np.float32)
    expert.eliminate_zeros()
    m_related = ((expert @ related) > 0).astype(np.float32) - expert.multiply((expert @ related) > 0)
    m_related = sp.csr_matrix(m_related, dtype=np.float32)
    m_related.eliminate_zeros()
    m_skill = sp.hstack([depth, m_related], format="csr")
    m_text = np.asarray(m_text, dtype=np.float32).reshape(m, w.text_dims)
    m_feat = sp.hstack([m_skill, m_dom, sp.csr_matrix(m_text)], format="csr")
    m_dense = np.ascontiguousarray(m_feat.toarray(), dtype=np.float32)  # (m, F)
    avail = np.asarray(mentors.avail, dtype=bool)
    m_availT = np.ascontiguousarray(avail.astype(np.float32).T)  # (T, m)
    act = mentors.activity if mentors.activity is not None else np.ones(m)
    m_activity = np.clip(np.asarray(act, dtype=np.float32), 0, 1)
    m_factor = (1 - w.activity * (1 - m_activity)).astype(np.float32)
    elig = mentors.eligible if mentors.eligible is not None else np.ones(m, bool)
    curve = availability_curve(avail.shape[1], slot_hours, w)
    return {
        # m_rows (m, F) and m_text (m, dims): one mentor per row, read one at a time (dense_row),
        # kept in their smaller form; queries read the text through m_rows' last columns
        "teach": teach, "m_dom": m_dom, "m_text": compact_rows(m_text), "m_rows": compact_rows(m_dense),
        "m_availT": m_availT,
        "m_activity": m_activity, "m_factor": m_factor, "m_eligible": np.asarray(elig, dtype=bool),
        # one product gives the linear part times the activity factor
        "mTf": np.ascontiguousarray(m_dense.T * m_factor[None, :]),  # (F, m)
        "m_avail_w": (w.availability * m_factor).astype(np.float32),  # availability weight per mentor
        "m_packed": np.packbits(avail, axis=1),
        "m_words": words(np.packbits(avail, axis=1)),
        "m_expert": bit_words(np.hstack([solid[:, :S].toarray() > 0, solid[:, -S:].toarray() > 0])),
        "m_cap": curve[avail.sum(axis=1)],  # the most availability can score, per mentor
        "skill_related": related,
    }


def project_features(projects: Projects, w: Weights) -> dict:
    """Project columns (features x projects) against the learner ``lp_feat`` rows."""
    req = _csr(projects.required)
    teaches = _csr(projects.teaches)
    teaches.data = (teaches.data > 0).astype(np.float32)
    p_dom = _csr(projects.domains)
    n_req = np.diff(req.indptr)
    # readiness: learner [h >= k] blocks against project [r == k] / |required|
    r_blocks = _row_scale(_threshold_blocks(req, lambda v, k: v == k), _safe_inv(n_req))
    difficulty = np.asarray(projects.difficulty, dtype=np.int64)
    p_diff = sp.csr_matrix((np.ones(len(difficulty), np.float32), (np.arange(len(difficulty)), difficulty)),
                           shape=(len(difficulty), len(DIFFICULTIES)))
    free = np.asarray(projects.free_seats)
    seats = np.minimum(1.0, np.maximum(0, free.astype(np.float32)) / max(1, w.seats_target)).astype(np.float32)
    p_feat = sp.hstack([
        r_blocks, sp.csr_matrix((n_req == 0).astype(np.float32)[:, None]),
        teaches, p_dom, p_diff, sp.csr_matrix(seats[:, None]), p_diff,
    ], format="csr")
    elig = projects.eligible if projects.eligible is not None else np.ones(len(difficulty), bool)
    return {"p_required": req, "p_teaches": teaches, "p_dom": p_dom, "p_seat_score": seats,
            "pT": p_feat.T.tocsr().astype(np.float32),  # (features, projects), sparse: few per project
            "p_eligible": np.asarray(elig, dtype=bool) & (free > 0), "p_difficulty": difficulty}


def empty_projects(n_skills: int, n_domains: int) -> Projects:
    return Projects(required=sp.csr_matrix((0, n_skills), dtype=np.float32),
                    teaches=sp.csr_matrix((0, n_skills), dtype=np.float32),
                    domains=sp.csr_matrix((0, n_domains), dtype=np.float32),
                    difficulty=np.zeros(0, np.int64), free_seats=np.zeros(0, np.int64))


class TextProjection:
    """The fitted text model as plain arrays: TF-IDF (lower-cased tokens, English stop words
    dropped, sublinear tf, idf, l2) then the fitted projection, then l2 again. Equal to the
    scikit-learn transform (tests/matching/test_index.py) without importing scikit-learn, so a
    process that queries a published index maps a changed person's text quickly. Words the fit
    never saw are ignored until the next build."""

    def __init__(self, dims: int, token_pattern: str, vocabulary: dict[str, int], stop_words: list[str],
                 idf: np.ndarray, basis: np.ndarray | None):
        self.dims = dims
        self.token_pattern = token_pattern
        self._token = re.compile(token_pattern)
        self.vocabulary = vocabulary
        self.stop_words = frozenset(stop_words)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.basis = basis  # (k, terms) or None: the TF-IDF vector itself, padded to dims

    def transform(self, docs: list[str]) -> np.ndarray:
        n, terms = len(docs), len(self.vocabulary)
        out = np.zeros((n, self.dims), dtype=np.float32)
        if not terms:
            return out
        rows, cols = [], []
        for r, doc in enumerate(docs):
            for tok in self._token.findall((doc or "").lower()):
                col = self.vocabulary.get(tok)
                if col is not None and tok not in self.stop_words:
                    rows.append(r)
                    cols.append(col)
        x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, terms), dtype=np.float64)
        x.sum_duplicates()
        x.data = (1.0 + np.log(x.data)) * self.idf[x.indices]  # sublinear tf, then idf
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        x = (sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ x).tocsr()
        y = x.toarray() if self.basis is None else np.asarray(x @ self.basis.T)
        out[:, : y.shape[1]] = y
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out
