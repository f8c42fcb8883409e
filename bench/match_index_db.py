"""The shared match index on a real database: N learners, N/5 mentors, N/2 projects
(recorded: N = 100,000).

Seeds a throwaway SQLite file (profiles' ``seed --scale`` loader plus bulk-inserted
projects), then
1. publishes a build (``matching.publish.build_and_publish``: every query, availability grids,
   TF-IDF/SVD, the matrices, the files, the pointer swap) and reports its time and size;
2. starts a separate "web worker" process that maps the published files, serves 300
   learners' explained top-10 mentors and projects through the services, and reports its
   VmRSS and PSS (/proc/self/status, /proc/self/smaps_rollup) and whether it imported
   scikit-learn;
3. in that worker, times the delta for one changed person: a profile save logged in the
   change log, then the next read (one change-log query, that person's rows, their features).

Run: .venv/bin/python bench/match_index_db.py [N_LEARNERS]   (default 20000 to keep ``make bench``
short; the recorded figures use 100000)
"""
from __future__ import annotations

import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import bench_app, peak_gib

WORKER = Path(__file__).with_name("match_index_worker.py")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    n_projects = n // 2
    from sqlalchemy import insert, select

    from mentorhub.config import Config
    from mentorhub.db import db, utcnow

    tmp = tempfile.mkdtemp(prefix="mh-bench-")
    url = f"sqlite:///{tmp}/bench.db"
    index_dir = f"{tmp}/match-index"
    app = bench_app(url, base=Config, TESTING=True, MATCH_INDEX_DIR=index_dir)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"SQLite file in {tmp}")
    with app.app_context():
        from mentorhub.accounts.models import User
        from mentorhub.matching.publish import build_and_publish
        from mentorhub.profiles.demo import load_scale
        from mentorhub.profiles.models import Domain, Skill
        from mentorhub.projects.models import Project, ProjectSkill, project_domains

        t = time.perf_counter()
        load_scale(n, progress=False)
        db.session.commit()
        skills = list(db.session.scalars(select(Skill.id)))
        domains = list(db.session.scalars(select(Domain.id)))
        owners = list(db.session.scalars(select(User.id).limit(5000)))
        rng = random.Random(3)
        now = utcnow()
        conn = db.session.connection()
        prows, srows, drows = [], [], []
        for p in range(1, n_projects + 1):
            seats = rng.randint(1, 6)
            prows.append({"id": p, "title": f"Project {p}", "summary": "An open ML project", "description": "",
                          "difficulty": rng.choice(("beginner", "intermediate", "advanced")), "hours_per_week": 5,
                          "duration_weeks": 8, "compute": "laptop_cpu", "seats": seats,
                          "seats_taken": rng.randint(0, seats), "status": "open", "is_stale": False,
                          "owner_id": rng.choice(owners), "created_at": now, "updated_at": now,
                          "last_activity_at": now})
            sk = rng.sample(skills, 5)
            for s in sk[:2]:
                srows.append({"project_id": p, "skill_id": s, "kind": "required", "min_level": rng.randint(1, 3)})
            for s in sk[2:]:
                srows.append({"project_id": p, "skill_id": s, "kind": "learn", "min_level": None})
            drows.append({"project_id": p, "domain_id": rng.choice(domains)})
            if len(prows) >= 5000:
                conn.execute(insert(Project.__table__), prows)
                conn.execute(insert(ProjectSkill.__table__), srows)
                conn.execute(insert(project_domains), drows)
                prows, srows, drows = [], [], []
        if prows:
            conn.execute(insert(Project.__table__), prows)
            conn.execute(insert(ProjectSkill.__table__), srows)
            conn.execute(insert(project_domains), drows)
        db.session.commit()
        print(f"seeded {n} learners, {n // 5} mentors, {n_projects} projects in {time.perf_counter() - t:.0f} s",
              flush=True)
        before = peak_gib()
        t = time.perf_counter()
        meta = build_and_publish()
        total = time.perf_counter() - t
        size = sum(f.stat().st_size for f in (Path(index_dir) / meta["build_id"]).iterdir()) / 2**20
        print(f"| publish a build ({n} / {n // 5} / {n_projects}): read / total | {meta['read_seconds']:.1f} s / "
              f"{total:.1f} s | target <= 60 s |")
        print(f"| published files | {size:.0f} MiB | |")
        print(f"| peak RSS of the building process | {peak_gib():.2f} GiB (before build {before:.2f}) | |")
    app.extensions["db_engine"].dispose()
    out = subprocess.run([sys.executable, str(WORKER), url, index_dir], capture_output=True, text=True, check=True)
    sys.stderr.write(out.stderr[-2000:])
    w = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"| worker: map the build and answer the first read | {w['first_read_ms']:.0f} ms | no build in the worker |")
    print(f"| worker: explained top-10 mentors + projects via services, median / p95 | "
          f"{w['query_median_ms']:.1f} / {w['query_p95_ms']:.1f} ms | |")
    print(f"| worker: delta for one changed person (save, then the next read), median / max of {w['deltas']} | "
          f"{w['delta_median_ms']:.1f} / {w['delta_max_ms']:.1f} ms | target <= 50 ms |")
    print(f"| worker VmRSS: app loaded / index mapped / after serving | {w['rss_app_mib']:.0f} / "
          f"{w['rss_mapped_mib']:.0f} / {w['rss_mib']:.0f} MiB | target <= 300 MB |")
    print(f"| worker after serving: PSS; RSS anonymous / file-backed (shared) | {w['pss_mib']:.0f}; "
          f"{w['rss_anon_mib']:.0f} / {w['rss_file_mib']:.0f} MiB | |")
    print(f"| worker imported scikit-learn | {w['sklearn']} | |")
    if os.environ.get("MH_BENCH_KEEP"):
        print(f"kept {tmp}: .venv/bin/python bench/match_index_worker.py {url} {index_dir}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
