"""Match scoring over arrays: numpy, scipy and scikit-learn only (no Flask, no ORM).

Everything here works on plain matrices so it can be tested on hand-built profiles and
benchmarked without a database. ``matching/index.py`` builds the inputs from the DB.

Skills have integer levels 0..4 (0 = not held). Every component lies in [0, 1]:

Learner -> mentor
  skills        0.6 * coverage + 0.4 * depth, over the learner's *wanted* skills, where
                coverage = share of wanted skills the mentor holds above the learner's level
                depth    = sum(max(0, mentor level - learner level)) / sum(4 - learner level)
  domains       share of the learner's domains the mentor also works in
  text          cosine of TF-IDF vectors (learner goals vs mentor headline + bio), reduced
                to a fixed number of dimensions by truncated SVD when the corpus is large
  availability  min(1, weekly overlap hours / target hours), from UTC slot grids
  total         (weighted sum) * (1 - activity_weight * (1 - mentor activity))

Every linear component is an exact bilinear form: the level comparisons are written as
sums over thresholds k = 1..4 (max(0, t - h) = sum_k [h < k][t >= k] and
[t > h] = sum_k [h = k - 1][t >= k]), so one matrix product scores all pairs.

Learner -> project
  readiness     share of the project's required skills the learner holds at the minimum
                level (1 when nothing is required)
  growth        share of the learner's wanted skills the project teaches
  domains       share of the learner's domains the project is in
  difficulty    fit of the project's difficulty to the learner's roadmap stage
  seats         min(1, free seats / target)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

LEVELS = 4
DIFFICULTIES = ("beginner", "intermediate", "advanced")
STAGES = ("foundations", "core-ml", "projects", "deployment", "specialization")
# How well each difficulty (columns) suits each roadmap stage (rows).
DIFFICULTY_FIT = np.array(
    [
        [1.0, 0.4, 0.0],
        [0.8, 0.8, 0.2],
        [0.6, 1.0, 0.3],
        [0.2, 0.8, 1.0],
        [0.1, 0.6, 1.0],
    ],
    dtype=np.float32,
)
COVERAGE_SHARE = 0.6
MENTOR_COMPONENTS = ("skills", "domains", "text", "availability")
PROJECT_COMPONENTS = ("readiness", "growth", "domains", "difficulty", "seats")


@dataclass(frozen=True)
class Weights:
    skills: float = 0.40
    domains: float = 0.15
    text: float = 0.20
    availability: float = 0.25
    activity: float = 0.5
    overlap_target_hours: float = 4.0
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


@dataclass
class Ranked:
    index: np.ndarray
    score: np.ndarray


@dataclass
class Explanation:
    total: float
    components: dict[str, float]
    weighted: dict[str, float]
    shared_skills: list[int] = field(default_factory=list)
    teachable_skills: list[tuple[int, int, int]] = field(default_factory=list)  # skill, learner, mentor level
    wanted_skills: list[int] = field(default_factory=list)
    missing_skills: list[tuple[int, int, int]] = field(default_factory=list)  # skill, have, needed
    shared_domains: list[int] = field(default_factory=list)
    overlap_slots: list[int] = field(default_factory=list)
    overlap_hours: float = 0.0
    activity: float = 1.0


# ---- helpers ---------------------------------------------------------------------------------


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


def text_vectors(docs_a: list[str], docs_b: list[str], dims: int, max_features: int,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """L2-normalised dense text vectors (dims wide) for two corpora sharing one TF-IDF fit.

    Exact TF-IDF cosine when the corpus has at most ``dims`` distinct terms or documents;
    otherwise a truncated SVD (LSA) with a fixed seed, so the result is deterministic.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    docs = [d or "" for d in list(docs_a) + list(docs_b)]
    n_a = len(docs_a)
    out = np.zeros((len(docs), dims), dtype=np.float32)
    if not any(d.strip() for d in docs):
        return out[:n_a], out[n_a:]
    vec = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_features=max_features,
                          dtype=np.float32, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9+#.-]*[a-zA-Z0-9+#]\b|\b[a-zA-Z]\b")
    try:
        x = vec.fit_transform(docs)
    except ValueError:  # only stop words
        return out[:n_a], out[n_a:]
    n_docs, n_terms = x.shape
    if n_terms <= dims:
        out[:, :n_terms] = x.toarray()
    elif n_docs <= dims:
        # exact: coordinates in the row space preserve every inner product
        _, s, vt = np.linalg.svd(x.toarray(), full_matrices=False)
        out[:, : len(s)] = x @ vt.T
    else:
        svd = TruncatedSVD(n_components=dims, random_state=0, algorithm="randomized", n_iter=4)
        out[:] = svd.fit_transform(x)
    out = normalize(out).astype(np.float32)
    return out[:n_a], out[n_a:]


# ---- the model -----------------------------------------------------------------------------


class Scorer:
    """Feature matrices for learners, mentors and projects, and queries over them.

    Learner features are dense rows (n x F) so batches are matrix products; mentor and
    project features are stored transposed (F x m), so a single learner's query only
    touches the rows of the features it actually has.
    """

    def __init__(self, learners: Learners, mentors: Mentors, projects: Projects | None = None,
                 weights: Weights | None = None, slot_hours: float = 0.5):
        self.w = weights or Weights()
        self.slot_hours = slot_hours
        self.learners = learners
        self.mentors = mentors
        self.projects = projects
        self.n_learners = learners.have.shape[0]
        self.n_mentors = mentors.teach.shape[0]
        self.n_projects = projects.required.shape[0] if projects is not None else 0
        self.n_skills = learners.have.shape[1]
        w = self.w

        have = _csr(learners.have)
        want = _csr(learners.want)
        want.data = (want.data > 0).astype(np.float32)
        want.eliminate_zeros()
        self.have = have
        self.want = want
        l_dom = _csr(learners.domains)
        self.l_dom = l_dom
        n_want = np.asarray(want.sum(axis=1)).ravel()
        rows, cols, lvl = _wanted_levels(want, have)
        depth_den = np.zeros(self.n_learners, dtype=np.float32)
        np.add.at(depth_den, rows, LEVELS - lvl)
        inv_want = _safe_inv(n_want)
        inv_depth = _safe_inv(depth_den)
        # skills: blocks k = 1..4 of a*[h = k-1]/|want| + b*[h < k]/depth_den
        S = self.n_skills
        blocks = []
        for k in range(1, LEVELS + 1):
            vals = (COVERAGE_SHARE * (lvl == k - 1) * inv_want[rows]
                    + (1 - COVERAGE_SHARE) * (lvl < k) * inv_depth[rows]).astype(np.float32)
            blocks.append(sp.csr_matrix((vals, (rows, cols)), shape=(self.n_learners, S)))
        self.l_skill = sp.hstack(blocks, format="csr")
        self.l_skill.eliminate_zeros()
        self.l_dom_norm = _row_scale(l_dom, _safe_inv(np.asarray(l_dom.sum(axis=1)).ravel())).tocsr()

        teach = _csr(mentors.teach)
        self.teach = teach
        self.m_dom = _csr(mentors.domains)
        self.m_skill = _threshold_blocks(teach, lambda v, k: v >= k)

        l_text, m_text = text_vectors(learners.text, mentors.text, w.text_dims, w.text_max_features)
        self.l_text = l_text
        self.m_text = m_text

        # Learner features: [skills | domains | text]; weights folded into the learner side.
        self.l_feat = sp.hstack([self.l_skill * w.skills, self.l_dom_norm * w.domains,
                                 sp.csr_matrix(l_text * w.text)], format="csr").astype(np.float32)
        m_feat = sp.hstack([self.m_skill, self.m_dom, sp.csr_matrix(m_text)], format="csr")
        self.mT = np.ascontiguousarray(m_feat.T.toarray(), dtype=np.float32)  # (F, m)
        self.l_avail = np.asarray(learners.avail, dtype=bool)
        self.m_availT = np.ascontiguousarray(np.asarray(mentors.avail, dtype=np.float32).T)  # (T, m)
        act = mentors.activity if mentors.activity is not None else np.ones(self.n_mentors)
        self.m_activity = np.clip(np.asarray(act, dtype=np.float32), 0, 1)
        self.m_factor = (1 - w.activity * (1 - self.m_activity)).astype(np.float32)
        elig = mentors.eligible if mentors.eligible is not None else np.ones(self.n_mentors, bool)
        self.m_eligible = np.asarray(elig, dtype=bool)
        # Mentor features with the activity factor folded in: one product gives lin * factor.
        self.mTf = self.mT * self.m_factor[None, :]
        self.m_avail_w = (w.availability * self.m_factor).astype(np.float32)  # availability weight per mentor
        self.m_packed = np.packbits(np.asarray(mentors.avail, dtype=bool), axis=1)
        self.m_cap = np.minimum(1.0, self.m_availT.sum(axis=0) * slot_hours / w.overlap_target_hours).astype(np.float32)

        if projects is not None:
            self._init_projects(projects)

    # ---- projects ---------------------------------------------------------------------------

    def _init_projects(self, projects: Projects) -> None:
        w = self.w
        req = _csr(projects.required)
        self.p_required = req
        self.p_teaches = _csr(projects.teaches)
        self.p_teaches.data = (self.p_teaches.data > 0).astype(np.float32)
        self.p_dom = _csr(projects.domains)
        n_req = np.diff(req.indptr)
        inv_req = _safe_inv(n_req)
        # readiness: learner [h >= k] blocks against project [r == k] / |required|
        r_blocks = _threshold_blocks(req, lambda v, k: v == k)
        r_blocks = _row_scale(r_blocks, inv_req)
        self.l_ready = _threshold_blocks(self.have, lambda v, k: v >= k)
        n_want = np.asarray(self.want.sum(axis=1)).ravel()
        self.l_growth = _row_scale(self.want, _safe_inv(n_want)).tocsr()
        stage = self.learners.stage if self.learners.stage is not None else np.zeros(self.n_learners, int)
        self.l_stage = np.asarray(stage, dtype=int)
        l_fit = DIFFICULTY_FIT[self.l_stage]  # (n, 3)
        difficulty = np.asarray(projects.difficulty, dtype=int)
        p_diff = sp.csr_matrix((np.ones(len(difficulty), np.float32), (np.arange(len(difficulty)), difficulty)),
                               shape=(len(difficulty), len(DIFFICULTIES)))
        seats = np.minimum(1.0, np.maximum(0, np.asarray(projects.free_seats, dtype=np.float32)) / max(1, w.seats_target))
        self.p_seat_score = seats.astype(np.float32)
        const = np.ones((self.n_learners, 1), np.float32)
        self.lp_feat = sp.hstack([
            self.l_ready * w.readiness, sp.csr_matrix(const * w.readiness),
            self.l_growth * w.growth, self.l_dom_norm * w.project_domains,
            sp.csr_matrix(l_fit * w.difficulty), sp.csr_matrix(const * w.seats),
        ], format="csr").astype(np.float32)
        p_feat = sp.hstack([
            r_blocks, sp.csr_matrix((n_req == 0).astype(np.float32)[:, None]),
            self.p_teaches, self.p_dom, p_diff, sp.csr_matrix(seats[:, None]),
        ], format="csr")
        self.pT = np.ascontiguousarray(p_feat.T.toarray(), dtype=np.float32)
        elig = projects.eligible if projects.eligible is not None else np.ones(self.n_projects, bool)
        self.p_eligible = np.asarray(elig, dtype=bool) & (np.asarray(projects.free_seats) > 0)
        self.p_difficulty = difficulty

    # ---- learner -> mentors --------------------------------------------------------------------

    def mentor_scores(self, i: int) -> np.ndarray:
        """Total score of learner i against every mentor (filters not applied)."""
        row = self.l_feat.getrow(i)
        total = _vecmat(row.data, self.mTf[row.indices]) if row.nnz else np.zeros(self.n_mentors, np.float32)
        slots = np.flatnonzero(self.l_avail[i])
        if len(slots):
            hours = self.m_availT[slots].sum(axis=0)
            hours *= self.slot_hours / self.w.overlap_target_hours
            np.minimum(hours, 1.0, out=hours)
            total = total + self.m_avail_w * hours
        return np.asarray(total, dtype=np.float32)

    def mentor_scores_batch(self, rows: np.ndarray, out: np.ndarray | None = None,
                            tmp: np.ndarray | None = None) -> np.ndarray:
        """(len(rows), m) total scores for a chunk of learners (filters not applied).

        ``out`` and ``tmp`` are optional float32 buffers of that shape, reused across
        chunks so a long batch does not keep allocating (and page-faulting) fresh memory.
        """
        shape = (len(rows), self.n_mentors)
        out = np.empty(shape, np.float32) if out is None else out[: len(rows)]
        tmp = np.empty(shape, np.float32) if tmp is None else tmp[: len(rows)]
        np.matmul(self.l_feat[rows].toarray(), self.mTf, out=out)
        np.matmul(self.l_avail[rows].astype(np.float32), self.m_availT, out=tmp)
        tmp *= self.slot_hours / self.w.overlap_target_hours
        np.minimum(tmp, 1.0, out=tmp)
        tmp *= self.m_avail_w
        out += tmp
        return out

    def overlap_hours(self, i: int) -> np.ndarray:
        """Weekly overlap hours of learner i with every mentor."""
        slots = np.flatnonzero(self.l_avail[i])
        if not len(slots):
            return np.zeros(self.n_mentors, np.float32)
        return self.m_availT[slots].sum(axis=0) * self.slot_hours

    def top_mentors(self, i: int, k: int = 10, exclude=(), min_score: float = 0.0,
                    mask: np.ndarray | None = None) -> Ranked:
        """Top-k eligible mentors; ``mask`` (bool per mentor) narrows further (filters)."""
        scores = self.mentor_scores(i)
        mask = self.m_eligible.copy() if mask is None else (self.m_eligible & mask)
        if exclude:
            mask[np.fromiter(exclude, dtype=int)] = False
        return _top(scores, mask, k, min_score)

    def top_mentors_all(self, k: int = 10, chunk: int = 1000, rows: np.ndarray | None = None,
                        exclude: dict[int, set[int]] | None = None, progress=None,
                        candidates: int = 300) -> tuple[np.ndarray, np.ndarray]:
        """Top-k eligible mentors for many learners, in chunks so memory stays bounded.

        Returns (index, score) arrays of shape (len(rows), k); index -1 where fewer exist.

        Exact, with pruning: the availability term adds at most ``w.availability``, so per
        learner the ``candidates`` mentors with the best upper bound (linear part + full
        availability) are scored exactly from bit-packed grids. A row is accepted when its
        k-th exact score is at least the best upper bound left out; other rows are scored
        in full. Same result as scoring every pair (up to ties).
        """
        rows = np.arange(self.n_learners) if rows is None else np.asarray(rows)
        k = min(k, self.n_mentors)
        idx_out = np.full((len(rows), k), -1, dtype=np.int64)
        sc_out = np.full((len(rows), k), -np.inf, dtype=np.float32)
        if k == 0 or len(rows) == 0:
            return idx_out, sc_out
        inelig = ~self.m_eligible
        size = min(chunk, len(rows))
        out = np.empty((size, self.n_mentors), np.float32)
        tmp = np.empty((size, self.n_mentors), np.float32)
        m = self.n_mentors
        c = min(candidates, m - 1)
        if c < k:  # too few mentors to prune: score everything
            c = 0
        scale = self.slot_hours / self.w.overlap_target_hours
        bound_w = self.m_avail_w * self.m_cap  # the most availability can add, per mentor
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            n = len(part)
            if not c:
                s = self.mentor_scores_batch(part, out, tmp)
                self._mask(s, part, inelig, exclude)
                ix, sc = _top_rows(s, k)
            else:
                ub = out[:n]
                np.matmul(self.l_feat[part].toarray(), self.mTf, out=ub)  # linear part, factor included
                ub += bound_w
                cap_l = np.minimum(1.0, self.l_avail[part].sum(axis=1) * scale).astype(np.float32)
                small = np.flatnonzero(cap_l < 1.0)
                if len(small):  # a learner with little free time cannot overlap more than that
                    ub[small] -= self.m_avail_w * (self.m_cap - np.minimum(cap_l[small, None], self.m_cap))
                self._mask(ub, part, inelig, exclude)
                part_buf = tmp[:n]
                part_buf[...] = ub
                part_buf.partition(m - c - 1, axis=1)
                t = part_buf[:, m - c - 1].copy()  # the best bound left out
                r, cols = np.nonzero(ub > t[:, None])
                lp = np.packbits(self.l_avail[part], axis=1)
                hours = _POPCOUNT[lp[r] & self.m_packed[cols]].sum(axis=1, dtype=np.float32)
                lin = ub[r, cols] - bound_w[cols]
                if len(small):
                    in_small = np.isin(r, small)
                    fix = self.m_avail_w[cols] * (self.m_cap[cols] - np.minimum(cap_l[r], self.m_cap[cols]))
                    lin[in_small] += fix[in_small]
                exact = lin + self.m_avail_w[cols] * np.minimum(1.0, hours * scale)
                # at most c candidates per row, in column order: rank them in a padded block
                pos = np.arange(len(r)) - np.searchsorted(r, np.arange(n))[r]
                block = np.full((n, c), -np.inf, dtype=np.float32)
                block_ix = np.full((n, c), -1, dtype=np.int64)
                block[r, pos] = exact
                block_ix[r, pos] = cols
                order = np.argsort(-block, axis=1, kind="stable")[:, :k]
                sc = np.take_along_axis(block, order, axis=1)
                ix = np.take_along_axis(block_ix, order, axis=1)
                ix[~np.isfinite(sc)] = -1
                bad = np.flatnonzero(~(sc[:, k - 1] >= t) & np.isfinite(t))
                if len(bad):
                    s = self.mentor_scores_batch(part[bad])
                    self._mask(s, part[bad], inelig, exclude)
                    ix[bad], sc[bad] = _top_rows(s, k)
            idx_out[start:start + n] = ix
            sc_out[start:start + n] = sc
            if progress:
                progress(n)
        return idx_out, sc_out

    @staticmethod
    def _mask(s: np.ndarray, part: np.ndarray, inelig: np.ndarray, exclude) -> None:
        s[:, inelig] = -np.inf
        if exclude:
            for r, i in enumerate(part):
                ex = exclude.get(int(i))
                if ex:
                    s[r, list(ex)] = -np.inf

    def mentor_components(self, i: int, j: int) -> dict[str, float]:
        w = self.w
        l_skill = self.l_skill.getrow(i)
        skills = float(l_skill.data @ self.mT[l_skill.indices, j]) if l_skill.nnz else 0.0
        dom = self.l_dom_norm.getrow(i)
        off = self.l_skill.shape[1]
        domains = float(dom.data @ self.mT[off + dom.indices, j]) if dom.nnz else 0.0
        off += self.l_dom_norm.shape[1]
        text = float(self.l_text[i] @ self.mT[off:off + self.l_text.shape[1], j])
        hours = float((self.l_avail[i] & (self.m_availT[:, j] > 0)).sum() * self.slot_hours)
        avail = min(1.0, hours / w.overlap_target_hours)
        return {"skills": skills, "domains": domains, "text": max(0.0, text), "availability": avail,
                "overlap_hours": hours}

    def explain_mentor(self, i: int, j: int) -> Explanation:
        w = self.w
        c = self.mentor_components(i, j)
        comps = {name: c[name] for name in MENTOR_COMPONENTS}
        factor = float(self.m_factor[j])
        weighted = {
            "skills": w.skills * comps["skills"] * factor,
            "domains": w.domains * comps["domains"] * factor,
            "text": w.text * comps["text"] * factor,
            "availability": w.availability * comps["availability"] * factor,
        }
        have = _row_dict(self.have, i)
        want = set(_row_dict(self.want, i))
        teach = _row_dict(self.teach, j)
        shared = sorted(s for s in have if s in teach)
        teachable = sorted((s, int(have.get(s, 0)), int(teach[s])) for s in want if teach.get(s, 0) > have.get(s, 0))
        l_dom = set(_row_dict(self.l_dom, i))
        m_dom = set(_row_dict(self.m_dom, j))
        slots = np.flatnonzero(self.l_avail[i] & (self.m_availT[:, j] > 0)).tolist()
        return Explanation(
            total=float(sum(weighted.values())), components=comps, weighted=weighted,
            shared_skills=shared, teachable_skills=teachable, wanted_skills=sorted(want),
            shared_domains=sorted(l_dom & m_dom), overlap_slots=slots,
            overlap_hours=c["overlap_hours"], activity=float(self.m_activity[j]),
        )

    # ---- mentor -> learners ----------------------------------------------------------------------

    def learner_scores_for_mentor(self, j: int) -> np.ndarray:
        lin = self.l_feat @ self.mT[:, j]
        if not hasattr(self, "l_packed"):
            self.l_packed = np.packbits(self.l_avail, axis=1)
        hours = _POPCOUNT[self.l_packed & self.m_packed[j]].sum(axis=1, dtype=np.float32)
        lin = lin + self.w.availability * np.minimum(1.0, hours * self.slot_hours / self.w.overlap_target_hours)
        return (np.asarray(lin).ravel() * self.m_factor[j]).astype(np.float32)

    def top_learners_for_mentor(self, j: int, k: int = 10, eligible: np.ndarray | None = None,
                                exclude=(), min_score: float = 0.0) -> Ranked:
        scores = self.learner_scores_for_mentor(j)
        mask = np.ones(self.n_learners, bool) if eligible is None else np.asarray(eligible, bool).copy()
        if exclude:
            mask[np.fromiter(exclude, dtype=int)] = False
        return _top(scores, mask, k, min_score)

    # ---- learner -> projects -----------------------------------------------------------------

    def project_scores(self, i: int) -> np.ndarray:
        row = self.lp_feat.getrow(i)
        if not row.nnz:
            return np.zeros(self.n_projects, np.float32)
        return _vecmat(row.data, self.pT[row.indices]).astype(np.float32)

    def top_projects(self, i: int, k: int = 10, exclude=(), min_score: float = 0.0,
                     mask: np.ndarray | None = None) -> Ranked:
        scores = self.project_scores(i)
        mask = self.p_eligible.copy() if mask is None else (self.p_eligible & mask)
        if exclude:
            mask[np.fromiter(exclude, dtype=int)] = False
        return _top(scores, mask, k, min_score)

    def learner_scores_for_project(self, p: int) -> np.ndarray:
        return np.asarray(self.lp_feat @ self.pT[:, p]).ravel().astype(np.float32)

    def top_learners_for_project(self, p: int, k: int = 10, eligible: np.ndarray | None = None,
                                 exclude=(), min_score: float = 0.0) -> Ranked:
        scores = self.learner_scores_for_project(p)
        mask = np.ones(self.n_learners, bool) if eligible is None else np.asarray(eligible, bool).copy()
        if exclude:
            mask[np.fromiter(exclude, dtype=int)] = False
        return _top(scores, mask, k, min_score)

    def project_components(self, i: int, p: int) -> dict[str, float]:
        have = _row_dict(self.have, i)
        req = _row_dict(self.p_required, p)
        readiness = 1.0 if not req else sum(1 for s, lv in req.items() if have.get(s, 0) >= lv) / len(req)
        want = set(_row_dict(self.want, i))
        teaches = set(_row_dict(self.p_teaches, p))
        growth = len(want & teaches) / len(want) if want else 0.0
        l_dom = set(_row_dict(self.l_dom, i))
        p_dom = set(_row_dict(self.p_dom, p))
        domains = len(l_dom & p_dom) / len(l_dom) if l_dom else 0.0
        difficulty = float(DIFFICULTY_FIT[self.l_stage[i], self.p_difficulty[p]])
        return {"readiness": readiness, "growth": growth, "domains": domains,
                "difficulty": difficulty, "seats": float(self.p_seat_score[p])}

    def explain_project(self, i: int, p: int) -> Explanation:
        w = self.w
        comps = self.project_components(i, p)
        weighted = {
            "readiness": w.readiness * comps["readiness"],
            "growth": w.growth * comps["growth"],
            "domains": w.project_domains * comps["domains"],
            "difficulty": w.difficulty * comps["difficulty"],
            "seats": w.seats * comps["seats"],
        }
        have = _row_dict(self.have, i)
        want = set(_row_dict(self.want, i))
        req = _row_dict(self.p_required, p)
        teaches = set(_row_dict(self.p_teaches, p))
        return Explanation(
            total=float(sum(weighted.values())), components=comps, weighted=weighted,
            shared_skills=sorted(s for s, lv in req.items() if have.get(s, 0) >= lv),
            teachable_skills=sorted((s, int(have.get(s, 0)), 0) for s in want & teaches),
            wanted_skills=sorted(want),
            missing_skills=sorted((s, int(have.get(s, 0)), int(lv)) for s, lv in req.items() if have.get(s, 0) < lv),
            shared_domains=sorted(set(_row_dict(self.l_dom, i)) & set(_row_dict(self.p_dom, p))),
        )


def _vecmat(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """v @ m without BLAS: a single learner's query is tiny, and a multi-threaded BLAS call
    on a busy machine costs far more in thread hand-offs than the arithmetic."""
    return np.einsum("i,ij->j", v, m)


_POPCOUNT = np.array([bin(v).count("1") for v in range(256)], dtype=np.uint8)


def _row_dict(m: sp.csr_matrix, i: int) -> dict[int, float]:
    start, end = m.indptr[i], m.indptr[i + 1]
    return {int(c): float(v) for c, v in zip(m.indices[start:end], m.data[start:end]) if v}


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


def _top_rows(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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


def candidate_edges(idx: np.ndarray, score: np.ndarray, min_score: float,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, mentor, score) of the top-k candidates that clear min_score."""
    n, k = idx.shape
    keep = (idx >= 0) & np.isfinite(score) & (score >= min_score)
    rows = np.repeat(np.arange(n), k)[keep.ravel()]
    return rows, idx.ravel()[keep.ravel()], score.ravel()[keep.ravel()]


def mentor_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    """One plain sentence on why this mentor fits."""
    parts = []
    if expl.teachable_skills:
        names = [skill_names.get(s, "?") for s, _, _ in expl.teachable_skills[:3]]
        parts.append(f"can teach {_join(names)}, which you want to learn")
    elif expl.shared_skills:
        names = [skill_names.get(s, "?") for s in expl.shared_skills[:2]]
        parts.append(f"also works with {_join(names)}")
    if expl.shared_domains:
        parts.append(f"works in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if expl.overlap_hours > 0:
        parts.append(f"shares {_hours(expl.overlap_hours)} of free time with you each week")
    if not parts:
        return "A possible fit, though your profiles have little in common yet."
    return _sentence(parts)


def learner_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    """The same explanation, worded for the mentor looking at a learner."""
    parts = []
    if expl.teachable_skills:
        names = [skill_names.get(s, "?") for s, _, _ in expl.teachable_skills[:3]]
        parts.append(f"wants to learn {_join(names)}, which you can teach")
    if expl.shared_domains:
        parts.append(f"interested in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if expl.overlap_hours > 0:
        parts.append(f"{_hours(expl.overlap_hours)} of shared free time a week")
    if not parts:
        return "A possible fit, though your profiles have little in common yet."
    return _sentence(parts)


def project_reason(expl: Explanation, skill_names: dict[int, str], domain_names: dict[int, str]) -> str:
    parts = []
    if expl.teachable_skills:
        parts.append(f"practises {_join([skill_names.get(s, '?') for s, _, _ in expl.teachable_skills[:3]])}, "
                     "which you want to learn")
    if expl.missing_skills:
        parts.append(f"you would need to build up {_join([skill_names.get(s, '?') for s, _, _ in expl.missing_skills[:2]])}")
    elif expl.components.get("readiness", 0) >= 1:
        parts.append("you already meet every requirement")
    if expl.shared_domains:
        parts.append(f"in {_join([domain_names.get(d, '?') for d in expl.shared_domains[:2]])}")
    if not parts:
        return "Open to newcomers, though it does not teach what you listed."
    return _sentence(parts)


def _sentence(parts: list[str]) -> str:
    """Reason parts as one sentence: joined by semicolons, capitalised, with a full stop."""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _hours(h: float) -> str:
    h = round(h * 2) / 2
    text = f"{h:g}"
    return f"{text} hour" if h == 1 else f"{text} hours"
