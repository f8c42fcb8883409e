"""Match quality on a community with planted ground truth.

Each learner is drawn near one hidden "right" mentor and project (noise in skills, wording
and time zones; see mentorhub/matching/synthetic.py). We rank every eligible mentor and
project for every learner and report, against two baselines (random order, and the
Jaccard overlap of wanted vs taught skills alone):

  P@1     share of learners whose planted match ranks first
  P@5     precision at 5 (one relevant item, so at most 0.2)
  Hit@5   share of learners whose planted match is in the top 5
  NDCG@10 1/log2(1 + rank) of the planted match when it is in the top 10, averaged

Run: .venv/bin/python bench/match_quality.py
"""
from __future__ import annotations

import platform
import time

import _common  # noqa: F401  (puts platform/ on sys.path)
import numpy as np
import scipy.sparse as sp

from mentorhub.matching.scoring import Scorer, _top_rows  # noqa: E402
from mentorhub.matching.synthetic import community  # noqa: E402

N_LEARNERS, N_MENTORS, N_PROJECTS = 3000, 600, 3000


def metrics(idx: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    hit = idx == truth[:, None]
    rank = np.where(hit.any(axis=1), hit.argmax(axis=1), 10_000)
    return {
        "P@1": float((rank == 0).mean()),
        "P@5": float((rank < 5).mean() / 5),
        "Hit@5": float((rank < 5).mean()),
        "NDCG@10": float(np.where(rank < 10, 1 / np.log2(rank + 2), 0).mean()),
    }


def jaccard_top(a: sp.csr_matrix, b: sp.csr_matrix, k: int, chunk: int = 1000) -> np.ndarray:
    a = (a > 0).astype(np.float32).tocsr()
    b = (b > 0).astype(np.float32).tocsr()
    na = np.asarray(a.sum(axis=1)).ravel()
    nb = np.asarray(b.sum(axis=1)).ravel()
    out = []
    for s in range(0, a.shape[0], chunk):
        inter = (a[s:s + chunk] @ b.T).toarray()
        union = na[s:s + chunk, None] + nb[None, :] - inter
        jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        out.append(_top_rows(jac, k)[0])
    return np.vstack(out)


def random_top(n: int, m: int, k: int, rng) -> np.ndarray:
    return np.array([rng.choice(m, k, replace=False) for _ in range(n)])


def main() -> None:
    rng = np.random.default_rng(42)
    print(f"machine: {platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    print(f"community: {N_LEARNERS} learners, {N_MENTORS} mentors, {N_PROJECTS} projects\n")
    rows = []
    for noise in (0.3, 0.5):
        c = community(N_LEARNERS, N_MENTORS, N_PROJECTS, seed=7, noise=noise)
        t = time.perf_counter()
        s = Scorer(c.learners, c.mentors, c.projects)
        idx, _ = s.top_mentors_all(10)
        p_idx = np.array([np.pad(s.top_projects(i, 10).index, (0, 10))[:10] for i in range(N_LEARNERS)])
        elapsed = time.perf_counter() - t
        rows.append((noise, "mentors", "mentorhub", metrics(idx, c.planted_mentor)))
        rows.append((noise, "mentors", "jaccard", metrics(jaccard_top(c.learners.want, c.mentors.teach, 10),
                                                           c.planted_mentor)))
        rows.append((noise, "mentors", "random", metrics(random_top(N_LEARNERS, N_MENTORS, 10, rng), c.planted_mentor)))
        rows.append((noise, "projects", "mentorhub", metrics(p_idx, c.planted_project)))
        rows.append((noise, "projects", "jaccard", metrics(jaccard_top(c.learners.want, c.projects.teaches, 10),
                                                            c.planted_project)))
        rows.append((noise, "projects", "random", metrics(random_top(N_LEARNERS, N_PROJECTS, 10, rng),
                                                           c.planted_project)))
        print(f"(noise {noise}: scored and ranked in {elapsed:.1f} s)")
    print()
    print(f"{'noise':>5}  {'target':<8} {'method':<10} {'P@1':>6} {'P@5':>6} {'Hit@5':>6} {'NDCG@10':>8}")
    for noise, target, method, m in rows:
        print(f"{noise:>5}  {target:<8} {method:<10} {m['P@1']:>6.3f} {m['P@5']:>6.3f} {m['Hit@5']:>6.3f} {m['NDCG@10']:>8.3f}")


if __name__ == "__main__":
    main()
