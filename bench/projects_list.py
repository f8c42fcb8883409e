"""The project catalogue at scale: /projects with filters over N ideas, and seat claims under contention.

    .venv/bin/python bench/projects_list.py [--n 10000] [--runs 50]

Bulk-loads N ideas (each with 1–3 domains, 2–4 required and 1–3 "learn" skills, a random
last activity in the past 120 days, so about half are stale) into a SQLite file, then times
the listing service and the whole GET /projects page (test client, template included) for
the default listing, a domain + skill + free-seats filter, a text search and the stale view.
Last, 8 threads accept 40 applications to one 10-seat project at once: accepted/second and
whether the seat count held. Median and 95th percentile in milliseconds.
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from _common import bench_app, md_header, md_row, timed

WORDS = ("drift", "recommender", "sentiment", "pipeline", "classifier", "forecast", "anomaly", "feature",
         "evaluation", "deployment", "monitoring", "dataset", "vision", "speech", "ranking", "fairness")


def load(n: int, rng: random.Random) -> None:
    from sqlalchemy import insert, select

    from mentorhub.accounts.models import User
    from mentorhub.db import db, utcnow
    from mentorhub.profiles.models import Domain, Skill
    from mentorhub.projects.models import COMPUTE, DIFFICULTIES, Project, ProjectSkill, project_domains

    owner = User(email="owner@bench.test", display_name="Bench owner")
    db.session.add(owner)
    db.session.commit()
    skills = list(db.session.scalars(select(Skill.id)))
    domains = list(db.session.scalars(select(Domain.id)))
    now = utcnow()
    rows, pskills, pdomains = [], [], []
    for i in range(1, n + 1):
        words = rng.sample(WORDS, 3)
        seats = rng.randint(2, 6)
        rows.append(dict(id=i, title=f"{words[0].capitalize()} {words[1]} project {i}",
                         summary=f"A {words[2]} idea about {words[0]} and {words[1]}.",
                         description=" ".join(rng.choices(WORDS, k=60)), difficulty=rng.choice(DIFFICULTIES),
                         hours_per_week=rng.randint(2, 10), duration_weeks=rng.randint(4, 16),
                         compute=rng.choice(COMPUTE), seats=seats, seats_taken=rng.randint(0, seats),
                         status=rng.choice(("open", "open", "in_progress", "completed")), is_stale=False,
                         owner_id=owner.id, created_at=now, updated_at=now,
                         last_activity_at=now - timedelta(days=rng.uniform(0, 120))))
        for s in rng.sample(skills, 4):
            pskills.append(dict(project_id=i, skill_id=s, kind="required", min_level=rng.randint(1, 4)))
        for s in rng.sample(skills, 2):
            pskills.append(dict(project_id=i, skill_id=s, kind="learn", min_level=None))
        for d in rng.sample(domains, rng.randint(1, 3)):
            pdomains.append(dict(project_id=i, domain_id=d))
    db.session.execute(insert(Project), rows)
    seen = set()
    pskills = [r for r in pskills if not ((r["project_id"], r["skill_id"], r["kind"]) in seen
                                          or seen.add((r["project_id"], r["skill_id"], r["kind"])))]
    db.session.execute(insert(ProjectSkill), pskills)
    db.session.execute(insert(project_domains), pdomains)
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.errors import Conflict
    from mentorhub.profiles.models import Domain, Skill
    from mentorhub.profiles.taxonomy import load_taxonomy
    from mentorhub.projects import applications, ideas, queries
    from mentorhub.projects.models import Project, ProjectMember

    tmp = Path(tempfile.mkdtemp(prefix="bench-projects-"))
    app = bench_app(f"sqlite:///{tmp / 'bench.db'}")
    rng = random.Random(7)
    with app.app_context():
        load_taxonomy()
        t = time.perf_counter()
        load(args.n, rng)
        print(f"loaded {args.n:,} ideas in {time.perf_counter() - t:.1f} s")
        domain = db.session.scalar(select(Domain.slug).order_by(Domain.id))
        skill = db.session.scalar(select(Skill.slug).order_by(Skill.id))

    cases = [
        ("default listing", {}),
        ("domain + skill + free seats", {"domain": domain, "skill": skill, "free_seats": "1"}),
        ("text search", {"q": "fairness"}),
        ("stale included, newest", {"stale": "1", "sort": "new"}),
    ]
    client = app.test_client()
    md_header("query", "ideas", "matches", "service median ms", "service p95 ms", "page median ms", "page p95 ms",
              align="lrrrrrr", lead="\n")
    for label, query in cases:
        with app.app_context():
            f = queries.ProjectFilters.from_args(query)
            total = queries.list_projects(f, 1).total

            def service_call():
                queries.list_projects(f, 1)
                db.session.rollback()

            s_med, s_p95 = timed(service_call, args.runs)
        p_med, p_p95 = timed(lambda: client.get("/projects", query_string=query), args.runs)
        md_row(label, f"{args.n:,}", f"{total:,}", f"{s_med:.1f}", f"{s_p95:.1f}", f"{p_med:.1f}", f"{p_p95:.1f}")

    # seat claims under contention: 8 threads, 40 applications, 10 seats
    with app.app_context():
        people = [User(email=f"c{i}@bench.test", display_name=f"C{i}") for i in range(41)]
        db.session.add_all(people)
        db.session.commit()
        leader, applicants = people[0], people[1:]
        project = ideas.create_project(leader, dict(
            title="Contended", summary="Ten seats, forty applicants.", difficulty="beginner", hours_per_week=3,
            duration_weeks=4, compute="laptop_cpu", seats=10))
        app_ids = [applications.apply(a, project.id, "Happy to help with anything the team needs.").id
                   for a in applicants]
        leader_id, project_id = leader.id, project.id
    queue = list(app_ids)
    lock = threading.Lock()
    outcome = {"ok": 0, "conflict": 0}

    def worker():
        with app.app_context():
            actor = db.session.get(User, leader_id)
            db.session.commit()
            while True:
                with lock:
                    if not queue:
                        return
                    app_id = queue.pop()
                try:
                    applications.accept(actor, app_id)
                    key = "ok"
                except Conflict:
                    key = "conflict"
                with lock:
                    outcome[key] += 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    with app.app_context():
        taken = db.session.get(Project, project_id).seats_taken
        members = db.session.scalar(select(func.count(ProjectMember.id)).where(ProjectMember.project_id == project_id))
    print(f"\ncontention: 40 accepts on 8 threads in {elapsed * 1000:.0f} ms "
          f"({40 / elapsed:.0f} decisions/s); accepted {outcome['ok']}, refused {outcome['conflict']}, "
          f"seats_taken {taken}/10, members {members}")
    app.extensions["db_engine"].dispose()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
