"""Matching speed and memory, and the cohort assignment against two peers.

1. Index build (feature matrices, TF-IDF + SVD) for 100,000 learners, 20,000 mentors and
   50,000 projects from arrays; peak RSS of the process.
2. One learner's top-10 mentors and top-10 projects: median over 1,000 learners.
3. All 100,000 learners' top-10 mentors in one chunked batch.
4. Cohort assignment of 10,000 learners to 2,000 mentors (capacities 1-5) on the top-10
   candidate graph, checked against scipy.optimize.linear_sum_assignment on a 1,000 x 200
   instance (the exact optimum of the same candidate graph).
5. Peers on 300 learners x 100 mentors with capacities 1-5: ``mentor-match`` (Munkres,
   pure Python, given our scores on capacity-expanded columns) and ``mentormatch``
   (stable matching; each learner's preference list is our top-5), timed, and the total of
   our score over the pairs each produced.

Run: .venv/bin/python bench/match_speed.py   (make bench installs the two peers)
"""
from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np

from _common import md_header, md_row, peak_gib

from mentorhub.matching.assignment import assign  # noqa: E402
from mentorhub.matching.scoring import Scorer, candidate_edges  # noqa: E402
from mentorhub.matching.synthetic import community  # noqa: E402

FIGURES: list[tuple[str, str, str]] = []


def record(name: str, value: str, target: str = "", echo: bool = True) -> None:
    FIGURES.append((name, value, target))
    if echo:
        print(f"  {name}: {value}  {target}", flush=True)


def scale() -> None:
    print("generating 100k learners / 20k mentors / 50k projects ...", flush=True)
    c = community(100_000, 20_000, 50_000, seed=0)
    before = peak_gib()
    t = time.perf_counter()
    s = Scorer(c.learners, c.mentors, c.projects)
    record("index build (100k/20k/50k)", f"{time.perf_counter() - t:.1f} s", "target <= 60 s")
    record("peak RSS after build (incl. input arrays)", f"{peak_gib():.2f} GiB (inputs {before:.2f} GiB)",
           "target <= 2 GiB")

    rng = np.random.default_rng(1)
    sample = rng.choice(100_000, 1000, replace=False)
    for i in sample[:20]:  # warm up
        s.top_mentors(int(i), 10)
        s.top_projects(int(i), 10)
    times_m, times_all = [], []
    for i in sample:
        t0 = time.perf_counter()
        s.top_mentors(int(i), 10)
        t1 = time.perf_counter()
        s.top_projects(int(i), 10)
        t2 = time.perf_counter()
        times_m.append(t1 - t0)
        times_all.append(t2 - t0)
    record("one learner: top-10 mentors, median", f"{np.median(times_m) * 1e3:.2f} ms")
    record("one learner: top-10 mentors + top-10 projects, median",
           f"{np.median(times_all) * 1e3:.2f} ms (p95 {np.percentile(times_all, 95) * 1e3:.2f} ms)",
           "target <= 10 ms")

    t, cpu = time.perf_counter(), time.process_time()
    s.top_mentors_all(10, chunk=1000)
    record("all 100k learners: top-10 mentors (chunks of 1,000)",
           f"{time.perf_counter() - t:.1f} s wall, {time.process_time() - cpu:.1f} s CPU", "target <= 60 s")
    record("peak RSS after batch", f"{peak_gib():.2f} GiB", "target <= 2 GiB")


def cohort() -> None:
    from scipy.optimize import linear_sum_assignment

    c = community(10_000, 2_000, 10, seed=3)
    s = Scorer(c.learners, c.mentors)
    t = time.perf_counter()
    idx, sc = s.top_mentors_all(10)
    t_cand = time.perf_counter() - t
    rows, cols, scores = candidate_edges(idx, sc, 0.2)
    t = time.perf_counter()
    a = assign(10_000, c.capacity, rows, cols, scores, min_score=0.2)
    t_assign = time.perf_counter() - t
    load = np.bincount(a.mentor[a.mentor >= 0], minlength=2000)
    record("cohort 10k x 2k: candidate graph (top-10)", f"{t_cand:.1f} s, {len(rows)} edges")
    record("cohort 10k x 2k: exact assignment", f"{t_assign:.2f} s, {int((a.mentor >= 0).sum())} matched, "
           f"total {a.total:.1f}, capacity respected: {bool((load <= c.capacity).all())}", "target <= 20 s")

    # exactness against a dense reference on a smaller instance
    c = community(1000, 200, 10, seed=4)
    s = Scorer(c.learners, c.mentors)
    idx, sc = s.top_mentors_all(10)
    rows, cols, scores = candidate_edges(idx, sc, 0.2)
    ours = assign(1000, c.capacity, rows, cols, scores, min_score=0.2).total
    slots = np.repeat(np.arange(200), c.capacity)
    cost = np.zeros((1000, len(slots) + 1000))
    best = {}
    for r, m, v in zip(rows, cols, scores):
        best[(r, m)] = v
    for q, m in enumerate(slots):
        for r in np.flatnonzero(cols == m):
            cost[rows[r], q] = -scores[r]
    ri, ci = linear_sum_assignment(cost)
    ref = -cost[ri, ci].sum()
    record("exactness 1,000 x 200 vs linear_sum_assignment", f"ours {ours:.4f} = reference {ref:.4f}: "
           f"{bool(np.isclose(ours, ref))}")


def peers() -> None:
    n, m = 300, 100
    c = community(n, m, 10, seed=5)
    s = Scorer(c.learners, c.mentors)
    cap = c.capacity
    dense = s.mentor_scores_batch(np.arange(n)).astype(np.float64)

    t = time.perf_counter()
    idx, sc = s.top_mentors_all(10)
    rows, cols, scores = candidate_edges(idx, sc, 0.0)
    ours = assign(n, cap, rows, cols, scores)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    r_all = np.repeat(np.arange(n), m)
    c_all = np.tile(np.arange(m), n)
    ours_full = assign(n, cap, r_all, c_all, dense.ravel())
    t_full = time.perf_counter() - t
    results = [("mentorhub (top-10 graph, exact)", t_ours, ours.total, int((ours.mentor >= 0).sum())),
               ("mentorhub (full graph, exact)", t_full, ours_full.total, int((ours_full.mentor >= 0).sum()))]

    try:
        from matching.process import calculate_matches, prepare_matrix  # mentor-match

        class _M:  # what mentor-match's prepare_matrix reads
            __slots__ = ("score",)

            def __init__(self, score):
                self.score = score

        slots = np.repeat(np.arange(m), cap)
        t = time.perf_counter()
        grid = [[_M(int(dense[i, j] * 10_000)) for j in slots] for i in range(n)]
        pairs = calculate_matches(prepare_matrix(grid))
        t_mm = time.perf_counter() - t
        chosen = [(i, int(slots[q])) for i, q in pairs]
        results.append(("mentor-match (Munkres)", t_mm, sum(dense[i, j] for i, j in chosen), len(chosen)))
    except ImportError:
        results.append(("mentor-match: not installed", float("nan"), float("nan"), 0))

    try:
        from mentormatch.api.app.setup_app_context import Context
        from mentormatch.utils import ApplicantType, PairType

        top5 = np.argsort(-dense, axis=1)[:, :5]

        def person(wwid, level, years, skills):
            return {"wwid": wwid, "first_name": f"p{wwid}", "last_name": "x", "skills": skills,
                    "function": "ml", "position_level": level, "years_total": years,
                    "location": "remote", "gender": "any", "preference_yes": [],
                    "preference_no": [], "preference_maybe": ["a", "b", "c", "d"]}

        teach = c.mentors.teach.tocsr()
        want = c.learners.want.tocsr()
        mentors = [dict(person(100_000 + j, 5, 10, [str(x) for x in teach[j].indices]), max_mentee_count=int(cap[j]))
                   for j in range(m)]
        mentees = [dict(person(i + 1, 1, 1, [str(x) for x in want[i].indices]), favor=0, preferred_functions=[],
                        preferred_wwids=[int(100_000 + j) for j in top5[i]]) for i in range(n)]
        t = time.perf_counter()
        ctx = Context(mentors, mentees)
        ctx.get_applicants(ApplicantType.MENTOR).assemble_applicant_objects()
        ctx.get_applicants(ApplicantType.MENTEE).assemble_applicant_objects()
        ctx.get_matcher(PairType.PREFERRED).execute()
        ctx.get_matcher(PairType.RANDOM).execute()
        t_sm = time.perf_counter() - t
        chosen = [(p.mentee.wwid - 1, p.mentor.wwid - 100_000)
                  for mentor in ctx.get_applicants(ApplicantType.MENTOR) for p in mentor.yield_pairs]
        results.append(("mentormatch (stable matching)", t_sm, sum(dense[i, j] for i, j in chosen), len(chosen)))
    except ImportError:
        results.append(("mentormatch: not installed", float("nan"), float("nan"), 0))

    print(f"\n  peers, {n} learners x {m} mentors, capacities 1-5 (total capacity {int(cap.sum())}):")
    print(f"  {'method':<34} {'time':>10} {'total score':>12} {'matched':>8}")
    for name, t, total, matched in results:
        print(f"  {name:<34} {t * 1e3:>8.1f}ms {total:>12.3f} {matched:>8}")
        record(f"peers: {name}", f"{t * 1e3:.1f} ms, total score {total:.3f}, {matched} matched", echo=False)


def main() -> None:
    parts = ("peers", "cohort", "scale")
    which = sys.argv[1:] or list(parts)
    unknown = [w for w in which if w not in parts]
    if unknown:
        sys.exit(f"usage: match_speed.py [{' | '.join(parts)} ...]  (unknown: {', '.join(unknown)})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"numpy {np.__version__}, load average at start {os.getloadavg()[0]:.1f}")
    for part in which:
        print(f"\n[{part}]", flush=True)
        globals()[part]()
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    md_header("figure", "value", "target", lead="\n")
    for name, value, target in FIGURES:
        md_row(name, value, target)


if __name__ == "__main__":
    main()
