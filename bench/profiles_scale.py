"""How long ``flask seed --scale N`` takes: N learners and N/5 mentors, on SQLite and PostgreSQL.

    .venv/bin/python bench/profiles_scale.py [--n 100000] [--backends sqlite,postgres]

SQLite: a fresh WAL file in a temporary folder. PostgreSQL: DATABASE_URL_BENCH if set (an
empty database), otherwise a throwaway server started with initdb/pg_ctl (as the postgres
user when run as root), like the test fixtures. Prints one table row per backend.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def throwaway_postgres():
    url = os.environ.get("DATABASE_URL_BENCH")
    if url:
        yield url
        return
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if not bins:
        raise SystemExit("PostgreSQL binaries not found under /usr/lib/postgresql")
    bindir = bins[0]
    root = os.geteuid() == 0
    tmp = Path(tempfile.mkdtemp(prefix="mentorhub-bench-pg-"))
    if root:
        shutil.chown(tmp, "postgres", "postgres")
        tmp.chmod(0o700)
    data, port = tmp / "data", free_port()

    def run(cmd: str) -> None:
        subprocess.run(["su", "postgres", "-c", cmd] if root else ["bash", "-c", cmd], check=True,
                       capture_output=True, timeout=120)

    run(f"{bindir}/initdb -D {data} -A trust -U postgres --no-sync -E UTF8")
    opts = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1"
    run(f"{bindir}/pg_ctl -D {data} -o '{opts}' -l {tmp}/log -w start")
    try:
        run(f"{bindir}/createdb -h 127.0.0.1 -p {port} -U postgres bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/bench"
    finally:
        run(f"{bindir}/pg_ctl -D {data} -m fast stop")
        shutil.rmtree(tmp, ignore_errors=True)


def measure(url: str, n: int) -> tuple[float, dict]:
    from mentorhub import create_app, models  # noqa: F401
    from mentorhub.config import Config
    from mentorhub.db import Base, make_engine

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()

    class BenchConfig(Config):
        DATABASE_URL = url

    app = create_app(BenchConfig)
    from mentorhub.profiles.demo import load_scale

    from sqlalchemy import select

    from mentorhub.accounts.models import User
    from mentorhub.db import db
    from mentorhub.profiles.services import search_mentors

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
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    rows = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="mentorhub-bench-"))
            try:
                elapsed, counts = measure(f"sqlite:///{folder / 'scale.db'}", args.n)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
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
