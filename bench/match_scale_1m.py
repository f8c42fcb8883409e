"""The match index at 1M learners x 50k mentors x 50k projects: arrays only, no database.

Builds a synthetic community (``matching.synthetic.community`` at 100k learners, its learners
repeated to reach N, so generation stays short), fits and builds the model
(``scoring.Scorer``: TF-IDF + SVD over every text, every feature matrix), writes it as a
published build (``store.write_build`` + ``store.publish``), then a separate process maps the
files read-only, as a web worker does, and times single learners' top-10 mentors and top-10
projects, and reports its VmRSS and PSS. Printed figures only.

Run: .venv/bin/python bench/match_scale_1m.py [N_LEARNERS] [N_MENTORS]   (default 1000000 50000)
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from _common import peak_gib  # noqa: E402
from mentorhub.matching import store  # noqa: E402
from mentorhub.matching.features import Learners  # noqa: E402
from mentorhub.matching.overlay import Combined  # noqa: E402
from mentorhub.matching.scoring import Scorer  # noqa: E402
from mentorhub.matching.synthetic import community  # noqa: E402


def memory_mib() -> tuple[float, float]:
    status = Path("/proc/self/status").read_text()
    rss = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    rollup = Path("/proc/self/smaps_rollup").read_text()
    pss = int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:")))
    return rss / 1024, pss / 1024


def worker(folder: str) -> None:
    t = time.perf_counter()
    model = store.Build(Path(folder)).model
    index = Combined(model)
    mapped = time.perf_counter() - t
    rng = np.random.default_rng(1)
    rows = rng.integers(0, index.n_learners, 500)
    times = []
    for i in rows:
        t0 = time.perf_counter()
        index.top_mentors(int(i), 10)
        index.top_projects(int(i), 10)
        times.append(time.perf_counter() - t0)
    rss, pss = memory_mib()
    print(json.dumps({"map_ms": mapped * 1e3, "median_ms": float(np.median(times) * 1e3),
                      "p95_ms": float(np.percentile(times, 95) * 1e3), "rss_mib": rss, "pss_mib": pss}))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    base_n = min(n, 100_000)
    t = time.perf_counter()
    c = community(base_n, m, m)
    reps = -(-n // base_n)
    L = c.learners
    learners = Learners(have=sp.vstack([L.have] * reps)[:n], want=sp.vstack([L.want] * reps)[:n],
                        domains=sp.vstack([L.domains] * reps)[:n], text=(L.text * reps)[:n],
                        avail=np.tile(L.avail, (reps, 1))[:n], stage=np.tile(L.stage, reps)[:n]
                        if L.stage is not None else None)
    print(f"generated {n} learners / {m} mentors / {m} projects in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    scorer = Scorer(learners, c.mentors, c.projects)
    build = time.perf_counter() - t
    tmp = Path(tempfile.mkdtemp(prefix="mh-1m-"))
    try:
        t = time.perf_counter()
        ids = {"learner_users": np.arange(n), "mentor_users": np.arange(m), "project_ids": np.arange(m)}
        folder = store.write_build(tmp, "b1", scorer, ids, {"seq": 0}, scorer.text_model.projection())
        store.publish(tmp, "b1")
        write = time.perf_counter() - t
        size = sum(f.stat().st_size for f in folder.iterdir()) / 2**30
        print(f"| build the model ({n:,} / {m:,} / {m:,}) | {build:.0f} s |")
        print(f"| write + publish the files | {write:.0f} s, {size:.2f} GiB |")
        print(f"| peak RSS of the building process | {peak_gib():.2f} GiB |", flush=True)
        del scorer, learners, c
        out = subprocess.run([sys.executable, __file__, "--worker", str(folder)], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).parent)
        w = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| worker: map the build | {w['map_ms']:.0f} ms |")
        print(f"| worker: one learner's top-10 mentors + top-10 projects, median / p95 of 500 | "
              f"{w['median_ms']:.1f} / {w['p95_ms']:.1f} ms |")
        print(f"| worker after 500 queries: VmRSS / PSS | {w['rss_mib']:.0f} / {w['pss_mib']:.0f} MiB |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
