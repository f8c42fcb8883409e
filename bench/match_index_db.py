"""Index build from a real database: N learners, N/5 mentors, N/2 projects (recorded: N = 100,000).

Seeds a throwaway SQLite file (profiles' ``seed --scale`` loader plus bulk-inserted
projects), then times ``matching.index.build_index`` (all queries, availability grids,
TF-IDF/SVD and the matrices), the peak RSS of the process, and the median of one
learner's explained top-10 mentors and projects through the services (DB lookups included).

Run: .venv/bin/python bench/match_index_db.py [N_LEARNERS]   (default 20000 to keep ``make bench``
short; the recorded figures use 100000)
"""
from __future__ import annotations

import os
import platform
import random
import shutil
import sys
import tempfile
import time

import numpy as np

from _common import bench_app, peak_gib

def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    n_projects = n // 2
    from sqlalchemy import insert, select

    from mentorhub.config import Config
    from mentorhub.db import db, utcnow

    tmp = tempfile.mkdtemp(prefix="mh-bench-")
    app = bench_app(f"sqlite:///{tmp}/bench.db", base=Config, TESTING=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"SQLite file in {tmp}")
    with app.app_context():
        from mentorhub.accounts.models import User
        from mentorhub.matching.generation import PROJECTS, bump
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
        bump(PROJECTS)
        db.session.commit()
        print(f"seeded {n} learners, {n // 5} mentors, {n_projects} projects in {time.perf_counter() - t:.0f} s",
              flush=True)
        before = peak_gib()

        from mentorhub.matching import services
        from mentorhub.matching.index import get_index

        t = time.perf_counter()
        if os.environ.get("MH_PROFILE"):
            import cProfile
            import pstats

            prof = cProfile.Profile()
            index = prof.runcall(get_index, force=True)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        else:
            index = get_index(force=True)
        build = time.perf_counter() - t
        print(f"| index build from the database ({n} / {n // 5} / {n_projects}) | {build:.1f} s | target <= 60 s |")
        print(f"| peak RSS (process, after build) | {peak_gib():.2f} GiB (before build {before:.2f}) | target <= 2 GiB |")

        if os.environ.get("MH_PROFILE"):
            s = index.scorer
            rows = [index.learner_row[int(u)] for u in index.learner_users[:200]]
            T = time.perf_counter
            acc = dict.fromkeys(("lin", "avail", "topm", "proj", "topp"), 0.0)
            for i in rows:
                t0 = T(); row = s.l_feat.getrow(i); _ = row.data @ s.mT[row.indices]; t1 = T()
                sl = np.flatnonzero(s.l_avail[i]); _ = s.m_availT[sl].sum(axis=0); t2 = T()
                s.top_mentors(i, 10); t3 = T()
                s.project_scores(i); t4 = T()
                s.top_projects(i, 10); t5 = T()
                for k, v in zip(acc, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                    acc[k] += v / len(rows) * 1e3
            print("profile ms:", {k: round(v, 2) for k, v in acc.items()}, "nnz l_feat", s.l_feat.getrow(rows[0]).nnz,
                  "slots", int(s.l_avail[rows[0]].sum()), "lp nnz", s.lp_feat.getrow(rows[0]).nnz, s.mT.shape, s.pT.shape)
        users = {u.id: u for u in db.session.scalars(select(User).where(
            User.id.in_([int(x) for x in index.learner_users[:: max(1, n // 300)][:300]])))}
        times_raw, times_svc = [], []
        for uid, user in users.items():
            i = index.learner_row[uid]
            t0 = time.perf_counter()
            index.scorer.top_mentors(i, 10)
            index.scorer.top_projects(i, 10)
            t1 = time.perf_counter()
            services.mentor_matches(user)
            services.project_matches(user)
            t2 = time.perf_counter()
            times_raw.append(t1 - t0)
            times_svc.append(t2 - t1)
        print(f"| one learner: top-10 mentors + top-10 projects, index only, median | "
              f"{np.median(times_raw) * 1e3:.2f} ms | target <= 10 ms |")
        print(f"| one learner: explained top-10 mentors + projects via services (DB, filters), median | "
              f"{np.median(times_svc) * 1e3:.1f} ms | |")
    app.extensions["db_engine"].dispose()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
