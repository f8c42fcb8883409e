"""What one request to the busiest read pages costs: milliseconds of wall clock and of CPU.

    .venv/bin/python bench/page_cost.py [--runs 50] [--scale 5000] [--postgres | --no-postgres]

Loads a database as bench/web_load.py does (`flask migrate`, `flask seed --demo`, `flask seed
--scale N`, `flask match-index build`), then sends RUNS sequential requests per page through Flask's test client in this
process (no HTTP server, no other clients) and prints the median wall and CPU time per request.
The CPU time is what a gunicorn worker spends on the page; at 0.15x a hello-world app's
~3,200 req/s on 2 cores a page may spend about 3-4 ms. The logged-in pages carry the session of
learner@mentorhub.test, logged in through the form.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import md_header, md_row, temp_sqlite, throwaway_postgres
from web_load import CSRF_INPUT, DEMO_LOGIN, USER_AGENT, base_env, flask_cli

from mentorhub import create_app

PAGES = [("/healthz", False), ("/", False), ("/projects", False), ("/projects", True), ("/mentors", False),
         ("/mentors", True), ("/matches", True), ("/dashboard", True)]
HEADERS = {"User-Agent": USER_AGENT}


def logged_in_client(app):
    client = app.test_client()
    html = client.get("/login", headers=HEADERS).text
    token = re.search(r'value="([^"]+)"', CSRF_INPUT.search(html).group(0)).group(1)
    answer = client.post("/login", headers=HEADERS,
                         data={"csrf_token": token, "email": DEMO_LOGIN[0], "password": DEMO_LOGIN[1]})
    if answer.status_code != 302:
        raise SystemExit(f"login answered {answer.status_code}")
    return client


def measure(name: str, url: str, args, tmp: Path) -> None:
    env = base_env(url, tmp / f"instance-{name}")
    env["MATCH_INDEX_DIR"] = str(tmp / f"instance-{name}" / "match-index")  # absolute: one per backend
    flask_cli(env, "migrate")
    flask_cli(env, "seed", "--demo")
    if args.scale:
        flask_cli(env, "seed", "--scale", str(args.scale))
    flask_cli(env, "match-index", "build")  # as the scheduler would: /matches and /dashboard show real matches
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": env["SECRET_KEY"], "RATELIMIT_ENABLED": False,
                      "MATCH_INDEX_DIR": env["MATCH_INDEX_DIR"]})
    clients = {False: app.test_client(), True: logged_in_client(app)}
    for path, logged_in in PAGES:
        client = clients[logged_in]
        status = client.get(path, headers=HEADERS).status_code  # warm up: templates, statement cache
        for _ in range(3):
            client.get(path, headers=HEADERS)
        wall, cpu = [], []
        for _ in range(args.runs):
            w, c = time.perf_counter(), time.process_time()
            client.get(path, headers=HEADERS)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        md_row(name, path, "learner" if logged_in else "anonymous", status, f"{statistics.median(wall):.2f}",
               f"{statistics.median(cpu):.2f}", f"{sorted(wall)[int(0.95 * (len(wall) - 1))]:.2f}")
    app.extensions["db_engine"].dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50, help="sequential requests per page (default 50)")
    parser.add_argument("--scale", type=int, default=5000, help="learners from seed --scale (default 5000; 0: none)")
    parser.add_argument("--postgres", action=argparse.BooleanOptionalAction, default=None,
                        help="also run on a throwaway PostgreSQL (default: when its binaries exist)")
    args = parser.parse_args()
    postgres = args.postgres if args.postgres is not None else (
        bool(os.environ.get("DATABASE_URL_BENCH")) or any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")))
    tmp = Path(tempfile.mkdtemp(prefix="mentorhub-page-cost-"))
    try:
        print(f"{args.runs} sequential requests per page, seed --scale {args.scale}; "
              f"load average {os.getloadavg()[0]:.1f}\n")
        md_header("backend", "page", "as", "status", "wall ms (median)", "CPU ms (median)", "wall ms (p95)",
                  align="llllrrr")
        with temp_sqlite() as url:
            measure("SQLite", url, args, tmp)
        if postgres:
            with throwaway_postgres() as url:
                measure("PostgreSQL", url, args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
