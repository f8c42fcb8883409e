"""Match quality on a community with planted ground truth.

Each learner is drawn near one hidden "right" mentor and project (noise in skills, wording
and time zones; see mentorhub/matching/synthetic.py). We rank every eligible mentor and
project for every learner and report, against two baselines (random order, and the
Jaccard overlap of wanted vs taught skills alone):

  P@1     share of learners whose planted match ranks first
  P@5     precision at 5 (one relevant item, so at most 0.2)
  Hit@5   share of learners whose planted match is in the top 5
  NDCG@10 1/log2(1 + rank) of the planted match when it is in the top 10, averaged

Then the scenario families of issue 15 (bench/_families.py: reachability, depth against
breadth, related skills, beginners' projects, odd-offset zones), each learner ranked over a
private pool with graded relevance:

  P@1     share of learners whose first item has the pool's highest gain
  P@3     relevant items in the top 3, over min(3, relevant items in the pool)
  NDCG@10 graded (gain / log2(1 + rank)) against the ideal order of the pool
  nonteach-first  (projects) learners whose first idea teaches none of their wanted skills
                  while an idea in reach that does exists (target 0)

Targets: P@1 >= 0.95 and NDCG@10 >= 0.9 in every family.

Run: .venv/bin/python bench/match_quality.py [planted] [families]   (both by default)
"""
from __future__ import annotations

import platform
import sys
import time
import zlib

import _common  # noqa: F401  (puts platform/ on sys.path)
import numpy as np
import scipy.sparse as sp

from _families import FAMILIES  # noqa: E402

from mentorhub.config import Config  # noqa: E402
from mentorhub.matching.features import Mentors  # noqa: E402
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


def pool_metrics(rankings: list[np.ndarray], gains: list[np.ndarray]) -> dict[str, float]:
    """Graded P@1, P@3 and NDCG@10 of rankings given as positions into each learner's pool."""
    p1, p3, ndcg = [], [], []
    for ranked, g in zip(rankings, gains):
        got = np.array([g[r] if r >= 0 else 0.0 for r in ranked[:10]])
        got = np.pad(got, (0, 10 - len(got)))
        ideal = np.sort(g)[::-1][:10]
        ideal = np.pad(ideal, (0, 10 - len(ideal)))
        disc = 1 / np.log2(np.arange(10) + 2)
        p1.append(float(got[0] == ideal[0] and ideal[0] > 0))
        p3.append(float((got[:3] > 0).sum() / max(1, min(3, int((g > 0).sum())))))
        ndcg.append(float((got * disc).sum() / (ideal * disc).sum()) if ideal.sum() else 1.0)
    return {"P@1": float(np.mean(p1)), "P@3": float(np.mean(p3)), "NDCG@10": float(np.mean(ndcg))}


def family_rankings(fam, rng) -> dict[str, list[np.ndarray]]:
    """Per method, each learner's top 10 as positions into the learner's pool (-1 = none)."""
    projects = fam.mentors is None
    s = Scorer(fam.learners, fam.mentors if not projects else _no_mentors(fam), fam.projects,
               slot_hours=fam.slot_minutes / 60, related=fam.related)
    want = (fam.learners.want > 0).astype(np.float32).tocsr()
    items = (fam.projects.teaches if projects else fam.mentors.teach).tocsr()
    items = (items > 0).astype(np.float32).tocsr()
    n_items = items.shape[0]
    out = {"mentorhub": [], "jaccard": [], "random": []}
    for i, pool in enumerate(fam.pools):
        mask = np.zeros(n_items, bool)
        mask[pool] = True
        top = (s.top_projects(i, 10, mask=mask) if projects else s.top_mentors(i, 10, mask=mask)).index
        pos = {int(r): k for k, r in enumerate(pool)}
        out["mentorhub"].append(np.array([pos[int(r)] for r in top], int))
        inter = np.asarray((items[pool] @ want[i].T).todense()).ravel()
        union = np.asarray(items[pool].sum(axis=1)).ravel() + want[i].sum() - inter
        jac = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        out["jaccard"].append(np.lexsort((np.arange(len(pool)), -jac))[:10])
        out["random"].append(rng.permutation(len(pool))[:10])
    return out


def _no_mentors(fam):
    n = fam.learners.have.shape
    return Mentors(teach=sp.csr_matrix((1, n[1]), dtype=np.float32),
                   domains=sp.csr_matrix((1, fam.learners.domains.shape[1]), dtype=np.float32), text=["x"],
                   avail=np.zeros((1, fam.learners.avail.shape[1]), bool))


def nonteaching_first(fam, rankings: list[np.ndarray]) -> int:
    """Learners whose first idea teaches nothing they want while a teaching one in reach exists."""
    bad = 0
    for ranked, g in zip(rankings, fam.gains):
        if (g > 0).any() and (len(ranked) == 0 or g[ranked[0]] == 0):
            bad += 1
    return bad


def families(n: int = 200) -> None:
    rng = np.random.default_rng(15)
    print(f"{'family':<18} {'method':<10} {'P@1':>6} {'P@3':>6} {'NDCG@10':>8}  target P@1>=0.95, NDCG@10>=0.9")
    for name, make in FAMILIES.items():
        fam = make(n, np.random.default_rng(zlib.crc32(name.encode())), _slot_minutes())
        ranks = family_rankings(fam, rng)
        for method in ("mentorhub", "jaccard", "random"):
            m = pool_metrics(ranks[method], fam.gains)
            extra = ""
            if fam.mentors is None:
                extra = f"  nonteach-first {nonteaching_first(fam, ranks[method])}/{n}"
            ok = "" if method != "mentorhub" else ("  ok" if m["P@1"] >= 0.95 and m["NDCG@10"] >= 0.9 else "  MISSED")
            print(f"{name:<18} {method:<10} {m['P@1']:>6.3f} {m['P@3']:>6.3f} {m['NDCG@10']:>8.3f}{ok}{extra}",
                  flush=True)


def _slot_minutes() -> int:
    """The grid the app uses (30 minutes today; 15 once exact overlap lands)."""
    return int(Config.MATCH_SLOT_MINUTES)


def main() -> None:
    args = set(sys.argv[1:]) or {"planted", "families"}
    if "families" in args:
        families()
    if "planted" not in args:
        return
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
        # the learners whose planted mentor shares >= 1 h: elsewhere reachable teachers rightly come first
        reach = np.array([s.overlap_hours(i)[c.planted_mentor[i]] >= 1 for i in range(N_LEARNERS)])
        jac = jaccard_top(c.learners.want, c.mentors.teach, 10)
        rows.append((noise, f"mentors, reachable planted ({reach.sum()})", "mentorhub",
                     metrics(idx[reach], c.planted_mentor[reach])))
        rows.append((noise, f"mentors, reachable planted ({reach.sum()})", "jaccard",
                     metrics(jac[reach], c.planted_mentor[reach])))
        rows.append((noise, "projects", "mentorhub", metrics(p_idx, c.planted_project)))
        rows.append((noise, "projects", "jaccard", metrics(jaccard_top(c.learners.want, c.projects.teaches, 10),
                                                            c.planted_project)))
        rows.append((noise, "projects", "random", metrics(random_top(N_LEARNERS, N_PROJECTS, 10, rng),
                                                           c.planted_project)))
        print(f"(noise {noise}: scored and ranked in {elapsed:.1f} s)")
    print()
    print(f"{'noise':>5}  {'target':<36} {'method':<10} {'P@1':>6} {'P@5':>6} {'Hit@5':>6} {'NDCG@10':>8}")
    for noise, target, method, m in rows:
        print(f"{noise:>5}  {target:<36} {method:<10} {m['P@1']:>6.3f} {m['P@5']:>6.3f} {m['Hit@5']:>6.3f} {m['NDCG@10']:>8.3f}")


if __name__ == "__main__":
    main()
