"""How long ``flask seed --scale N`` takes: N learners and N/5 mentors, on SQLite and PostgreSQL.

    .venv/bin/python bench/profiles_scale.py [--n 20000] [--backends sqlite,postgres]

The default keeps ``make bench`` short; the recorded figures use ``--n 100000``.

SQLite: a fresh WAL file in a temporary folder. PostgreSQL: DATABASE_URL_BENCH if set (an
empty database), otherwise a throwaway server started with initdb/pg_ctl (as the postgres
user when run as root), like the test fixtures. Prints one table row per backend.
"""
from __future__ import annotations

import argparse
import time

from _common import bench_app, temp_sqlite, throwaway_postgres


def measure(url: str, n: int) -> tuple[float, dict]:
    from sqlalchemy import select

    from mentorhub.accounts.models import User
    from mentorhub.config import Config
    from mentorhub.db import db
    from mentorhub.profiles.demo import load_scale
    from mentorhub.profiles.directory import search_mentors

    app = bench_app(url, base=Config)

    with app.app_context():
        started = time.perf_counter()
        counts = load_scale(n, progress=False)
        elapsed = time.perf_counter() - started
        viewer = db.session.scalar(select(User).order_by(User.id).limit(1))
        timings = []
        for _ in range(2):  # cold, then with the per-window cache warm
            t0 = time.perf_counter()
            page = search_mentors(viewer, min_overlap=1)
            timings.append(time.perf_counter() - t0)
        counts["directory_cold"], counts["directory_warm"], counts["directory_hits"] = *timings, page.total
    app.extensions["db_engine"].dispose()
    return elapsed, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    rows = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with temp_sqlite(name="scale.db") as url:
                elapsed, counts = measure(url, args.n)
        else:
            with throwaway_postgres() as url:
                elapsed, counts = measure(url, args.n)
        rows.append((backend, elapsed, counts))
    print(f"\nseed --scale {args.n}: learners, mentors and their rows")
    print(f"{'backend':10} {'seconds':>8} {'people/s':>9} {'learners':>9} {'mentors':>8} {'skills':>8} {'windows':>8}"
          f" {'dir cold s':>10} {'dir warm s':>10}")
    for backend, elapsed, c in rows:
        print(f"{backend:10} {elapsed:8.1f} {c['users'] / elapsed:9.0f} {c['learners']:9d} {c['mentors']:8d} "
              f"{c['skills']:8d} {c['windows']:8d} {c['directory_cold']:10.2f} {c['directory_warm']:10.2f}")
    print("dir: /mentors with 'at least 1 hour of overlap with me' over every mentor (first and second request)")


if __name__ == "__main__":
    main()
